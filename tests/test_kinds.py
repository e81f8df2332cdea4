"""Kinds of texts in the knowledge base (issue 23): ``kind:`` in the frontmatter (absent:
a workshop recap), its own ids, search/list/timeline showing and filtering on it, and the
workshops' counts (editions, participants, missing recaps) left to workshops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, python, recap_text
from tests.recaps.test_published_texts import PUBLISHED

CONCERTATION = "concertation-2025-03-25-centre-ouest"


def add_concertation(run: Run) -> None:
    text = str(PUBLISHED / "concertation-thematique.txt")
    result = run("add", "--from-text", text, "--kind", "concertation", "--yes")
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert said.startswith(f"Added {CONCERTATION}: recaps/{CONCERTATION}.md 2025-03-25, ")
    assert "[concertation]" in said


def test_a_concertation_is_written_as_one_with_its_action(kb_dir: Path, run: Run) -> None:
    add_concertation(run)
    written = (kb_dir / f"{CONCERTATION}.md").read_text(encoding="utf-8")
    assert written.startswith("---\ndate: 2025-03-25\nbasin: centre-ouest\nkind: concertation\n")
    assert "participants" not in written and "edition" not in written
    # the title names the thematic concertations, an action of kb.yml: first of its actions
    assert "\nactions: [concertations-thematiques" in written


def test_a_concertation_links_to_the_action_its_title_names(empty_kb: Path, run: Run) -> None:
    (empty_kb / "kb.yml").write_text(
        "actions:\n  - slug: liaison-hopital-ambulatoire\n    name: Liaison hôpital-ambulatoire\n",
        encoding="utf-8",
    )
    text = str(PUBLISHED / "concertation-thematique.txt")
    result = run("add", "--from-text", text, "--kind", "concertation", "--yes")
    assert result.exit_code == 0, result.stderr
    written = (empty_kb / f"{CONCERTATION}.md").read_text(encoding="utf-8")
    assert "\nactions: [liaison-hopital-ambulatoire]\n" in written
    listed = json.loads(run("list", "--action", "liaison-hopital-ambulatoire", "--json").stdout)
    assert [r["id"] for r in listed] == [CONCERTATION]


def test_list_search_and_timeline_show_and_filter_the_kind(kb_dir: Path, run: Run) -> None:
    add_concertation(run)
    rows = json.loads(run("list", "--json").stdout)
    kinds = {r["id"]: r["kind"] for r in rows}
    assert kinds[CONCERTATION] == "concertation" and set(kinds.values()) == {
        "workshop",
        "concertation",
    }
    only = json.loads(run("list", "--kind", "concertation", "--json").stdout)
    assert [r["id"] for r in only] == [CONCERTATION]
    workshops = json.loads(run("list", "--kind", "workshop", "--json").stdout)
    assert len(workshops) == len(rows) - 1
    table = run("list", "--kind", "concertation").stdout
    assert "[concertation] Retour sur la Concertation" in table

    hits = json.loads(run("search", "hôpital", "--json").stdout)
    assert {h["id"]: h["kind"] for h in hits}[CONCERTATION] == "concertation"
    assert "[concertation]" in run("search", "hôpital").stdout
    none = json.loads(run("search", "hôpital", "--kind", "workshop", "--json").stdout)
    assert CONCERTATION not in {h["id"] for h in none}

    entries = json.loads(run("timeline", "--kind", "concertation", "--json").stdout)
    assert [(e["id"], e["recap_kind"]) for e in entries] == [(CONCERTATION, "concertation")]
    assert "[concertation]" in run("timeline", "--basin", "centre-ouest").stdout


def test_the_fast_path_takes_kind_too(kb_dir: Path, run: Run) -> None:
    add_concertation(run)
    done = python("-m", "kb", "list", "--kind", "concertation", "--json", cwd=kb_dir.parent)
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in json.loads(done.stdout)] == [CONCERTATION]


def test_a_wrong_kind_option_is_one_line(kb_dir: Path, run: Run) -> None:
    result = run("list", "--kind", "atelier")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --kind 'atelier': expected one of workshop, concertation, report, "
        "colloquium, news, presentation, press, newsletter"
    ]


def test_workshop_counts_leave_other_kinds_out(empty_kb: Path, run: Run) -> None:
    """Editions 3 and 5 with a concertation (stating an edition 4 by mistake) between:
    edition 4 is still missing, and the concertation is no basin's workshop."""
    body = "# Retour\n\nTexte.\n"
    (empty_kb / "2025-01-10-sud.md").write_text(
        recap_text("2025-01-10", "sud", body, edition=3, participants=20), encoding="utf-8"
    )
    (empty_kb / "2025-09-10-sud.md").write_text(
        recap_text("2025-09-10", "sud", body, edition=5, participants=30), encoding="utf-8"
    )
    (empty_kb / "concertation-2025-05-10-sud.md").write_text(
        recap_text("2025-05-10", "sud", body, kind="concertation", edition=4, participants=99),
        encoding="utf-8",
    )
    entries = json.loads(run("timeline", "--json").stdout)
    assert [e["editions"] for e in entries if e["kind"] == "missing"] == [[4]]
    [sud] = [b for b in json.loads(run("basins", "--json").stdout) if b["basin"] == "sud"]
    assert sud["recaps"] == 2 and sud["participants"] == [20, 30]
    assert sud["latest_edition"] == 5


@pytest.mark.parametrize(
    ("name", "kind", "error"),
    [
        (
            "concertation-2025-05-10-sud.md",
            "atelier",
            "kind: expected one of workshop, concertation, report, colloquium, news, "
            "presentation, press, newsletter, got 'atelier'",
        ),
        (
            "2025-05-10-sud.md",
            "concertation",
            "file name does not match its kind concertation, date 2025-05-10 and basin sud: "
            "rename it concertation-2025-05-10-sud.md, or fix kind/date/basin",
        ),
    ],
)
def test_a_bad_kind_is_one_line_naming_file_and_field(
    empty_kb: Path, run: Run, name: str, kind: str, error: str
) -> None:
    (empty_kb / name).write_text(recap_text("2025-05-10", "sud", kind=kind), encoding="utf-8")
    result = run("index")
    assert result.exit_code == 1
    assert f"{name}: {error}" in result.stderr


def test_a_workshop_may_say_so(empty_kb: Path, run: Run) -> None:
    (empty_kb / "2025-05-10-sud.md").write_text(
        recap_text("2025-05-10", "sud", kind="workshop"), encoding="utf-8"
    )
    assert json.loads(run("list", "--json").stdout)[0]["kind"] == "workshop"


def test_the_web_pages_show_and_filter_the_kind(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.testclient import TestClient

    from kb.config import locate
    from kb.web.app import create_app
    from tests.web.test_app import facet

    add_concertation(run)
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    client = TestClient(create_app(locate(kb_dir)), raise_server_exceptions=False)
    home = client.get("/").text
    assert facet(home, "kind") == {"Atelier du Changement": 5, "Concertation": 1}
    assert '<span class="kind">Concertation</span>' in home
    only = client.get("/", params={"kind": "concertation"}).text
    assert f'href="/recaps/{CONCERTATION}"' in only and "2025-02-20-centre-ouest" not in only
    found = client.get("/", params={"q": "hôpital", "kind": "concertation"}).text
    assert f'href="/recaps/{CONCERTATION}"' in found
    page = client.get(f"/recaps/{CONCERTATION}").text
    assert "<dt>Genre</dt>" in page and "Concertation" in page
    timeline = client.get("/timeline", params={"basin": "centre-ouest"}).text
    assert '<span class="kind">Concertation</span>' in timeline
    bad = client.get("/", params={"kind": "atelier"})
    assert bad.status_code == 400 and "Genre de texte inconnu" in bad.text


def test_a_knowledge_base_of_workshops_shows_no_kind(kb_dir: Path) -> None:
    from starlette.testclient import TestClient

    from kb.config import locate
    from kb.web.app import create_app

    client = TestClient(create_app(locate(kb_dir)), raise_server_exceptions=False)
    assert 'id="facet-kind"' not in client.get("/").text


def test_show_says_the_kind(kb_dir: Path, run: Run) -> None:
    add_concertation(run)
    shown = run("show", CONCERTATION, "--no-pager").stdout
    assert "Kind" in shown and "concertation" in shown
    assert "Kind" not in run("show", "2025-02-20-centre-ouest", "--no-pager").stdout


def test_the_static_site_holds_other_kinds(kb_dir: Path, run: Run, tmp_path: Path) -> None:
    add_concertation(run)
    out = tmp_path / "site"
    result = run("site", str(out), "--kb-dir", str(kb_dir))
    assert result.exit_code == 0, result.stderr
    page = (out / "recaps" / f"{CONCERTATION}.html").read_text(encoding="utf-8")
    assert "<dt>Genre</dt>" in page
    only = (out / "home" / "kind-concertation.html").read_text(encoding="utf-8")
    assert f"{CONCERTATION}.html" in only and "2025-02-20-centre-ouest.html" not in only


def test_search_by_meaning_alone_keeps_the_kind(kb_dir: Path, run: Run) -> None:
    """A recap found by meaning (no query word in it) says its kind, and --kind filters it."""
    add_concertation(run)
    hits = json.loads(run("search", "sortie d'hôpital", "--kind", "concertation", "--json").stdout)
    assert {h["id"] for h in hits} <= {CONCERTATION}
    assert all(h["kind"] == "concertation" for h in hits)
