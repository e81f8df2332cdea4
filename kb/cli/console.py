"""What every command shares at the terminal: the stdout and stderr consoles, colours
(the basins' palette, --no-color), the pager, escaping, JSON, errors and notes, and the
few words several commands lay out alike (a kind of text, a count of recaps, a day).

Recap content is always handed to rich as ``Text`` (never as markup) and cleaned of
control characters, so a recap cannot restyle or hijack the terminal.

Colours: rich's own rules (none when the output is not a terminal, ``NO_COLOR``,
``FORCE_COLOR``, nothing but text with ``TERM=dumb``), and ``--no-color`` (see
:func:`use_color`). Long output on a terminal goes through a pager (see :func:`paged`).
"""

from __future__ import annotations

import io
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kb.base import MARK_END, MARK_START
from kb.errors import ConfigError, KbError
from kb.i18n import _, clock, day, ngettext, number
from kb.text.shown import escaped, squash

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from kb.base import KnowledgeBase, Progress, Vocabulary

WORKSHOP = "workshop"  # kb.recaps.recap.WORKSHOP, without importing the parser
STDOUT = "-"  # an --output or --ics of "-": standard output
PathArg = str | os.PathLike[str] | None

# The basins' colours, in the order of kb.yml's basins: readable on a dark and on a light
# terminal (a WCAG contrast of at least 4.5:1 against both black and white, which only
# mid-tones reach: tests/cli/test_colours.py). Colours of the 256-colour palette, whose
# RGB no terminal theme changes (the 16 standard ones, "blue" on black, depend on it).
# Teal, magenta, violet, brick, blue.
PALETTE = ("color(29)", "color(163)", "color(98)", "color(131)", "color(63)")


HIGHLIGHT = "bold black on yellow"


class _Output:
    """How this run prints: colours on or off (--no-color), and the console that
    collects stdout while a pager may be needed."""

    color = True
    capture: Console | None = None


def use_color(on: bool) -> None:
    """``--no-color``: no colours on stdout or stderr, as with ``NO_COLOR`` (bold and dim
    stay, so matches still stand out)."""
    _Output.color = on


def _no_color() -> bool | None:
    return None if _Output.color else True  # None: rich reads NO_COLOR


def stdout() -> Console:
    if _Output.capture is not None:
        return _Output.capture
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, no_color=_no_color())


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, no_color=_no_color())


def on_terminal() -> bool:
    """Whether stdout is a terminal: someone reads it (search results are numbered)."""
    return sys.stdout.isatty()


# -- the pager --------------------------------------------------------------------------

NO_PAGER = ("", "cat")  # $KB_PAGER or $PAGER set to one of these: no pager, as git does


def _pager_setting() -> tuple[str, str] | None:
    """(variable, command) of the pager to use: $KB_PAGER, else $PAGER, else ("", "")
    for ``less -R`` if found; None when the variable says no pager."""
    for name in ("KB_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            return None if value.strip() in NO_PAGER else (name, value)
    return "", ""


@contextmanager
def paged(enabled: bool = True) -> Iterator[None]:
    """What the block prints on stdout goes through a pager when stdout is a terminal
    and it is longer than the screen: ``$KB_PAGER``, else ``$PAGER``, else ``less -R``
    where it is installed, with ``LESS=FRX`` when LESS is unset (as git does), so that
    colours pass. Never when stdout is not a terminal, nor on a dumb one (TERM=dumb)."""
    setting = _pager_setting() if enabled and _Output.capture is None and on_terminal() else None
    if setting is None or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        yield
        return
    from rich.console import Console

    screen = stdout()
    _Output.capture = Console(
        file=_Collected(screen.encoding),
        force_terminal=True,
        color_system=screen.color_system,  # type: ignore[arg-type]
        width=screen.width,
        height=screen.height,
        no_color=screen.no_color,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    collected = _Output.capture.file
    assert isinstance(collected, _Collected)
    try:
        yield
    except BaseException:
        sys.stdout.write(collected.getvalue())  # what was printed before it went wrong
        raise
    finally:
        _Output.capture = None
    text = collected.getvalue()
    if text.count("\n") < screen.height:
        sys.stdout.write(text)
    else:
        _page(text, setting)


class _Collected(io.StringIO):
    """Collects what would go to the terminal, with the terminal's encoding (rich picks
    its characters by it)."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def _page(text: str, setting: tuple[str, str]) -> None:
    import shlex
    import signal
    import subprocess

    name, command = setting
    data = text.encode(sys.stdout.encoding or "utf-8")  # fails as a write to stdout would
    if not name:
        argv = _less()
        if argv is None:  # no pager installed: as if there were none asked for
            sys.stdout.write(text)
            return
    else:
        try:
            argv = shlex.split(command, posix=os.name != "nt")
        except ValueError:
            sys.stdout.write(text)
            _warn(
                _(
                    "${name} {command!r} cannot be read (unbalanced quotes); shown without pager"
                ).format(name=name, command=command)
            )
            return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit when done, colours as they are, text left on screen
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError as exc:
        sys.stdout.write(text)
        what = f"${name} ({command})" if name else "less"
        _warn(
            _("cannot run the pager {what}: {reason}; set KB_PAGER, or pass --no-pager").format(
                what=what, reason=exc.strerror
            )
        )
        return
    # Ctrl-C in the pager is the pager's: kb waits for it to end, as git does.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert pager.stdin is not None
        try:
            pager.stdin.write(data)
            pager.stdin.close()
        except OSError:  # the pager was left before reading everything
            pass
        pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def _warn(line: str) -> None:
    from rich.text import Text

    stderr().print(Text.assemble((_("warning: "), "yellow"), escaped(line, line=True)))


def _less() -> list[str] | None:
    """``less -R`` when less is on the PATH (found without importing shutil)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        for name in ("less", "less.exe") if os.name == "nt" else ("less",):
            path = os.path.join(folder or ".", name)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return [path, "-R"]
    return None


# -- errors, notes, JSON ----------------------------------------------------------------


def fail(exc: KbError) -> int:
    """Report a user's mistake in one line on stderr; the exit status to use."""
    error(str(exc))
    return exc.exit_code


def guarded(call: Callable[[], int]) -> int:
    """Run a command; what goes wrong in a way the user can act on is one line on stderr
    and an exit status, never a traceback."""
    try:
        return call()
    except KbError as exc:
        return fail(exc)
    except sqlite3.DatabaseError as exc:
        return fail(
            ConfigError(
                _(
                    "the index cannot be used ({reason}); run kb index --rebuild, or delete "
                    "it: it is rebuilt from the recaps"
                ).format(reason=exc)
            )
        )
    except KeyboardInterrupt:
        error(_("interrupted"))
        return 130
    except UnicodeEncodeError as exc:  # an output that cannot show French text
        return fail(
            KbError(
                _(
                    "the output's encoding ({encoding}) cannot show the recaps' text; "
                    "use UTF-8 (PYTHONIOENCODING=utf-8)"
                ).format(encoding=exc.encoding)
            )
        )


def error(message: str) -> None:
    from rich.text import Text

    stderr().print(Text.assemble((_("Error: "), "bold red"), escaped(message, line=True)))


def warnings(lines: list[str]) -> None:
    if not lines:
        return
    from rich.text import Text

    console = stderr()
    for line in lines:
        console.print(
            Text.assemble((_("warning: "), "yellow"), escaped(line, line=True), _(" (skipped)"))
        )


def note(message: str) -> None:
    """A message for the person at the terminal (stderr): not data."""
    from rich.text import Text

    stderr().print(Text(escaped(message, line=True)))


def as_json(data: Any) -> None:
    import json  # lazy: only --json needs it

    try:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except UnicodeEncodeError:  # an output that cannot take UTF-8: JSON's own escapes
        sys.stdout.write(json.dumps(data, indent=2) + "\n")


def raw(text: str) -> None:
    """The file as it is; on a terminal, what the terminal would act on (an escape
    sequence, a bell, a right-to-left override) is shown as an escape instead."""
    out = _Output.capture.file if _Output.capture is not None else sys.stdout
    out.write(escaped(text) if on_terminal() else text)


def knowledge_base(kb_dir: PathArg, db: PathArg) -> KnowledgeBase:
    """The knowledge base the options name (kb.base), which says on stderr what each sync
    has to say (notes on the index, invalid files skipped), and shows a progress bar
    while a long sync runs."""
    from kb.base import KnowledgeBase

    def told(notes: list[str], problems: list[str]) -> None:
        for line in notes:
            note(line)
        warnings(problems)

    return KnowledgeBase.open(kb_dir, db, told=told, progress=lambda: progress(_("Indexing")))


def emit(kb: KnowledgeBase, target: str | None, data: bytes, *, option: str, force: bool) -> None:
    """A file to share (an export, a calendar) to its file (atomically), or to stdout as
    bytes, whole."""
    if target is None or target == STDOUT:
        if on_terminal():  # bytes as they are go to a file or a pipe only
            data = escaped(data.decode("utf-8", errors="replace")).encode("utf-8")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    kept = kb.write(target, data, option=option, force=force)
    if kept is not None:
        note(_("{file}: the former file is kept as {backup}").format(file=target, backup=kept))


@contextmanager
def progress(label: str, threshold: int = 200) -> Iterator[Progress]:
    """A progress callback: a rich bar on a terminal for long runs, nothing otherwise.

    The bar (and rich.progress, a costly import) only comes with the first long run:
    the usual sync, with nothing to do, pays nothing for it.
    """
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < threshold:
            return
        if "bar" not in state:
            from rich.progress import Progress as Bar

            state["bar"] = Bar(console=stderr(), transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task(label, total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


# -- what several commands lay out alike -------------------------------------------------


def basin_style(vocab: Vocabulary, slug: str) -> str:
    slugs = [b.slug for b in vocab.basins]
    index = slugs.index(slug) if slug in slugs else len(slugs)
    return PALETTE[index % len(PALETTE)]


def marked(text: str, style: str = "", mark_style: str = HIGHLIGHT) -> Text:
    """Text with the search markers turned into highlighted spans."""
    from rich.text import Text

    out = Text(style=style)
    for i, part in enumerate(text.split(MARK_START)):
        inside, _, after = part.partition(MARK_END) if i else ("", "", part)
        if inside:
            out.append(squash(inside), style=mark_style)
        out.append(squash(after))
    return out


def kind_label(kind: str) -> str:
    """A kind of text as shown: ``[concertation]``, ``[activity report]``."""
    from kb.recaps.recap import KIND_NAMES

    return f"[{_(KIND_NAMES.get(kind, kind))}]"


DATE_WIDTH = 10


INDENT = "\n" + " " * (DATE_WIDTH + 2)


def recap_count(count: int) -> str:
    return ngettext("{n} recap", "{n} recaps", count).format(n=number(count))


def fitted(console: Console, line: Text, width: int, indent: str = INDENT) -> Text:
    """``line`` wrapped (or cut, if it says so) to ``width``, its next lines starting with
    ``indent``; as it is when it fits (most lines: no need for rich's wrap)."""
    from rich.cells import cell_len
    from rich.text import Text

    if cell_len(line.plain) <= width:
        return line
    lines = line.wrap(console, width)
    for part in lines:
        part.rstrip()
    return Text(indent).join(lines)


def day_time(value: str) -> str:
    """A day with an optional time (``2025-06-12T14:00``) as text."""
    date, _sep, time = value.partition("T")
    return _("{day} {time}").format(day=day(date), time=clock(time)) if time else day(date)


def add_command(date: str, basin: str) -> str:
    """The command that writes the recap of a meeting that has none (kb add's template,
    its date and basin filled in)."""
    return f"kb add --date {date} --basin {basin}"


def edition_text(n: int) -> str:
    return _("edition {n}").format(n=n)


def participants_text(n: int) -> str:
    return ngettext("{n} participant", "{n} participants", n).format(n=number(n))
