"""The static site in a real browser: `kb site` into a folder, served by a plain static
file server on 127.0.0.1 (no kb code runs while it is read), and opened from the disk.

Headless Chromium as in tests/web/test_browser.py; screenshots in
tests/.artifacts/screenshots/ (site-*.png)."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import Run
from tests.web.conftest import HOSTILE, HOSTILE_ID
from tests.web.test_browser import SHOTS, follow, no_alert, pytestmark  # noqa: F401

SERVER_TIMEOUT = 120  # seconds: a server left running by a stuck test stops by itself
PHONE = (390, 844)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def folder(run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    out = tmp_path / "site"
    result = run("site", str(out), "--kb-dir", str(kb_dir))
    assert result.exit_code == 0, result.stderr
    return out


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` served as files on a free port of 127.0.0.1, stopped at the end."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    guard = threading.Timer(SERVER_TIMEOUT, server.shutdown)
    guard.daemon = True
    thread.start()
    guard.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        guard.cancel()
        server.shutdown()
        server.server_close()
        thread.join(15)
        assert not thread.is_alive(), "the server did not stop"


@pytest.fixture
def static(folder: Path) -> Iterator[str]:
    with serving(folder) as address:
        yield address


def shot(driver: WebDriver, request: pytest.FixtureRequest, page: str, width: int = 1280) -> None:
    """A screenshot of the whole page at ``width``, kept after the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(800, min(int(height) + 40, 6000)))
    path = SHOTS / f"site-{request.node.name}-{page}.png"
    assert driver.save_screenshot(str(path)), path


def results(driver: WebDriver, count: int = 1) -> list[WebElement]:
    """Pagefind's results, once at least ``count`` are shown."""
    selector = "#search .pagefind-ui__result"
    WebDriverWait(driver, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, selector)) >= count
    )
    return driver.find_elements(By.CSS_SELECTOR, selector)


def search(driver: WebDriver, words: str) -> list[WebElement]:
    box = WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#search input.pagefind-ui__search-input")
    )
    box.clear()
    box.send_keys(words)
    WebDriverWait(driver, 30).until(
        lambda d: (
            f"« {words} »" in d.find_element(By.ID, "search").text
            or words in d.find_element(By.ID, "search").text
        )
    )
    return results(driver)


def link_of(result: WebElement) -> WebElement:
    return result.find_element(By.CSS_SELECTOR, "a.pagefind-ui__result-link")


def test_a_partner_searches_the_static_site_opens_a_recap_and_follows_the_timeline(
    static: str, browser: WebDriver, request: pytest.FixtureRequest
) -> None:
    browser.get(static + "/index.html")
    assert browser.title == "Recherche — Ateliers du Changement"
    found = search(browser, "helpdesk")
    assert len(found) == 1
    assert link_of(found[0]).text == "Retour sur l'Atelier du Changement du 20 février 2025"
    assert "Helpdesk" in [m.text for m in found[0].find_elements(By.TAG_NAME, "mark")]
    hint = browser.find_element(By.CSS_SELECTOR, "div.search p.hint").text
    assert "Accents et majuscules n'importent pas" in hint
    shot(browser, request, "results")

    # No accent, singular: the recap says "épiceries sociales".
    found = search(browser, "epicerie")
    assert [link_of(r).text for r in found] == [
        "Retour sur l'Atelier du Changement du 10 octobre 2024"
    ]
    assert "épiceries" in found[0].text
    shot(browser, request, "accents")

    # Every word must be there: these two are never in the same recap.
    box = browser.find_element(By.CSS_SELECTOR, "#search input.pagefind-ui__search-input")
    box.send_keys(" helpdesk")
    WebDriverWait(browser, 30).until(
        lambda d: "Pas de résultat pour" in d.find_element(By.ID, "search").text
    )
    assert browser.find_elements(By.CSS_SELECTOR, "#search .pagefind-ui__result") == []
    found = search(browser, "epicerie")

    follow(browser, link_of(found[0]))
    assert browser.current_url == static + "/recaps/2024-10-10-sud-est.html"
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Retour sur l'Atelier")
    shot(browser, request, "recap")

    # The crumbs lead to the basin's timeline, and the timeline to each recap.
    crumbs = browser.find_elements(By.CSS_SELECTOR, "nav.crumbs a")
    follow(browser, crumbs[1])
    assert browser.current_url == static + "/timeline/basin-sud-est.html"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Chronologie du bassin Sud-Est"
    follow(browser, browser.find_element(By.LINK_TEXT, "Centre-Ouest"))
    assert browser.current_url == static + "/timeline/basin-centre-ouest.html"
    entries = browser.find_elements(By.CSS_SELECTOR, "ol.timeline li.entry.recap h3 a")
    assert len(entries) == 3
    shot(browser, request, "timeline")
    follow(browser, entries[-1])
    assert browser.current_url == static + "/recaps/2025-06-12-centre-ouest.html"
    follow(browser, browser.find_element(By.LINK_TEXT, "Agenda"))
    upcoming = browser.find_element(By.CSS_SELECTOR, "li.meeting.upcoming")
    assert "23 octobre 2025, 14 h 00 — Centre-Ouest" in upcoming.text
    follow(browser, browser.find_element(By.LINK_TEXT, "Recherche"))
    assert browser.current_url == static + "/index.html"
    assert no_alert(browser)
    # Nothing was refused by the pages' policy, nothing failed to load (but the icon a
    # browser asks every site for).
    problems = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]
    assert problems == []


def test_a_link_with_words_searches_them_and_the_lists_filter_without_search(
    static: str, browser: WebDriver, request: pytest.FixtureRequest
) -> None:
    browser.get(static + "/index.html?q=r%C3%A9seaux")
    found = results(browser, 4)
    # réseau, réseaux, reseau: one stem, accents aside (the fourth names the action
    # "Lunch' réseau"); the one recap without the word is not found.
    pages = {link_of(r).get_attribute("href").rsplit("/", 1)[-1] for r in found}
    assert len(found) == 4 and "2025-06-12-centre-ouest.html" not in pages
    follow(browser, browser.find_element(By.LINK_TEXT, "Centre-Ouest"))
    assert browser.current_url == static + "/home/basin-centre-ouest.html"
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.hits article.hit")) == 3
    follow(browser, browser.find_element(By.LINK_TEXT, "2024"))
    assert browser.current_url == static + "/home/basin-centre-ouest_year-2024.html"
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.hits article.hit")) == 1
    shot(browser, request, "facets")


def test_on_a_phone_the_search_and_a_recap_fit_the_screen(
    static: str, browser: WebDriver, request: pytest.FixtureRequest
) -> None:
    browser.set_window_size(*PHONE)
    browser.get(static + "/index.html?q=helpdesk")
    found = results(browser)
    width = browser.execute_script("return window.innerWidth")
    box = browser.find_element(By.CSS_SELECTOR, "#search input.pagefind-ui__search-input")
    for element in (box, found[0]):
        right = browser.execute_script("return arguments[0].getBoundingClientRect().right", element)
        assert 0 < right <= width, (element.tag_name, right, width)
    shot(browser, request, "phone-search", width=PHONE[0])
    follow(browser, link_of(found[0]))
    assert browser.find_element(By.CSS_SELECTOR, "article.recap h1").is_displayed()
    shot(browser, request, "phone-recap", width=PHONE[0])


def test_hosted_in_a_folder_of_a_site_the_results_lead_into_that_folder(
    folder: Path, browser: WebDriver
) -> None:
    with serving(folder.parent) as host:
        browser.get(f"{host}/{folder.name}/index.html?q=helpd")  # the first letters
        found = results(browser)
        assert len(found) == 1
        follow(browser, link_of(found[0]))
        assert browser.current_url == f"{host}/{folder.name}/recaps/2025-02-20-centre-ouest.html"


def test_opened_from_the_disk_the_pages_and_links_work_and_the_search_says_why_not(
    folder: Path, browser: WebDriver, request: pytest.FixtureRequest
) -> None:
    browser.get((folder / "index.html").as_uri())
    note = browser.find_element(By.ID, "search-offline")
    assert note.is_displayed() and "hébergeur web" in note.text
    # The style sheet applies (the skip link is moved off screen by it).
    left = browser.execute_script(
        "return document.querySelector('a.skip').getBoundingClientRect().left"
    )
    assert left < 0
    shot(browser, request, "disk")
    follow(browser, browser.find_element(By.LINK_TEXT, "Chronologie"))
    assert browser.current_url == (folder / "timeline.html").as_uri()
    follow(browser, browser.find_elements(By.CSS_SELECTOR, "ol.timeline li.entry.recap h3 a")[0])
    assert browser.current_url.startswith((folder / "recaps").as_uri())
    assert browser.find_element(By.CSS_SELECTOR, "dl.meta").is_displayed()


def test_html_in_a_recap_shows_as_text_in_the_page_and_in_the_search(
    hostile: Path, static: str, browser: WebDriver, request: pytest.FixtureRequest
) -> None:
    browser.get(f"{static}/recaps/{HOSTILE_ID}.html")
    assert no_alert(browser)
    article = browser.find_element(By.CSS_SELECTOR, "article.recap")
    assert article.find_elements(By.CSS_SELECTOR, "script, img, [onclick], [onerror]") == []
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Retour {HOSTILE}"
    browser.get(static + "/index.html?q=onerror")
    found = results(browser)
    assert no_alert(browser) and browser.title != "pwned"
    # Pagefind's excerpt is the recap's text: the tags in it are text, not elements.
    assert browser.find_elements(By.CSS_SELECTOR, "#search script, #search img") == []
    assert "<img src=x" in found[0].text
    shot(browser, request, "hostile-search")
