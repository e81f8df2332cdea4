"""The site's pages, in-process: search, counts, recap, timeline, agenda, errors, safety."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import icalendar
import pytest
from starlette.testclient import TestClient

from tests.conftest import ROOT, python, write_recap
from tests.web.conftest import HOSTILE_ID


def facet(html: str, name: str) -> dict[str, int]:
    """A facet's values and counts, as the page lists them."""
    section = html.split(f'id="facet-{name}"')[1].split("</section>")[0]
    items = re.findall(r">([^<>]+)</(?:a|strong)> <span class=\"count\">\((\d+)\)</span>", section)
    return {label.replace("&#39;", "'"): int(count) for label, count in items}


def test_search_lists_the_matching_recaps_with_highlights(client: TestClient) -> None:
    page = client.get("/", params={"q": "helpdesk"})
    assert page.status_code == 200
    html = page.text
    assert '<a href="/recaps/2025-02-20-centre-ouest">' in html
    assert "<h4>Le <mark>Helpdesk</mark> du bassin</h4>" in html
    assert "recours au <mark>HD</mark>" in html  # the glossary, as kb search
    assert "1 compte rendu pour « helpdesk »" in html
    assert facet(html, "basin") == {"Centre-Ouest": 1}
    assert facet(html, "year") == {"2025": 1}


def test_counts_are_over_the_other_filters(client: TestClient) -> None:
    everything = client.get("/").text
    assert facet(everything, "basin") == {"Centre-Ouest": 3, "Sud": 1, "Sud-Est": 1}
    assert facet(everything, "year") == {"2025": 2, "2024": 2, "2023": 1}
    chosen = client.get("/", params={"basin": "centre-ouest"}).text
    # The basins still count without the basin filter; years and actions count with it.
    assert facet(chosen, "basin") == {"Centre-Ouest": 3, "Sud": 1, "Sud-Est": 1}
    assert facet(chosen, "year") == {"2025": 2, "2024": 1}
    assert facet(chosen, "action")["Helpdesk"] == 1
    assert 'href="/?basin=centre-ouest&amp;year=2024"' in chosen
    assert chosen.count('<article class="hit">') == 3
    both = client.get("/", params={"q": "hopital", "year": "2024"}).text
    assert facet(both, "basin") == {"Sud-Est": 1}
    assert facet(both, "year") == {"2025": 1, "2024": 1}
    assert both.count('<article class="hit">') == 1


def test_the_recap_page(client: TestClient) -> None:
    page = client.get("/recaps/2025-02-20-centre-ouest")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Retour sur l&#39;Atelier du Changement du 20 février 2025</h1>" in html
    assert "<dt>Participant·es</dt><dd>45</dd>" in html
    assert '<a href="/?action=helpdesk">Helpdesk</a>' in html
    assert "<h2>Le Helpdesk du bassin</h2>" in html
    assert html.index('<dl class="meta">') < html.index("<h2>Le Helpdesk du bassin</h2>")


def test_a_unique_prefix_redirects_to_the_recap(client: TestClient) -> None:
    page = client.get("/recaps/2025-02", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (302, "/recaps/2025-02-20-centre-ouest")


def test_recap_text_is_shown_never_run(client: TestClient, hostile: Path) -> None:
    main = client.get(f"/recaps/{HOSTILE_ID}").text.split("<main", 1)[1]
    for tag in ("<script", "<img", "<div onclick", 'href="javascript'):
        assert tag not in main
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main  # in the title, a heading, the text
    # In the title, a heading and the text (the See also block below may quote headings).
    article = main.split('<section class="see-also"')[0]
    assert article.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    assert "&lt;div onclick=" in main
    assert "[un lien](javascript:alert(3))" in main  # a refused link stays text
    found = client.get("/", params={"q": "alert"}).text.split("<main", 1)[1]
    assert "<script" not in found and "<img" not in found
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in found


def test_no_script_may_run_whatever_a_page_holds(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"


def test_timeline_and_agenda(client: TestClient) -> None:
    timeline = client.get("/timeline", params={"basin": "Centre Ouest"}).text
    assert "Chronologie du bassin Centre-Ouest" in timeline
    assert timeline.index("<h2>2024</h2>") < timeline.index("<h2>2025</h2>")
    assert "les éditions 5 et 6 n'ont pas de compte rendu" in timeline
    assert '<a href="/recaps/2025-06-12-centre-ouest">12 juin 2025 — Centre-Ouest</a>' in timeline
    agenda = client.get("/agenda").text
    upcoming, past = agenda.split("<h2>Passées</h2>")
    assert "23 octobre 2025, 14 h 00</time> — Centre-Ouest" in upcoming
    assert "Expo Anderlecht" in upcoming
    assert '<a href="/recaps/2025-06-12-centre-ouest">2025-06-12-centre-ouest</a>' in past
    ics = client.get("/agenda.ics", params={"basin": "sud"})
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    [event] = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event["UID"]) == "2024-02-01-sud@kb.ateliers-du-changement"


def test_an_action_in_the_timeline_quotes_what_is_said(client: TestClient) -> None:
    html = client.get("/timeline", params={"action": "HD"}).text
    assert "Chronologie : Helpdesk" in html
    assert "<h4>Le Helpdesk du bassin</h4>" in html


def test_errors_are_pages_never_tracebacks(client: TestClient) -> None:
    for url, code, says in [
        ("/recaps/2099-01-01-nord", 404, "Page introuvable"),
        ("/recaps/..%2F..%2Fetc%2Fpasswd", 404, "Page introuvable"),
        ("/nowhere", 404, "Page introuvable"),
        ("/?basin=atlantide", 400, "Bassin inconnu : « atlantide »"),
        ("/?action=nothing", 400, "Action inconnue : « nothing »"),
        ("/?year=deux-mille", 400, "« deux-mille » n'est pas une année"),
        ("/timeline?basin=atlantide", 400, "Bassin inconnu"),
        ("/agenda?basin=atlantide", 400, "Bassin inconnu"),
        ("/?q=-helpdesk", 400, "Cette recherche n'a pas pu être faite"),
    ]:
        page = client.get(url)
        assert (url, page.status_code) == (url, code)
        assert says in page.text and "Traceback" not in page.text
    posted = client.post("/", data={"q": "x"})
    assert posted.status_code == 405 and "Traceback" not in posted.text


def test_each_request_sees_the_folder_as_it_is(client: TestClient, kb_dir: Path) -> None:
    assert "/recaps/2025-03-01-sud" not in client.get("/", params={"q": "palmier"}).text
    write_recap(kb_dir, date="2025-03-01", basin="sud", body="# Le palmier\n\nUn palmier.\n")
    found = client.get("/", params={"q": "palmier"}).text
    assert '<a href="/recaps/2025-03-01-sud">' in found


def test_the_site_never_writes_to_the_recaps(client: TestClient, kb_dir: Path) -> None:
    def recaps() -> dict[str, str]:
        return {
            str(p.relative_to(kb_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(kb_dir.rglob("*"))
            if p.is_file() and ".kb" not in p.relative_to(kb_dir).parts
        }

    before = recaps()
    for url in ["/", "/?q=helpdesk", "/recaps/2025-02-20-centre-ouest", "/timeline", "/agenda"]:
        assert client.get(url).status_code == 200
    assert recaps() == before


def test_the_site_does_not_need_the_command_line() -> None:
    script = (
        "import sys\nfrom kb.config import locate\nfrom kb.web.app import create_app\n"
        "create_app(locate(sys.argv[1]))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click', 'rich')"
        " or m.startswith('kb.cli')))\n"
    )
    done = python("-c", script, str(ROOT / "recaps"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_search_hint_shows_or_and_parentheses_as_the_search_takes_them(
    client: TestClient,
) -> None:
    from html import unescape

    hint = re.search(r'<p class="hint">(.*?)</p>', client.get("/").text, re.S)
    assert hint is not None
    examples = [unescape(code) for code in re.findall(r"<code>(.*?)</code>", hint.group(1))]
    assert "a OR b" in examples and "a | b" in examples
    grouped = next(e for e in examples if e.startswith("(") and "|" in e)
    # Every example is a search the site answers (-mot alone leaves nothing to look
    # for), with results for the grouped one.
    for example in (e for e in examples if not e.startswith("-")):
        page = client.get("/", params={"q": example})
        assert page.status_code == 200, example
        assert 'class="problem"' not in page.text, example
    assert '<article class="hit">' in client.get("/", params={"q": grouped}).text


def test_a_past_meeting_without_recap_is_missing_on_the_pages(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-12-06")  # read at each request
    timeline = client.get("/timeline", params={"basin": "sud"}).text
    meeting = timeline.split('<li class="entry missing">')[1].split("</li>")[0]
    assert "1er février 2024</time> — Sud" in meeting
    assert "<strong>Compte rendu manquant</strong>" in meeting
    assert "<code>kb add --date 2024-02-01 --basin sud</code>" in meeting
    assert "À venir" not in timeline and "pas encore" not in timeline
    agenda = client.get("/agenda", params={"basin": "sud"}).text
    upcoming, past = agenda.split("<h2>Passées</h2>")
    assert "Aucune rencontre annoncée à venir." in upcoming
    assert "<dd><strong>manquant</strong></dd>" in past
    assert "<code>kb add --date 2024-02-01 --basin sud</code>" in past
    recap = client.get("/recaps/2023-10-10-sud").text
    assert "<dt>Rencontre annoncée</dt>" in recap and "Prochaine rencontre" not in recap


def test_before_its_day_the_meeting_is_the_next_one_on_the_pages(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2024-01-15")
    timeline = client.get("/timeline", params={"basin": "sud"}).text
    assert '<li class="entry upcoming">' in timeline and "<strong>À venir</strong>" in timeline
    assert "kb add" not in timeline and "manquant" not in timeline
    upcoming, _past = client.get("/agenda", params={"basin": "sud"}).text.split("<h2>Passées</h2>")
    assert "1er février 2024</time> — Sud" in upcoming
    assert "<dt>Prochaine rencontre</dt>" in client.get("/recaps/2023-10-10-sud").text
