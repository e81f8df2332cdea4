"""kb add through the CLI: a Markdown file, a published text, a template in an editor."""

from __future__ import annotations

import json
import shlex
import sys
import tempfile
from pathlib import Path

import pytest

from kb.recaps.recap import parse_recap
from kb.recaps.vocab import defaults
from tests.conftest import BUNDLED, SEEDS, Run, recap_text
from tests.recaps.test_published import COMPARED, SEED_IDS
from tests.test_add import snapshot

ERROR_CASES = [
    ("missing.txt", None, "missing.txt: cannot be read (No such file or directory)"),
    # 0x81 is no character in Windows-1252 either: neither encoding reads it
    ("neither.txt", b"R\x81union du 3 mars 2025", "not UTF-8 text (byte 0x81 at offset 1)"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
    ("empty.txt", b"\xef\xbb\xbf \r\n\r\n", "the file is empty"),
]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone at the terminal: kb add may ask questions (CliRunner's input answers)."""
    monkeypatch.setattr("kb.cli.questions.is_terminal", lambda: True)


def ids(run: Run) -> list[str]:
    return [r["id"] for r in json.loads(run("list", "--json").stdout)]


# -- kb add FILE.md -------------------------------------------------------------------------


def test_add_markdown_prints_the_id_and_a_summary_and_indexes_it(
    empty_kb: Path, tmp_path: Path, run: Run
) -> None:
    draft = tmp_path / "brouillon.md"
    draft.write_text(recap_text(date="2025-03-01", basin="sud", edition=9, participants=12))
    result = run("add", str(draft))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Added 2025-03-01-sud: recaps/2025-03-01-sud.md\n"
        "2025-03-01, Sud, edition 9, 12 participants, 0 sections, 0 actions\n"
    )
    assert (empty_kb / "2025-03-01-sud.md").read_bytes() == draft.read_bytes()
    assert ids(run) == ["2025-03-01-sud"]
    again = run("add", str(draft))
    assert again.exit_code == 0
    assert again.stdout.startswith("Unchanged 2025-03-01-sud: recaps/2025-03-01-sud.md\n")
    assert "already in the knowledge base with this content" in again.stderr


def test_add_markdown_refuses_an_existing_id_then_force_keeps_a_backup(
    kb_dir: Path, tmp_path: Path, run: Run
) -> None:
    draft = tmp_path / "brouillon.md"
    draft.write_text(recap_text(date="2024-10-10", basin="sud-est", body="# Neuf\n\nTexte.\n"))
    before = snapshot(kb_dir)
    result = run("add", str(draft))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: 2024-10-10-sud-est is already in the knowledge base: "
        "recaps/2024-10-10-sud-est.md; pass --force"
    )
    assert snapshot(kb_dir) == before
    result = run("add", str(draft), "--force")
    assert result.exit_code == 0
    assert result.stdout.startswith("Replaced 2024-10-10-sud-est: recaps/2024-10-10-sud-est.md\n")
    assert "kept as recaps/2024-10-10-sud-est.md.bak" in result.stderr
    assert (kb_dir / "2024-10-10-sud-est.md.bak").read_bytes() == before["2024-10-10-sud-est.md"]
    assert run("show", "2024-10-10-sud-est").stdout.startswith("Neuf\n")


def test_add_markdown_from_stdin_and_options_that_belong_to_the_text(
    empty_kb: Path, run: Run
) -> None:
    result = run("add", "-", input=recap_text(date="2025-04-02", basin="nord"))
    assert result.exit_code == 0 and ids(run) == ["2025-04-02-nord"]
    result = run("add", "x.md", "--date", "2025-01-01")
    assert result.exit_code == 2 and "--date is for --from-text and the template" in result.stderr


@pytest.mark.parametrize(("name", "data", "message"), ERROR_CASES)
def test_bad_input_is_one_line_and_writes_nothing(
    kb_dir: Path, tmp_path: Path, run: Run, name: str, data: bytes | None, message: str
) -> None:
    if data is not None:
        (tmp_path / name).write_bytes(data)
    before = snapshot(kb_dir)
    for args in (["add", name], ["add", "--from-text", name, "--yes"]):
        result = run(*args)
        assert result.exit_code != 0
        assert result.stderr.startswith("Error: ") and message in result.stderr
        assert result.stderr.count("\n") == 1
        assert snapshot(kb_dir) == before


def test_a_windows_1252_text_is_read_as_such_and_said_a_draft_must_be_utf8(
    empty_kb: Path, tmp_path: Path, run: Run
) -> None:
    text = "Retour sur l’Atelier du 3 mars 2025 – bassin Sud\n\nÉchanges… «\u00a0relais\u00a0».\n"
    (tmp_path / "win.txt").write_bytes(text.encode("cp1252"))
    result = run("add", "--from-text", str(tmp_path / "win.txt"), "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"{tmp_path / 'win.txt'}: not UTF-8; read as Windows-1252." in result.stderr
    written = (empty_kb / "2025-03-03-sud.md").read_text(encoding="utf-8")
    assert "# Retour sur l’Atelier du 3 mars 2025 – bassin Sud\n\nÉchanges… « relais »." in written
    result = run("add", "--from-text", "-", "--dry-run", input=text.encode("cp1252"))
    assert result.exit_code == 0 and "<stdin>: not UTF-8; read as Windows-1252." in result.stderr
    assert "Échanges… « relais »." in result.stdout
    # UTF-8 with one bad byte is not Windows-1252 (it would read as "Ã©"): an error.
    broken = tmp_path / "broken.txt"
    broken.write_bytes(text.encode("utf-8").replace("É".encode(), b"\xc9"))
    result = run("add", "--from-text", str(broken), "--yes")
    assert result.exit_code == 1 and "nor Windows-1252; save it as UTF-8" in result.stderr
    result = run("add", str(tmp_path / "win.txt"))  # a Markdown draft: UTF-8 only
    assert result.exit_code == 1 and "not UTF-8 text (byte 0x92" in result.stderr


def test_a_folder_and_an_impossible_date_are_errors_too(
    kb_dir: Path, tmp_path: Path, run: Run
) -> None:
    before = snapshot(kb_dir)
    result = run("add", str(tmp_path))
    assert result.exit_code == 1 and "cannot be read (Is a directory)" in result.stderr
    (tmp_path / "x.md").write_text(recap_text(date="2025-02-31"))
    result = run("add", str(tmp_path / "x.md"))
    assert result.stderr == (
        f"Error: {tmp_path / 'x.md'}: date: expected an ISO date like 2025-02-20, "
        "got '2025-02-31'\n"
    )
    seed = str(next(SEEDS.glob("000_*.txt")))
    result = run("add", "--from-text", seed, "--date", "31/02/2025", "--yes")
    assert result.exit_code == 2
    assert "--date '31/02/2025': not a real day (February 2025 has 28 days)" in result.stderr
    assert snapshot(kb_dir) == before


# -- kb add --from-text ------------------------------------------------------------------------


@pytest.mark.parametrize("number", list(SEED_IDS))
def test_each_seed_text_gives_the_bundled_recap(empty_kb: Path, run: Run, number: str) -> None:
    seed = next(SEEDS.glob(f"{number}_*.txt"))
    recap_id = SEED_IDS[number]
    result = run("add", "--from-text", str(seed), "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Added {recap_id}: recaps/{recap_id}.md\n")
    vocab = defaults()
    made = parse_recap((empty_kb / f"{recap_id}.md").read_bytes(), f"{recap_id}.md", vocab)
    want = parse_recap((BUNDLED / f"{recap_id}.md").read_bytes(), f"{recap_id}.md", vocab)
    assert {k: getattr(made, k) for k in COMPARED} == {k: getattr(want, k) for k in COMPARED}
    assert made.body == want.body
    # The whole file, frontmatter included, is the bundled one byte for byte.
    assert (empty_kb / f"{recap_id}.md").read_bytes() == (BUNDLED / f"{recap_id}.md").read_bytes()
    assert ids(run) == [recap_id]


def test_a_text_without_a_date_asks_for_date_and_writes_nothing(
    empty_kb: Path, tmp_path: Path, run: Run
) -> None:
    text = tmp_path / "sans-date.txt"
    text.write_text("Retour sur l'Atelier du bassin Sud\n\nDes échanges.\n")
    for extra in (["--yes"], [], ["--dry-run"]):
        result = run("add", "--from-text", str(text), *extra)
        assert result.exit_code == 2
        assert "no date found" in result.stderr and "pass --date YYYY-MM-DD" in result.stderr
        assert list(empty_kb.iterdir()) == []
    bare = tmp_path / "nu.txt"
    bare.write_text("Un atelier\n\nsans rien.\n")
    result = run("add", "--from-text", str(bare), "--yes")
    assert "no date or basin found" in result.stderr
    assert "pass --date YYYY-MM-DD and --basin BASIN" in result.stderr
    result = run("add", "--from-text", str(bare), "--yes", "--basin", "nord")
    assert result.exit_code == 2
    assert "no date found" in result.stderr and "basin" not in result.stderr
    result = run("add", "--from-text", str(text), "--yes", "--date", "2025-03-01")
    assert result.exit_code == 0 and ids(run) == ["2025-03-01-sud"]


def test_options_override_what_the_text_says(empty_kb: Path, run: Run) -> None:
    seed = str(next(SEEDS.glob("000_*.txt")))
    args = ["--date", "21/02/2025", "--basin", "Sud Est", "--edition", "2", "--participants", "0"]
    result = run("add", "--from-text", seed, "--yes", *args)
    assert result.exit_code == 0, result.stderr
    assert "date          2025-02-21  (--date)" in result.stderr
    name = "2025-02-21-sud-est.md"
    made = parse_recap((empty_kb / name).read_bytes(), name, defaults())
    assert (made.date, made.basin, made.edition, made.participants) == (
        "2025-02-21",
        "sud-est",
        2,
        0,
    )


def test_dry_run_prints_the_markdown_and_writes_nothing(empty_kb: Path, run: Run) -> None:
    seed = next(SEEDS.glob("002_*.txt"))
    result = run("add", "--from-text", "-", "--dry-run", input=seed.read_text())
    assert result.exit_code == 0
    made = parse_recap(result.stdout.encode(), "2023-10-10-sud.md", defaults())
    assert made.next_meeting_place == "salle Pianofabriek"
    assert "nothing written" in result.stderr
    assert list(empty_kb.iterdir()) == []


def test_without_a_terminal_or_yes_nothing_is_confirmed_nor_written(
    empty_kb: Path, run: Run
) -> None:
    seed = str(next(SEEDS.glob("001_*.txt")))
    result = run("add", "--from-text", seed)
    assert result.exit_code == 2
    assert "cannot ask for confirmation without a terminal: pass --yes" in result.stderr
    assert "support_group  Ester (BruZEL)" in result.stderr  # what was read was shown
    assert list(empty_kb.iterdir()) == []


def test_at_a_terminal_a_missing_date_is_asked_and_the_answer_confirmed(
    empty_kb: Path, tmp_path: Path, run: Run, terminal: None
) -> None:
    text = tmp_path / "sans-date.txt"
    text.write_text("Retour sur l'Atelier du bassin Nord\n\nDes échanges.\n")
    result = run("add", "--from-text", str(text), input="31/02/2025\n2025-03-04\ny\n")
    assert result.exit_code == 0, result.stderr
    assert "not a real day (February 2025 has 28 days)" in result.stderr
    assert ids(run) == ["2025-03-04-nord"]


def test_at_a_terminal_declining_writes_nothing(empty_kb: Path, run: Run, terminal: None) -> None:
    seed = str(next(SEEDS.glob("003_*.txt")))
    result = run("add", "--from-text", seed, input="n\n")
    assert result.exit_code == 1
    assert "Add 2024-10-10-sud-est? [Y/n]" in result.stderr
    assert "Nothing written." in result.stderr
    assert list(empty_kb.iterdir()) == []


# -- kb add (a template in an editor) ----------------------------------------------------------


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$VISUAL is a script that applies to the file the next edit listed in edits.json: a
    list of [old, new] replacements, null to leave the file as it is, "fail" or "remove"."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import json, pathlib, sys\n"
        "here = pathlib.Path(__file__).parent\n"
        "edits = json.loads((here / 'edits.json').read_text())\n"
        "count = here / 'runs'\n"
        "n = int(count.read_text()) if count.exists() else 0\n"
        "count.write_text(str(n + 1))\n"
        "edit = edits[n]\n"
        "if edit == 'fail':\n"
        "    sys.exit(3)\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "if edit == 'remove':\n"
        "    path.unlink()\n"
        "    sys.exit(0)\n"
        "text = path.read_text(encoding='utf-8')\n"
        "for old, new in edit or []:\n"
        "    text = text.replace(old, new)\n"
        "path.write_text(text, encoding='utf-8')\n"
    )
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(drafts))
    monkeypatch.setenv("VISUAL", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return tmp_path


def edits(folder: Path, *steps: object) -> None:
    (folder / "edits.json").write_text(json.dumps(steps))


def drafts(folder: Path) -> list[Path]:
    return sorted((folder / "drafts").iterdir())


TEXT = ("## Points d'attention généraux\n\n-", "## Le Helpdesk du bassin\n\n- Très utile.")


def test_template_asks_date_and_basin_then_adds_what_was_written(
    empty_kb: Path, run: Run, terminal: None, editor: Path
) -> None:
    edits(editor, [TEXT])
    result = run("add", input="2025-03-01\ncentre ouest\n")
    assert result.exit_code == 0, result.stderr
    assert "Basin (nord, nord-est, centre-ouest, sud, sud-est)" in result.stderr
    assert "Added 2025-03-01-centre-ouest: recaps/2025-03-01-centre-ouest.md" in result.stdout
    text = (empty_kb / "2025-03-01-centre-ouest.md").read_text()
    assert text.startswith("---\ndate: 2025-03-01\nbasin: centre-ouest\nactions: [helpdesk]\n")
    assert "Très utile." in text and "kb:" not in text and "#  " not in text
    assert drafts(editor) == []


def test_template_reopens_the_editor_on_an_error(
    empty_kb: Path, run: Run, terminal: None, editor: Path
) -> None:
    edits(editor, [TEXT, ("date: 2025-03-01", "date: 2025-03-32")], [("-32", "-02")])
    result = run("add", "--date", "2025-03-01", "--basin", "sud", input="y\n")
    assert result.exit_code == 0, result.stderr
    assert "date: expected an ISO date like 2025-02-20, got '2025-03-32'" in result.stderr
    assert ids(run) == ["2025-03-02-sud"]
    assert drafts(editor) == []


def test_template_keeps_the_draft_when_not_reopened(
    empty_kb: Path, run: Run, terminal: None, editor: Path
) -> None:
    edits(editor, [TEXT, ("basin: sud", "basin: ouest")])
    result = run("add", "--date", "2025-03-01", "--basin", "sud", input="n\n")
    assert result.exit_code == 1
    [draft] = drafts(editor)
    assert f"your draft is kept in {draft}" in result.stderr
    assert "basin: ouest" in draft.read_text()
    assert list(empty_kb.iterdir()) == []
    draft.write_text(draft.read_text().replace("basin: ouest", "basin: sud"))
    assert run("add", str(draft)).exit_code == 0 and ids(run) == ["2025-03-01-sud"]  # as told
    written = (empty_kb / "2025-03-01-sud.md").read_text()
    assert "kb:" not in written and "actions: [helpdesk]" in written  # cleaned as the editor's


def test_template_left_unchanged_or_failed_editor_writes_nothing(
    empty_kb: Path, run: Run, terminal: None, editor: Path
) -> None:
    edits(editor, None, "fail")
    result = run("add", "--date", "2025-03-01", "--basin", "sud")
    assert result.exit_code == 1 and "Nothing written: the recap has no text." in result.stderr
    result = run("add", "--date", "2025-03-01", "--basin", "sud")
    assert result.exit_code == 1 and "the editor exited with status 3" in result.stderr
    assert drafts(editor) == [] and list(empty_kb.iterdir()) == []


def test_template_without_terminal_or_editor_says_to_use_a_file(
    empty_kb: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("add")
    assert result.exit_code == 2
    assert "there is no terminal; write the recap in a file and run kb add FILE.md" in (
        result.stderr
    )
    monkeypatch.setattr("kb.cli.questions.is_terminal", lambda: True)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = run("add")
    assert result.exit_code == 2
    assert "no editor: set VISUAL or EDITOR" in result.stderr and "kb add FILE.md" in result.stderr
    assert list(empty_kb.iterdir()) == []


def test_template_removed_by_the_editor_is_a_one_line_error(
    empty_kb: Path, run: Run, terminal: None, editor: Path
) -> None:
    edits(editor, "remove")
    result = run("add", "--date", "2025-03-01", "--basin", "sud")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the draft ") and "nothing written" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert list(empty_kb.iterdir()) == []


def test_template_draft_is_kept_when_the_recap_cannot_be_written(
    empty_kb: Path, run: Run, terminal: None, editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.base import KnowledgeBase
    from kb.errors import KbError

    def disk_full(kb: object, plan: object) -> None:
        raise KbError("recaps/2025-03-01-sud.md: cannot be written (No space left on device)")

    monkeypatch.setattr(KnowledgeBase, "commit", disk_full)
    edits(editor, [TEXT])
    result = run("add", "--date", "2025-03-01", "--basin", "sud")
    assert result.exit_code == 1
    [draft] = drafts(editor)
    assert f"your draft is kept in {draft}" in result.stderr
    assert "Très utile." in draft.read_text()
