"""Terminal manners: colours, the pager, numbered search results, kb show N, kb open.

What only happens on a terminal is tested two ways: kb run on a pseudo-terminal (a new
process whose stdout is a pty, as benchmarks/run.py runs it), and in-process with
``kb.cli.console.on_terminal`` made to say yes.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from kb.cli.app import app
from kb.cli.app import run as main
from tests.conftest import Run

pty = pytest.importorskip("pty")  # no pseudo-terminals on Windows

CO_2025_02 = "2025-02-20-centre-ouest"
CO_2025_06 = "2025-06-12-centre-ouest"
TITLE_2025_02 = "Retour sur l'Atelier du Changement du 20 février 2025"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
HIGHLIGHT = ";43m"  # the yellow background of a match: a colour
PAGER_SCRIPT = """\
import os, sys
data = sys.stdin.buffer.read()
with open(os.environ["PAGED_TO"], "wb") as out:
    out.write(("ARGS " + " ".join(sys.argv[1:]) + "\\n").encode())
    out.write(("LESS " + os.environ.get("LESS", "(unset)") + "\\n").encode())
    out.write(data)
"""


def kb_on_terminal(tmp_path: Path, *args: str, lines: int = 20, **env: str) -> tuple[int, str]:
    """``python -m kb ARGS`` with stdout and stderr on a pseudo-terminal of 80 columns and
    ``lines`` lines: its exit status and what the terminal showed."""
    master, slave = pty.openpty()
    environ = {**os.environ, "COLUMNS": "80", "LINES": str(lines), "TERM": "xterm", **env}
    for name in ("NO_COLOR", "FORCE_COLOR", "KB_PAGER", "PAGER", "LESS"):
        if name not in env:
            environ.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        cwd=tmp_path,
        env=environ,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return proc.wait(), shown.decode("utf-8", errors="replace").replace("\r\n", "\n")


@pytest.fixture
def pager(tmp_path: Path) -> tuple[str, Path]:
    """A stand-in pager (the value of $PAGER) that copies what it is given to a file,
    after its arguments and $LESS; and that file."""
    script = tmp_path / "pager.py"
    script.write_text(PAGER_SCRIPT, encoding="utf-8")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", tmp_path / "paged.txt"


def paged_env(pager: tuple[str, Path], **more: str) -> dict[str, str]:
    return {"PAGER": pager[0], "PAGED_TO": str(pager[1]), **more}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs whose stdout counts as a terminal (never paged: KB_PAGER=cat)."""
    monkeypatch.setattr("kb.cli.console.on_terminal", lambda: True)
    monkeypatch.setenv("KB_PAGER", "cat")


# -- colours ------------------------------------------------------------------------------


def test_colours_follow_force_color_no_color_and_the_option(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "\x1b[" not in run("search", "helpdesk").stdout  # not a terminal: plain text
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")  # the basin's colour is one of 256
    basin = "\x1b[38;5;98m"  # Centre-Ouest's
    coloured = run("search", "helpdesk").stdout
    assert HIGHLIGHT in coloured and basin in coloured  # the match, the basin
    plain = run("search", "helpdesk", "--no-color").stdout
    # No colour, but bold stays: matches still stand out.
    assert HIGHLIGHT not in plain and basin not in plain and "\x1b[1mHD\x1b[0m" in plain
    assert ANSI.sub("", plain) == ANSI.sub("", coloured)
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("search", "helpdesk").stdout == plain
    monkeypatch.delenv("NO_COLOR")
    assert run("search", "helpdesk").stdout == coloured  # --no-color was for one run
    monkeypatch.setenv("TERM", "dumb")  # a dumb terminal: text only, whatever is forced
    assert run("search", "helpdesk").stdout == ANSI.sub("", coloured)


def test_no_color_covers_errors_and_the_fast_path(
    kb_dir: Path, run: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[1;31mError:" in run("show", "zzz").stderr
    assert run("show", "zzz", "--no-color").stderr.startswith("\x1b[1mError:")
    for args in (["search", "helpdesk", "--no-color"], ["search", "helpdesk"]):
        with pytest.raises(SystemExit):
            main(args)
        out = capsys.readouterr().out
        assert (HIGHLIGHT in out) == ("--no-color" not in args)


def test_every_command_takes_no_color_and_the_long_ones_no_pager() -> None:
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        flags = {flag for param in command.params for flag in param.opts}
        assert "--no-color" in flags, name
        long_ones = {"search", "list", "show", "similar", "timeline"}
        assert ("--no-pager" in flags) == (name in long_ones), name


# -- the pager ----------------------------------------------------------------------------


def test_a_long_output_on_a_terminal_goes_through_the_pager_in_colour(
    kb_dir: Path, tmp_path: Path, pager: tuple[str, Path]
) -> None:
    env = paged_env(pager, TERM="xterm-256color")
    status, shown = kb_on_terminal(tmp_path, "show", CO_2025_02, **env)
    assert status == 0 and TITLE_2025_02 not in shown
    paged = pager[1].read_text(encoding="utf-8")
    args, less, text = paged.split("\n", 2)
    assert args == "ARGS " and less == "LESS FRX"  # as git sets it, so colours pass
    assert f"\x1b[1m{TITLE_2025_02}\x1b[0m" in text and "\x1b[38;5;98mCentre-Ouest" in text
    assert "Le Helpdesk du bassin" in ANSI.sub("", text)


@pytest.mark.parametrize("command", [["search", "bassin"], ["timeline"], ["list"]])
def test_search_timeline_and_list_are_paged_too(
    kb_dir: Path, tmp_path: Path, pager: tuple[str, Path], command: list[str]
) -> None:
    status, shown = kb_on_terminal(tmp_path, *command, lines=10, **paged_env(pager))
    assert status == 0 and "5 recaps" not in shown
    assert "5 recaps" in ANSI.sub("", pager[1].read_text(encoding="utf-8"))


def test_similar_is_paged_unless_no_pager(
    kb_dir: Path, tmp_path: Path, pager: tuple[str, Path]
) -> None:
    args = ["similar", CO_2025_02, "--limit", "20"]
    status, shown = kb_on_terminal(tmp_path, *args, lines=10, **paged_env(pager))
    paged = ANSI.sub("", pager[1].read_text(encoding="utf-8"))
    assert status == 0 and "near: " in paged and "near: " not in ANSI.sub("", shown)
    pager[1].unlink()
    status, shown = kb_on_terminal(tmp_path, *args, "--no-pager", lines=10, **paged_env(pager))
    assert status == 0 and ANSI.sub("", shown).rstrip().splitlines()[-1].startswith("  kb show")
    assert not pager[1].exists()


def test_no_pager_when_asked_when_short_or_when_piped(
    kb_dir: Path, tmp_path: Path, pager: tuple[str, Path]
) -> None:
    env = paged_env(pager)
    status, shown = kb_on_terminal(tmp_path, "show", CO_2025_02, "--no-pager", **env)
    assert status == 0 and TITLE_2025_02 in shown
    status, shown = kb_on_terminal(tmp_path, "search", "helpdesk", lines=40, **env)
    assert status == 0 and "Le Helpdesk du bassin" in ANSI.sub("", shown)  # fits: no pager
    status, shown = kb_on_terminal(tmp_path, "show", CO_2025_02, **env, TERM="dumb")
    assert status == 0 and TITLE_2025_02 in shown and "\x1b[1m" not in shown
    piped = subprocess.run(
        [sys.executable, "-m", "kb", "show", CO_2025_02],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "LINES": "20", **env},
        check=False,
    )
    assert piped.returncode == 0 and piped.stdout.startswith(TITLE_2025_02)
    assert not pager[1].exists()


def test_kb_pager_comes_first_and_cat_or_empty_means_none(
    kb_dir: Path, tmp_path: Path, pager: tuple[str, Path]
) -> None:
    env = paged_env(pager, PAGER="false")
    status, _ = kb_on_terminal(tmp_path, "show", CO_2025_02, **env, KB_PAGER=f"{pager[0]} -x")
    assert status == 0 and pager[1].read_text(encoding="utf-8").startswith("ARGS -x\n")
    pager[1].unlink()
    for value in ("cat", ""):
        status, shown = kb_on_terminal(tmp_path, "show", CO_2025_02, **env, KB_PAGER=value)
        assert status == 0 and TITLE_2025_02 in shown and not pager[1].exists()


def test_less_is_the_default_pager_with_colours_on(
    kb_dir: Path, tmp_path: Path, pager: tuple[str, Path]
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    less = bin_dir / "less"
    less.write_text(f"#!{sys.executable}\n{PAGER_SCRIPT}", encoding="utf-8")
    less.chmod(0o755)
    env = {"PAGED_TO": str(pager[1]), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    status, _ = kb_on_terminal(tmp_path, "show", CO_2025_02, **env, LESS="i")
    assert status == 0
    assert pager[1].read_text(encoding="utf-8").startswith("ARGS -R\nLESS i\n")  # theirs kept


def test_a_pager_that_cannot_run_is_a_warning_and_the_text_is_shown(
    kb_dir: Path, tmp_path: Path
) -> None:
    status, shown = kb_on_terminal(tmp_path, "show", CO_2025_02, PAGER="no-such-pager-kb")
    shown = ANSI.sub("", shown)
    assert status == 0 and TITLE_2025_02 in shown
    assert "warning: cannot run the pager $PAGER (no-such-pager-kb): No such file" in shown
    status, shown = kb_on_terminal(tmp_path, "show", CO_2025_02, KB_PAGER='less "-R')
    shown = ANSI.sub("", shown)
    assert status == 0 and TITLE_2025_02 in shown
    assert "warning: $KB_PAGER 'less \"-R' cannot be read (unbalanced quotes)" in shown
    assert "Traceback" not in shown


# -- numbered results, kb show N ------------------------------------------------------------


def test_results_are_numbered_on_a_terminal_and_kept_for_kb_show_n(
    kb_dir: Path, tmp_path: Path, run: Run
) -> None:
    status, shown = kb_on_terminal(tmp_path, "search", "helpdesk OR palliatifs", lines=60)
    lines = ANSI.sub("", shown).splitlines()
    assert status == 0
    assert lines[0].startswith(f"1  2025-02-20  Centre-Ouest  {TITLE_2025_02[:40]}")
    assert any(line.startswith("2  2025-06-12  Centre-Ouest") for line in lines)
    assert lines[-1] == "2 recaps; kb show N shows the Nth"
    kept = kb_dir / ".kb" / "index.sqlite.last-search"
    assert (
        kept.read_text(encoding="utf-8") == f"helpdesk OR palliatifs\n{CO_2025_02}\n{CO_2025_06}\n"
    )
    assert run("show", "2").stdout == run("show", CO_2025_06).stdout
    assert run("show", "1", "--raw").stdout == (kb_dir / f"{CO_2025_02}.md").read_text()


def test_not_numbered_and_not_kept_when_piped_or_json(kb_dir: Path, run: Run) -> None:
    out = run("search", "helpdesk").stdout
    assert out.startswith("2025-02-20  Centre-Ouest") and out.rstrip().endswith("1 recap")
    run("search", "helpdesk", "--json")
    assert not (kb_dir / ".kb" / "index.sqlite.last-search").exists()


def test_a_result_number_must_be_one_of_the_last_search(
    kb_dir: Path, run: Run, terminal: None
) -> None:
    result = run("show", "1")
    assert result.exit_code == 1 and result.stderr == (
        "Error: result 1: no search to take it from yet; run kb search WORDS on a terminal "
        "(it numbers the recaps it shows), or give a recap id (kb list shows them)\n"
    )
    assert run("search", "helpdesk").stdout.startswith("1  2025-02-20")
    assert run("show", "1").stdout.startswith(TITLE_2025_02)
    for ref in ("2", "0", "999"):
        result = run("show", ref)
        assert result.exit_code == 1 and result.stderr == (
            f"Error: result {ref}: the last search (helpdesk) showed one recap, number 1; "
            "search again, or give a recap id (kb list shows them)\n"
        )
    # Four digits or more: the start of ids, as before.
    assert "'2025' matches 2 recaps" in run("show", "2025").stderr
    run("search", "zorglub")
    assert "the last search (zorglub) found no recap" in run("show", "1").stderr
    run("search", "santé", "mentale")
    assert "showed 2 recaps, numbered 1 to 2" in run("show", "3").stderr
    assert run("show", "2").stdout.startswith("Retour sur l'Atelier du Changement du 12 juin")


def test_a_result_that_is_gone_says_so(kb_dir: Path, run: Run, terminal: None) -> None:
    run("search", "helpdesk")
    (kb_dir / f"{CO_2025_02}.md").unlink()
    result = run("show", "1")
    assert result.exit_code == 1 and result.stderr == (
        f"Error: result 1 of the last search, {CO_2025_02}, is no longer in the knowledge "
        "base; search again\n"
    )


def test_the_last_search_is_kept_beside_the_index(
    kb_dir: Path, tmp_path: Path, run: Run, terminal: None
) -> None:
    db = tmp_path / "elsewhere" / "kb.sqlite"
    run("search", "helpdesk", "--db", str(db))
    assert (tmp_path / "elsewhere" / "kb.sqlite.last-search").exists()
    assert not list(kb_dir.glob("*last-search*"))
    assert run("show", "1", "--db", str(db)).exit_code == 0


def test_a_search_that_cannot_keep_its_results_still_succeeds(
    kb_dir: Path, run: Run, terminal: None
) -> None:
    (kb_dir / ".kb").mkdir()
    (kb_dir / ".kb" / "index.sqlite.last-search").mkdir()  # cannot be replaced
    result = run("search", "helpdesk")
    assert result.exit_code == 0 and result.stdout.startswith("1  ")


# -- kb open ------------------------------------------------------------------------------


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR: a script that writes the path it is given to a file, and that file."""
    script = tmp_path / "editor.py"
    opened = tmp_path / "opened.json"
    script.write_text(
        f"import json, sys; json.dump(sys.argv[1:], open({str(opened)!r}, 'w'))\n"
        "sys.exit(int(__import__('os').environ.get('EDITOR_STATUS', '0')))\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return opened


def test_open_runs_the_editor_on_the_recap_file(
    kb_dir: Path, run: Run, editor: Path, terminal: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("open", "2025-02-2").exit_code == 0
    assert json.loads(editor.read_text()) == [str(Path("recaps") / f"{CO_2025_02}.md")]
    run("search", "palliatifs")
    with pytest.raises(SystemExit) as exit_info:
        main(["open", "1"])  # the fast path
    assert exit_info.value.code == 0
    assert json.loads(editor.read_text()) == [str(Path("recaps") / f"{CO_2025_06}.md")]


def test_open_without_an_editor_or_when_it_fails(
    kb_dir: Path, run: Run, editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR_STATUS", "3")
    result = run("open", CO_2025_02)
    assert result.exit_code == 1 and result.stderr == "Error: the editor exited with status 3\n"
    monkeypatch.delenv("EDITOR")
    result = run("open", CO_2025_02)
    assert result.exit_code == 2
    assert result.stderr == "Error: no editor: set VISUAL or EDITOR (export EDITOR=nano)\n"
    assert run("open", "zzz").stderr.startswith("Error: no recap 'zzz'")


# What a recap may hold that a terminal would act on: a title set by OSC, a bell, a
# screen clear, a CSI in C1 (U+009B), and a right-to-left override.
ACTIVE = "Salle \x1b]0;pwned\x07 \x1b[2J efface \x9b31m c1 \u202e fin"
ACTIVE_SHOWN = "Salle \\x1b]0;pwned\\x07 \\x1b[2J efface \\x9b31m c1 \\u202e fin"
# The same in YAML (double quotes: \e is ESC, \a is BEL), for a field the CSV exports.
ACTIVE_YAML = '"Salle \\e]0;pwned\\a \\e[2J efface \\x9b31m c1 \\u202e fin"'


def test_what_a_terminal_would_act_on_is_shown_escaped_and_written_raw_elsewhere(
    empty_kb: Path, tmp_path: Path
) -> None:
    recap = empty_kb / "2025-01-01-sud.md"
    recap.write_text(
        f"---\ndate: 2025-01-01\nbasin: sud\nnext_meeting_place: {ACTIVE_YAML}\n---\n"
        f"# Un titre\n\n{ACTIVE}\n"
    )
    (empty_kb / "nom\ncoupé.md").write_text("pas une fiche\n")
    (empty_kb / "evil\u202edm.txt.md").write_text("pas une fiche\n")
    where = ("--kb-dir", str(empty_kb))
    for args in (
        ["show", "--raw", "2025-01-01-sud", "--no-pager"],
        ["export", "--format", "md"],
        ["export", "--format", "csv"],
        ["export", "--format", "jsonl"],
    ):
        status, shown = kb_on_terminal(tmp_path, *args, *where, KB_PAGER="cat")
        assert status == 0, shown
        body = ANSI.sub("", shown)  # kb's own styles aside
        for raw in ("\x1b]", "\x07", "\x1b[2J", "\x9b", "\u202e", "\n" + "coupé"):
            assert raw not in body, (args, raw, body)
        if args[-1] != "jsonl":  # JSON writes the controls as \u001b itself
            assert ACTIVE_SHOWN in body, (args, body)
        # The warnings name the odd files on one line each, escaped.
        assert f"{empty_kb}/nom\\ncoupé.md: no frontmatter" in body
        assert f"{empty_kb}/evil\\u202edm.txt.md: no frontmatter" in body
        piped = subprocess.run(
            [sys.executable, "-m", "kb", *args, *where], capture_output=True, check=False
        )
        assert piped.returncode == 0
        if args[0] == "show":  # to a pipe or a file: the bytes as they are
            assert piped.stdout == recap.read_bytes()
        elif args[-1] != "jsonl":
            assert ACTIVE.encode() in piped.stdout
        assert len(piped.stderr.decode().splitlines()) == 2  # a warning a name, one line
