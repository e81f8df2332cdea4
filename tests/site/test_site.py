"""`kb site OUT/`: the web site's pages as files, links that stay inside the folder,
rebuilds that write only what changed, and a folder that holds nothing else."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from starlette.testclient import TestClient

from kb.config import locate
from kb.web.app import create_app
from tests.conftest import Run, write_recap

MANIFEST = ".kb-site.json"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "data-bundle") and value is not None:
                self.links.append(value)


def links_of(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def build(run: Run, kb_dir: Path, out: Path) -> tuple[str, str]:
    result = run("site", str(out), "--kb-dir", str(kb_dir))
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def written(stdout: str) -> list[str]:
    return re.findall(r"^written: (\S+)", stdout, flags=re.M)


def stamps(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "site"


def test_every_page_of_the_server_is_a_file_and_every_link_stays_in_the_folder(
    run: Run, kb_dir: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    build(run, kb_dir, out)
    ids = sorted(p.stem for p in kb_dir.glob("*.md"))
    for name in (
        "index.html",
        "timeline.html",
        "timeline/basin-centre-ouest.html",
        "timeline/action-helpdesk.html",
        "agenda.html",
        "agenda/basin-centre-ouest.html",
        "home/basin-centre-ouest.html",
        "home/year-2025.html",
        "agenda.ics",
        "recaps.csv",
        "static/style.css",
        "pagefind/pagefind-ui.js",
        *(f"recaps/{i}.html" for i in ids),
    ):
        assert (out / name).is_file(), name
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        for link in links_of(page):
            parts = urlsplit(link)
            # Relative, so the folder works wherever it is put, from a host or the disk;
            # the only absolute addresses are the recaps' own links to the web.
            if parts.scheme:
                assert parts.scheme in ("http", "https") and "recaps/" in str(page), link
                continue
            assert not link.startswith("/"), (page, link)
            if link.startswith("#"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(out.resolve()), (page, link)
            assert target.exists(), (page, link)
    assert len(pages) > len(ids) + 10
    # The same data as the other ways of sharing: the CSV is `kb export`'s.
    exported = out.parent / "export.csv"
    assert run("export", "-o", str(exported), "--kb-dir", str(kb_dir)).exit_code == 0
    assert (out / "recaps.csv").read_bytes() == exported.read_bytes()
    calendar = (out / "agenda.ics").read_text(encoding="utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR") and "Centre-Ouest" in calendar


def test_a_recap_page_says_what_the_server_says(
    run: Run, kb_dir: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    build(run, kb_dir, out)
    client = TestClient(create_app(locate(kb_dir)))

    def article(html: str) -> str:
        found = re.search(r'<article class="recap">.*?</article>', html, flags=re.S)
        assert found
        return re.sub(r'href="[^"]*"', "", found.group(0))  # the addresses differ

    for page, address in (
        ("recaps/2025-02-20-centre-ouest.html", "/recaps/2025-02-20-centre-ouest"),
        ("recaps/2023-10-10-sud.html", "/recaps/2023-10-10-sud"),
    ):
        static = (out / page).read_text(encoding="utf-8")
        assert article(static) == article(client.get(address).text)
        assert "data-pagefind-body" in static and 'lang="fr"' in static
    # A page in a folder links one level up; the style sheet and the menu too.
    links = links_of(out / "recaps/2025-02-20-centre-ouest.html")
    assert "../static/style.css" in links and "../timeline.html" in links
    assert "../timeline/basin-centre-ouest.html" in links


def test_a_rebuild_writes_only_what_changed_and_says_so(
    run: Run, kb_dir: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    first, _said = build(run, kb_dir, out)
    assert "index.html" in written(first) and "pagefind/" in written(first)
    before = stamps(out)
    again, said = build(run, kb_dir, out)
    assert written(again) == [] and "0 written, 0 removed" in said
    assert stamps(out) == before  # not even rewritten with the same bytes

    write_recap(kb_dir, date="2025-09-15", basin="nord", body="# Atelier Nord\n\nLa cuisine.\n")
    third, said = build(run, kb_dir, out)
    changed = written(third)
    assert "recaps/2025-09-15-nord.html" in changed
    assert "index.html" in changed and "pagefind/" in changed and "recaps.csv" in changed
    assert "recaps/2023-10-10-sud.html" not in changed  # nothing of it changed
    assert "timeline/basin-sud.html" not in changed
    now = stamps(out)
    assert now["recaps/2023-10-10-sud.html"] == before["recaps/2023-10-10-sud.html"]

    (kb_dir / "2025-09-15-nord.md").unlink()
    fourth, _said = build(run, kb_dir, out)
    assert "removed: recaps/2025-09-15-nord.html" in fourth
    assert not (out / "recaps" / "2025-09-15-nord.html").exists()
    assert (out / MANIFEST).is_file()


def refused(run: Run, kb_dir: Path, out: Path) -> str:
    result = run("site", str(out), "--kb-dir", str(kb_dir))
    assert result.exit_code != 0 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_folder_that_holds_recaps_or_other_files_is_refused_and_left_as_it_is(
    run: Run, kb_dir: Path, tmp_path: Path
) -> None:
    with_recap = tmp_path / "notes"
    write_recap(with_recap, date="2025-01-01", basin="sud")
    assert "holds recaps (2025-01-01-sud.md)" in refused(run, kb_dir, with_recap)
    assert sorted(p.name for p in with_recap.iterdir()) == ["2025-01-01-sud.md"]

    other = tmp_path / "www"
    (other / "img").mkdir(parents=True)
    (other / "img" / "logo.png").write_bytes(b"png")
    assert "holds img/logo.png, which kb did not write" in refused(run, kb_dir, other)
    assert [p.name for p in other.rglob("*")] == ["img", "logo.png"]

    # The knowledge base itself, a folder inside it, a folder that holds it.
    for place in (kb_dir, kb_dir / "site", tmp_path):
        assert "is or holds the knowledge base" in refused(run, kb_dir, place)
    assert not (kb_dir / "site").exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    build(run, kb_dir, empty)
    # A file put into a site kb wrote: refused too, the next time.
    (empty / "notes.txt").write_text("mine", encoding="utf-8")
    assert "holds notes.txt, which kb did not write" in refused(run, kb_dir, empty)
    assert (empty / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_refusals_are_said_in_french(
    run: Run, kb_dir: Path, tmp_path: Path, in_french: None
) -> None:
    other = tmp_path / "www"
    other.mkdir()
    (other / "page.html").write_text("<p>", encoding="utf-8")
    line = refused(run, kb_dir, other)
    assert "contient page.html, que kb n'a pas écrit" in line


def test_a_manifest_edited_by_hand_never_leads_kb_outside_the_folder(
    run: Run, kb_dir: Path, out: Path, tmp_path: Path
) -> None:
    build(run, kb_dir, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"] += ["../victim.txt", "/etc/hostname", "a/../../victim.txt"]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    stdout, _said = build(run, kb_dir, out)
    assert "removed:" not in stdout
    assert victim.read_text(encoding="utf-8") == "keep me"
    (out / MANIFEST).write_text("not json", encoding="utf-8")
    assert "not kb's list of the site's files" in refused(run, kb_dir, out)


def test_a_knowledge_base_without_recaps_makes_no_site(run: Run, empty_kb: Path, out: Path) -> None:
    assert "no recap to put on the site; nothing written" in refused(run, empty_kb, out)
    assert not out.exists()


def test_without_meetings_there_is_no_calendar_and_no_link_to_one(
    run: Run, empty_kb: Path, out: Path
) -> None:
    write_recap(empty_kb, date="2025-03-01", basin="sud", body="# Atelier\n\nLe quartier.\n")
    build(run, empty_kb, out)
    assert not (out / "agenda.ics").exists()
    for page in out.rglob("*.html"):
        assert not any(link.endswith(".ics") for link in links_of(page)), page
    assert "recaps.csv" in links_of(out / "index.html")
