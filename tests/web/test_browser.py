"""The site in a real browser: headless Chromium (Debian's chromium and chromedriver,
which .ci/run installs) driven by Selenium, on the site served on a free local port.

A screenshot of each page is kept in tests/.artifacts/screenshots/ (named after the test
and the page), for a person to look at after the run."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT
from tests.web.conftest import HOSTILE, HOSTILE_ID

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = ROOT / "tests" / ".artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
    reason=f"no browser: {CHROMIUM} or {CHROMEDRIVER} is missing "
    "(apt-get install chromium chromium-driver; .ci/run does)",
)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile and nothing that reaches the network."""
    profile = tempfile.mkdtemp(prefix="kb-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",  # as root, in a container
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    # The given driver: Selenium Manager (which would download one) is never run.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver: WebDriver, request: pytest.FixtureRequest, page: str) -> Path:
    """A screenshot of the whole page, kept after the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 6000)))
    path = SHOTS / f"{request.node.name}-{page}.png"
    assert driver.save_screenshot(str(path)), path
    driver.set_window_size(1280, 1000)
    return path


def follow(driver: WebDriver, element: WebElement) -> None:
    """Click a link or a submit button and wait for the page it leads to: a click returns
    before the next page has loaded, and on a busy machine the old one is still there."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait = WebDriverWait(driver, 30)
    wait.until(expected_conditions.staleness_of(page))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def no_alert(driver: WebDriver) -> bool:
    try:
        driver.switch_to.alert.dismiss()
    except NoAlertPresentException:
        return True
    return False


def test_a_partner_finds_the_helpdesk_in_two_clicks(
    site: str, browser: WebDriver, request: pytest.FixtureRequest
) -> None:
    browser.get(site + "/")
    assert browser.title == "Recherche — Ateliers du Changement"
    shot(browser, request, "home")
    box = browser.find_element(By.ID, "q")
    box.send_keys("helpdesk")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))  # 1
    assert browser.current_url == site + "/?q=helpdesk"
    results = browser.find_elements(By.CSS_SELECTOR, "ol.hits article.hit")
    assert len(results) == 1
    marks = [m.text for m in results[0].find_elements(By.TAG_NAME, "mark")]
    assert "Helpdesk" in marks
    facets = browser.find_element(By.CSS_SELECTOR, "aside.facets")
    assert "Centre-Ouest (1)" in facets.text and "2025 (1)" in facets.text
    assert browser.find_element(By.ID, "results-title").text == "1 compte rendu pour « helpdesk »"
    shot(browser, request, "results")
    follow(browser, results[0].find_element(By.CSS_SELECTOR, "h3 a"))  # 2
    assert browser.current_url == site + "/recaps/2025-02-20-centre-ouest"
    heading = browser.find_element(By.XPATH, "//article//h2[. = 'Le Helpdesk du bassin']")
    assert heading.is_displayed()
    meta = browser.find_element(By.CSS_SELECTOR, "dl.meta").text
    assert "Centre-Ouest" in meta and "45" in meta
    shot(browser, request, "recap")


def test_a_facet_narrows_and_the_timeline_and_agenda_read_well(
    site: str, browser: WebDriver, request: pytest.FixtureRequest
) -> None:
    browser.get(site + "/")
    follow(browser, browser.find_element(By.LINK_TEXT, "Centre-Ouest"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.hits article.hit")) == 3
    selected = browser.find_element(By.CSS_SELECTOR, "#facet-basin + ul strong")
    assert selected.text == "Centre-Ouest"
    shot(browser, request, "facet")
    follow(browser, browser.find_element(By.LINK_TEXT, "Chronologie"))
    follow(browser, browser.find_element(By.LINK_TEXT, "Centre-Ouest"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Chronologie du bassin Centre-Ouest"
    shot(browser, request, "timeline")
    follow(browser, browser.find_element(By.LINK_TEXT, "Agenda"))
    upcoming = browser.find_element(By.CSS_SELECTOR, "li.meeting.upcoming")
    assert "23 octobre 2025, 14 h 00 — Centre-Ouest" in upcoming.text
    assert "Expo Anderlecht" in upcoming.text
    shot(browser, request, "agenda")


def test_html_in_a_recap_shows_as_text_and_never_runs(
    site: str, browser: WebDriver, request: pytest.FixtureRequest, hostile: Path
) -> None:
    browser.get(f"{site}/recaps/{HOSTILE_ID}")
    assert no_alert(browser)
    article = browser.find_element(By.CSS_SELECTOR, "article.recap")
    assert article.find_elements(By.TAG_NAME, "script") == []
    assert article.find_elements(By.TAG_NAME, "img") == []
    assert article.find_elements(By.CSS_SELECTOR, "[onclick], [onerror]") == []
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Retour {HOSTILE}"
    assert f"Texte {HOSTILE} avec <img src=x" in article.text
    assert browser.title != "pwned"
    shot(browser, request, "hostile-recap")
    browser.get(site + "/?q=alert")
    assert no_alert(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "main script, main img") == []
    assert HOSTILE in browser.find_element(By.CSS_SELECTOR, "ol.hits").text
    shot(browser, request, "hostile-search")


PHONE = (390, 844)  # a common phone's screen, in CSS pixels

# Every visible element whose box runs past its parent's sides (a scrolling or clipping
# parent excepted), or past the page's width: what a phone would cut or scroll sideways.
OVERFLOWING = """
const out = [];
const page = document.documentElement.clientWidth;
for (const el of document.body.querySelectorAll('*')) {
  const box = el.getBoundingClientRect();
  if (!box.width || !box.height) continue;
  const style = getComputedStyle(el);
  if (style.position === 'absolute' || style.position === 'fixed') continue;
  const parent = el.parentElement;
  const clip = getComputedStyle(parent).overflowX;
  const outer = parent.getBoundingClientRect();
  const past = clip === 'visible'
    ? Math.max(outer.left - box.left, box.right - outer.right) : 0;
  const off = Math.max(-box.left, box.right - page);
  if (past > 1 || off > 1) {
    const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
    out.push(name + ' ' + (el.textContent || '').trim().slice(0, 40) + ' by '
             + Math.round(Math.max(past, off)) + 'px');
  }
}
if (document.documentElement.scrollWidth > page) out.push('the page scrolls sideways');
return out;
"""


def on_phone(driver: WebDriver) -> None:
    """The viewport of a phone (the page's meta viewport applies, as on a phone)."""
    width, height = PHONE
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def phone_shot(driver: WebDriver, request: pytest.FixtureRequest, page: str) -> Path:
    """What the phone's first screen shows."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{request.node.name}-{page}.png"
    assert driver.save_screenshot(str(path)), path
    return path


@pytest.mark.parametrize(
    ("page", "address"),
    [
        ("search", "/?q=sant%C3%A9"),
        ("latest", "/"),
        ("facet", "/?basin=centre-ouest&year=2025"),
        ("recap", "/recaps/2025-06-12-centre-ouest"),
        ("timeline", "/timeline?basin=centre-ouest"),
        ("agenda", "/agenda"),
    ],
    ids=lambda value: "" if value.startswith("/") else value,
)
def test_on_a_phone_nothing_runs_past_its_box(
    site: str, browser: WebDriver, request: pytest.FixtureRequest, page: str, address: str
) -> None:
    on_phone(browser)
    browser.get(site + address)
    phone_shot(browser, request, page)
    overflowing = browser.execute_script(OVERFLOWING)
    assert not overflowing, "\n".join(overflowing)
    assert browser.execute_script("return window.innerWidth") == PHONE[0]


@pytest.mark.parametrize(
    "address",
    ["/?q=sant%C3%A9", "/", "/?basin=centre-ouest"],
    ids=["search", "latest", "facet"],
)
def test_on_a_phone_the_results_come_first(
    site: str, browser: WebDriver, request: pytest.FixtureRequest, address: str
) -> None:
    on_phone(browser)
    browser.get(site + address)
    title = browser.find_element(By.CSS_SELECTOR, "ol.hits article.hit h3")
    bottom = browser.execute_script("return arguments[0].getBoundingClientRect().bottom", title)
    phone_shot(browser, request, "first-screen")
    assert 0 < bottom <= PHONE[1], f"the first result's title ends at {bottom}px"
    facets = browser.find_element(By.CSS_SELECTOR, "aside.facets")
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", facets)
    assert top > bottom  # the counts come after the results, not before
