"""``kb add``'s conversation with the person at the terminal: questions, confirmation, editor.

Part of the command line, like kb/cli/app.py (it may use typer). What to write is decided by
the core (kb.recaps.published reads a published text, kb.add checks, writes and indexes); what
is shown, by kb.cli.add. Nothing is asked unless standard input is a terminal; then
every missing answer is an error that names the option that gives it.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from kb.base import (
    NOTE,
    STDIN,
    UTF_8,
    KnowledgeBase,
    Plan,
    check_kind,
    compose,
    from_template,
    read_input,
    read_text,
    template,
)
from kb.cli import add as shown_as
from kb.cli import console
from kb.cli.editor import run_editor
from kb.errors import KbError, UsageError
from kb.i18n import N_, _, day, ngettext
from kb.recaps.dates import parse_date
from kb.recaps.published import NOT_STATED, Draft, convert
from kb.recaps.reading import GUESSED, Candidate, Reading
from kb.recaps.recap import FIELDS
from kb.recaps.vocab import Vocabulary

REQUIRED_OPTIONS = {"date": "--date YYYY-MM-DD", "basin": "--basin BASIN"}
# What is said of the date or the basin kb is unsure of: a message for each (French
# words differ: "la date", "le bassin"); for both at once, a third.
_NOT_FOUND = {
    ("date",): N_("no date found ({reasons})"),
    ("basin",): N_("no basin found ({reasons})"),
    ("date", "basin"): N_("no date or basin found ({reasons})"),
}
_ONLY_GUESSED = {
    "date": N_("the workshop's date is only guessed ({value}: {why})"),
    "basin": N_("the workshop's basin is only guessed ({value}: {why})"),
}
_SAY_NOT_FOUND = {
    "date": N_("{file}: no date found ({why})."),
    "basin": N_("{file}: no basin found ({why})."),
}
_SAY_GUESSED = {
    "date": N_("{file}: the workshop's date is only guessed ({why})."),
    "basin": N_("{file}: the workshop's basin is only guessed ({why})."),
}


@dataclass(frozen=True)
class Options:
    """The options of ``kb add``; date to participants override what a text says."""

    date: str | None = None
    basin: str | None = None
    edition: int | None = None
    participants: int | None = None
    yes: bool = False
    dry_run: bool = False
    force: bool = False
    kind: str | None = None

    def given(self) -> list[str]:
        names = ("date", "basin", "edition", "participants", "kind")
        return [f"--{n}" for n in names if getattr(self, n) is not None]


def is_terminal() -> bool:
    """Whether someone can answer questions: standard input is a terminal."""
    return sys.stdin.isatty()


def add(
    kb: KnowledgeBase,
    files: list[str],
    from_text: str | None,
    opts: Options,
    *,
    from_html: str | None = None,
    from_url: str | None = None,
) -> None:
    """``kb add FILE.md``, ``kb add --from-text FILE [FILE…]`` (texts or folders of
    texts), ``kb add --from-html FILE`` or ``--from-url URL`` (a web page), or ``kb add``
    (the template)."""
    sources = [o for o, v in (("--from-text", from_text), ("--from-html", from_html)) if v]
    sources += ["--from-url"] if from_url else []
    if len(sources) > 1:
        raise UsageError(
            _("give one of {first} and {second}, not both").format(
                first=sources[0], second=sources[1]
            )
        )
    if from_html is not None or from_url is not None:
        if files:
            raise UsageError(
                _("{option} takes one page; {file} is one too many").format(
                    option=sources[0], file=files[0]
                )
            )
        add_page(kb, from_html, from_url, opts)
        return
    if from_text is not None:
        texts = expand_texts([from_text, *files])
        if len(texts) == 1 and texts[0] == from_text:
            add_text(kb, from_text, opts)
        else:
            add_many(kb, texts, opts)
        return
    if len(files) > 1:
        raise UsageError(
            _("give one FILE.md at a time (several published texts: kb add --from-text A B …)")
        )
    file = files[0] if files else None
    if file is not None:
        if opts.given():
            raise UsageError(
                _(
                    "{option} is for --from-text and the template; "
                    "for {file}, write it in the file's frontmatter"
                ).format(option=opts.given()[0], file=file)
            )
        add_markdown(kb, file, opts)
    else:
        add_from_template(kb, opts)


def add_markdown(kb: KnowledgeBase, file: str, opts: Options) -> None:
    data, shown = read_input(file)
    vocab = kb.settings()
    if NOTE.search(data.decode("utf-8", errors="replace")):
        # A draft of kb's template, kept after an error: cleaned as the editor path does.
        cleaned = from_template(data, vocab, shown=shown)
        if cleaned is None:
            raise KbError(
                _("{file}: the draft has no text yet; nothing written").format(file=shown)
            )
        data = cleaned
    plan = kb.plan_add(data, vocab=vocab, source=shown, force=opts.force or opts.dry_run)
    if opts.dry_run:
        _dry_run(plan, opts)
    else:
        shown_as.added(kb.commit(plan), vocab)


def _dry_run(plan: Plan, opts: Options) -> None:
    console.raw(plan.data.decode("utf-8"))
    if plan.existing is not None and not plan.same and not opts.force:
        console.note(
            _("{file} already exists: kb add would need --force to replace it.").format(
                file=plan.shown
            )
        )
    console.note(_("Dry run: nothing written (kb add would write {file}).").format(file=plan.shown))


# -- from the published text -------------------------------------------------------------


def add_text(kb: KnowledgeBase, source: str, opts: Options) -> None:
    data, shown = read_input(source)
    text, encoding = read_text(data, shown)
    if encoding != UTF_8:
        console.note(
            _("{file}: not UTF-8; read as {encoding}.").format(file=shown, encoding=encoding)
        )
    if text.startswith("---"):
        raise UsageError(
            _(
                "{file} already starts with a frontmatter: add it as a Markdown recap, "
                "kb add {source}"
            ).format(file=shown, source=source)
        )
    add_published(kb, text, shown, opts, can_ask=source != STDIN)


def add_page(kb: KnowledgeBase, html: str | None, url: str | None, opts: Options) -> None:
    """``kb add --from-html FILE`` or ``kb add --from-url URL``: the page's main text,
    title and publication date (kb.pages), then as a published text."""
    from kb.pages import fetch, read_page

    if url is not None:
        data, shown, option = fetch(url), url, "--from-url"
    else:
        assert html is not None
        data, shown = read_input(html)
        option = "--from-html"
    page = read_page(data, shown, url=url, option=option)
    add_published(
        kb,
        page.text,
        shown,
        opts,
        can_ask=html != STDIN,
        source=page.source,
        published=page.published,
    )


def add_published(
    kb: KnowledgeBase,
    text: str,
    shown: str,
    opts: Options,
    *,
    can_ask: bool,
    source: str | None = None,
    published: str | None = None,
) -> None:
    """A published text (read from a file or a page): what it says, the questions at a
    terminal (``can_ask``: its text did not come on standard input), then the recap."""
    vocab = kb.settings()
    date = parse_date(opts.date) if opts.date is not None else None
    kind = check_kind(opts.kind) if opts.kind is not None else None

    def read(date: str | None, kind: str | None) -> Draft:
        return convert(text, vocab, date=date, kind=kind, source=source, published=published)

    draft = read(date, kind)
    can_ask = can_ask and is_terminal() and not opts.yes and not opts.dry_run
    if not draft.accepted:
        # Never a workshop recap unless it is one: --date and --basin do not make it one.
        if not can_ask:
            raise not_a_workshop(draft, shown)
        console.note(_looks_like(draft, start=True) + ".")
        question = _("Import it as {kind}?").format(kind=draft.kind.looks_like)
        if not typer.confirm(question, default=False, err=True):
            console.note(_("Nothing written."))
            raise typer.Exit(1)
        draft = read(date, draft.kind.name)
    given = _apply(draft, opts, vocab)
    lacking = draft.unsure()
    if opts.dry_run:
        _dry_run_text(kb, draft, lacking, vocab, shown)
        return
    if lacking and not can_ask:
        raise _refusal(draft, lacking, shown)
    if lacking:
        draft, given = _ask(draft, lacking, read, vocab, opts, shown, given)
    markdown = compose(draft.fields, draft.body).encode("utf-8")
    plan = kb.plan_add(markdown, vocab=vocab, source=shown, force=opts.force)
    target = plan.shown
    if plan.existing and not plan.same:
        target = _("{file} (replacing it)").format(file=plan.shown)
    shown_as.draft(
        draft.fields,
        draft.missing,
        draft.headings,
        vocab,
        given=given,
        target=target,
        inferred={key: r.note or _("inferred") for key, r in draft.inferred()},
    )
    if not opts.yes:
        if not can_ask:
            raise UsageError(
                _(
                    "cannot ask for confirmation without a terminal: pass --yes to add it "
                    "(--dry-run shows the Markdown first); nothing was written"
                )
            )
        if not typer.confirm(_("Add {id}?").format(id=plan.recap.id), default=True, err=True):
            console.note(_("Nothing written."))
            raise typer.Exit(1)
    shown_as.added(kb.commit(plan), vocab)


# -- many published texts at once ----------------------------------------------------------

TEXT_SUFFIXES = (".txt",)


def expand_texts(names: list[str]) -> list[str]:
    """The texts to import: each file as given, each folder's ``.txt`` files by name."""
    out: list[str] = []
    for name in names:
        if name != STDIN and os.path.isdir(name):
            inside = sorted(
                os.path.join(name, entry)
                for entry in os.listdir(name)
                if entry.endswith(TEXT_SUFFIXES) and not entry.startswith(".")
            )
            if not inside:
                raise UsageError(
                    _("{folder}: a folder without any .txt file to import").format(folder=name)
                )
            out.extend(inside)
        else:
            out.append(name)
    return out


@dataclass(frozen=True)
class Outcome:
    """What became of one text of ``kb add --from-text A B …``."""

    source: str
    plan: Plan | None = None
    draft: Draft | None = None
    refused: str | None = None  # the one-line reason


def plan_text(
    kb: KnowledgeBase, vocab: Vocabulary, source: str, opts: Options
) -> tuple[Draft, Plan]:
    """A published text as the recap kb would write without asking (as ``--yes`` does);
    raises KbError with the one-line reason when it would not."""
    data, shown = read_input(source)
    text, _encoding = read_text(data, shown)
    if text.startswith("---"):
        raise UsageError(
            _(
                "{file} already starts with a frontmatter: add it as a Markdown recap, "
                "kb add {source}"
            ).format(file=shown, source=source)
        )
    kind = check_kind(opts.kind) if opts.kind is not None else None
    draft = convert(text, vocab, kind=kind)
    if not draft.accepted:
        raise not_a_workshop(draft, shown)
    lacking = draft.unsure()
    if lacking:
        raise _refusal(draft, lacking, shown)
    markdown = compose(_ordered(draft.fields), draft.body).encode("utf-8")
    return draft, kb.plan_add(markdown, vocab=vocab, source=shown, force=opts.force)


def add_many(kb: KnowledgeBase, sources: list[str], opts: Options) -> None:
    """Several published texts: each read as ``--yes`` reads one, a line for each
    (written, its kind, or refused and why), a summary. A refused text never stops the
    others; each recap is written whole (a temporary file, then a rename), and the index
    is brought up to date once, at the end. Exits 1 when any text was refused."""
    one_only = [
        o for o in ("--date", "--basin", "--edition", "--participants") if o in opts.given()
    ]
    if one_only:
        raise UsageError(
            _(
                "{option} is for one text; with several, kb reads each text's own "
                "(import that text alone to give it)"
            ).format(option=one_only[0])
        )
    vocab = kb.settings()
    outcomes: list[Outcome] = []
    taken: dict[str, str] = {}  # recap id -> the text that gives it
    for source in sources:
        try:
            draft, plan = plan_text(kb, vocab, source, opts)
        except KbError as exc:
            outcomes.append(Outcome(source, refused=str(exc)))
            continue
        if plan.recap.id in taken:
            refused = _("{file}: the same recap as {other} ({id}); nothing was written").format(
                file=source, other=taken[plan.recap.id], id=plan.recap.id
            )
            outcomes.append(Outcome(source, refused=refused))
            continue
        taken[plan.recap.id] = source
        outcomes.append(Outcome(source, plan, draft))
    planned = [o for o in outcomes if o.plan is not None]
    if opts.dry_run or not planned:
        shown_as.batch(outcomes, vocab, written=False)
        raise typer.Exit(1 if len(planned) < len(outcomes) else 0)
    if not opts.yes:
        if not is_terminal():
            raise UsageError(
                _(
                    "cannot ask for confirmation without a terminal: pass --yes to add them "
                    "(--dry-run shows what would be written); nothing was written"
                )
            )
        shown_as.batch(outcomes, vocab, written=False)
        count = len(planned)
        question = ngettext("Write {n} recap?", "Write {n} recaps?", count).format(n=count)
        if not typer.confirm(question, default=True, err=True):
            console.note(_("Nothing written."))
            raise typer.Exit(1)
    done: list[Outcome] = []
    for outcome in outcomes:
        if outcome.plan is None:
            done.append(outcome)
            continue
        try:
            kb.commit(outcome.plan, index=False)
            done.append(outcome)
        except KbError as exc:  # this one is not written; those before it are, whole
            done.append(Outcome(outcome.source, refused=str(exc)))
    try:
        kb.index()
    except KbError as exc:  # the recaps are written; the next kb command indexes them
        console.note(str(exc))
    shown_as.batch(done, vocab, written=True)
    if any(o.refused for o in done):
        raise typer.Exit(1)


def _looks_like(draft: Draft, *, start: bool = False) -> str:
    kind = draft.kind
    if start:
        message = _("This looks like {kind}, not an Atelier du Changement: {why}")
    else:
        message = _("this looks like {kind}, not an Atelier du Changement: {why}")
    return message.format(kind=kind.looks_like, why=kind.phrase)


def not_a_workshop(draft: Draft, shown: str) -> UsageError:
    """The one-line refusal of a text of another kind: what it looks like, why, and the
    option that imports it as what it is."""
    return UsageError(
        _(
            "{file}: {looks_like}; to import it as such, pass --kind {kind}; nothing was written"
        ).format(file=shown, looks_like=_looks_like(draft), kind=draft.kind.name)
    )


def _apply(draft: Draft, opts: Options, vocab: Vocabulary) -> dict[str, str]:
    """Put the options over what the text says; return field -> option, for display."""
    values = {
        "date": draft.fields.get("date") if opts.date is not None else None,
        "basin": vocab.resolve_basin(opts.basin) if opts.basin is not None else None,
        "edition": opts.edition,
        "participants": opts.participants,
    }
    given = {}
    for key, value in values.items():
        if value is not None:
            draft.set(key, value)
            given[key] = f"--{key}"
    draft.fields = _ordered(draft.fields)
    return given


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: fields[key] for key in FIELDS if key in fields}


def _options(keys: list[str]) -> str:
    """The options that give these fields: ``--date YYYY-MM-DD and --basin BASIN``."""
    if len(keys) == 1:
        return REQUIRED_OPTIONS[keys[0]]
    first, second = (REQUIRED_OPTIONS[k] for k in keys)
    return _("{first} and {second}").format(first=first, second=second)


def _reason(draft: Draft, key: str) -> str:
    """Why a field is missing, as shown: :data:`NOT_STATED` is translated here."""
    why = draft.missing[key]
    return _(NOT_STATED) if why == NOT_STATED else why


def _refusal(draft: Draft, lacking: list[str], shown: str) -> UsageError:
    """The one-line error for a date or basin kb will not write unasked: it says what is
    unsure and names the options that settle it."""
    options = _options(lacking)
    absent = [k for k in lacking if draft.readings[k].confidence != GUESSED]
    problems = []
    if absent:
        if len(absent) == 1:
            reasons = _reason(draft, absent[0])
        else:
            reasons = "; ".join(
                _("{field}: {reason}").format(field=k, reason=_reason(draft, k)) for k in absent
            )
        problems.append(_(_NOT_FOUND[tuple(absent)]).format(reasons=reasons))
    for key in lacking:
        reading = draft.readings[key]
        if key not in absent:
            value = day(reading.value) if key == "date" else reading.value
            problems.append(_(_ONLY_GUESSED[key]).format(value=value, why=reading.note))
    return UsageError(
        _("{file}: {problems}; pass {options}; nothing was written").format(
            file=shown, problems="; ".join(problems), options=options
        )
    )


def _dry_run_text(
    kb: KnowledgeBase, draft: Draft, lacking: list[str], vocab: Vocabulary, shown: str
) -> None:
    """The Markdown kb would write, with the guesses it would ask about: a guessed date
    or basin (or a candidate for a text of another kind) stands in, and is said."""
    fields = dict(draft.fields)
    notes: list[str] = []
    for key in lacking:
        reading = draft.readings[key]
        choice = reading.value if reading.value is not None else _first(reading)
        if choice is None:
            raise _refusal(draft, [k for k in lacking if _first(draft.readings[k]) is None], shown)
        fields[key] = choice
        if reading.confidence == GUESSED:
            note = _(
                "{field} {value}: only guessed ({why}); kb add asks at a terminal, "
                "else pass {option}."
            ).format(field=key, value=choice, why=reading.note, option=REQUIRED_OPTIONS[key])
        else:
            note = _(
                "{field} {value}: a candidate ({why}); kb add asks at a terminal, "
                "else pass {option}."
            ).format(
                field=key, value=choice, why=reading.candidates[0].why, option=REQUIRED_OPTIONS[key]
            )
        notes.append(note)
    notes += [
        _("{field} {value}: {note}").format(field=key, value=r.value, note=r.note)
        for key, r in draft.inferred()
    ]
    markdown = compose(_ordered(fields), draft.body).encode("utf-8")
    plan = kb.plan_add(markdown, vocab=vocab, source=shown, force=True)
    for line in notes:
        console.note(line)
    _dry_run(plan, Options(dry_run=True))


def _first(reading: Reading) -> Any:
    if reading.value is not None:
        return reading.value
    return reading.candidates[0].value if reading.candidates else None


def _ask(
    draft: Draft,
    lacking: list[str],
    read: Callable[[str | None, str | None], Draft],
    vocab: Vocabulary,
    opts: Options,
    shown: str,
    given: dict[str, str],
) -> tuple[Draft, dict[str, str]]:
    """At a terminal: each date or basin kb is unsure of is asked, its candidates shown."""
    if "date" in lacking:
        reading = draft.readings["date"]
        _say_unsure(shown, "date", draft, reading)
        # Read again with the date: a year-less next meeting is the next such day after it.
        kind = draft.kind.name if draft.kind_given else None
        draft = read(ask_date(reading.candidates, workshop=draft.workshop), kind)
        given = _apply(draft, opts, vocab)
    if "basin" in lacking:
        reading = draft.readings["basin"]
        _say_unsure(shown, "basin", draft, reading)
        draft.set("basin", ask_basin(vocab, reading.candidates))
        draft.fields = _ordered(draft.fields)
    return draft, given


def _say_unsure(shown: str, key: str, draft: Draft, reading: Reading) -> None:
    if reading.confidence == GUESSED:
        console.note(_(_SAY_GUESSED[key]).format(file=shown, why=reading.note))
    elif draft.accepted:
        why = _reason(draft, key) if key in draft.missing else reading.note
        console.note(_(_SAY_NOT_FOUND[key]).format(file=shown, why=why))
    shown_as.candidates(reading.candidates)


def _chooser(candidates: tuple[Candidate, ...], read: Callable[[str], str]) -> Callable[[str], str]:
    """An answer: the number of a candidate, or a value ``read`` accepts."""

    def check(text: str) -> str:
        answer = text.strip()
        if answer.isdigit() and 1 <= int(answer) <= len(candidates):
            return str(candidates[int(answer) - 1].value)
        try:
            return read(answer)
        except KbError as exc:
            raise typer.BadParameter(str(exc)) from None

    return check


def ask_date(candidates: tuple[Candidate, ...] = (), *, workshop: bool = True) -> str:
    """The date, typed (or, with candidates, the number of one of them); of a text of
    another kind (``workshop`` False), its own."""
    if candidates and workshop:
        question = _("Date of the workshop (its number, or a date like 2025-02-20 or 20/02/2025)")
    elif candidates:
        question = _("Date of the text (its number, or a date like 2025-02-20 or 20/02/2025)")
    elif workshop:
        question = _("Date of the workshop (2025-02-20 or 20/02/2025)")
    else:
        question = _("Date of the text (2025-02-20 or 20/02/2025)")
    answer: str = typer.prompt(
        question,
        default="1" if candidates else None,
        value_proc=_chooser(candidates, lambda t: parse_date(t, option="date")),
        err=True,
    )
    return answer


def ask_basin(vocab: Vocabulary, candidates: tuple[Candidate, ...] = ()) -> str:
    """The basin, typed (or, with candidates, the number of one of them)."""
    slugs = ", ".join(b.slug for b in vocab.basins)
    if candidates:
        question = _("Basin (its number, or one of {basins})").format(basins=slugs)
    else:
        question = _("Basin ({basins})").format(basins=slugs)
    answer: str = typer.prompt(
        question,
        default="1" if candidates else None,
        value_proc=_chooser(candidates, lambda t: vocab.resolve_basin(t, option="basin")),
        err=True,
    )
    return answer


# -- from a template, in an editor ---------------------------------------------------------

NO_EDITOR = N_(
    "write the recap in a file and run kb add FILE.md (the README's 'Writing a recap' "
    "shows the format), or import a published text with kb add --from-text FILE.txt"
)


def add_from_template(kb: KnowledgeBase, opts: Options) -> None:
    if opts.dry_run:
        raise UsageError(_("--dry-run needs FILE.md or --from-text FILE"))
    if not is_terminal():
        raise UsageError(
            _("kb add without a file asks questions, but there is no terminal; {how}").format(
                how=_(NO_EDITOR)
            )
        )
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UsageError(
            _("no editor: set VISUAL or EDITOR (export EDITOR=nano), or {how}").format(
                how=_(NO_EDITOR)
            )
        )
    vocab = kb.settings()
    date = parse_date(opts.date) if opts.date else ask_date()
    basin = vocab.resolve_basin(opts.basin) if opts.basin else ask_basin(vocab)
    existing = kb.recap_file(f"{date}-{basin}")
    if existing and not opts.force:
        raise KbError(
            _(
                "{id} is already in the knowledge base: {file}; "
                "edit that file, or pass --force to replace it"
            ).format(id=f"{date}-{basin}", file=kb.loc.shown(existing))
        )
    text = template(
        vocab, date=date, basin=basin, edition=opts.edition, participants=opts.participants
    )
    plan, draft = _edit_until_valid(kb, vocab, text, prefix=f"kb-add-{date}-{basin}-", opts=opts)
    try:
        result = kb.commit(plan)
    except KbError as exc:  # the draft stays until the recap is written
        raise KbError(f"{exc}; {_kept(draft)}") from None
    draft.unlink(missing_ok=True)
    shown_as.added(result, vocab)


def _kept(draft: Path) -> str:
    return _("your draft is kept in {file}: finish it, then run kb add {argument}").format(
        file=draft, argument=shlex.quote(str(draft))
    )


def _read_draft(draft: Path) -> bytes:
    try:
        return draft.read_bytes()
    except OSError as exc:
        raise KbError(
            _("the draft {file} cannot be read after editing ({reason}); nothing written").format(
                file=draft, reason=exc.strerror
            )
        ) from None


def _edit_until_valid(
    kb: KnowledgeBase, vocab: Vocabulary, text: str, *, prefix: str, opts: Options
) -> tuple[Plan, Path]:
    """Open the editor on the template until the draft is a valid recap: the plan to write
    it, and the draft (the caller removes it once written). On an error the editor opens
    again, or the draft stays in a file whose path is printed."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".md")
    draft = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    pristine = draft.read_bytes()
    kept = _kept(draft)
    try:
        while True:
            try:
                status = run_editor(draft)
            except KbError as exc:
                if _read_draft(draft) == pristine:
                    draft.unlink()
                    raise
                raise KbError(f"{exc}; {kept}") from None
            data = _read_draft(draft)
            if status != 0:
                if data == pristine:
                    draft.unlink()
                    raise KbError(
                        _("the editor exited with status {status}; nothing written").format(
                            status=status
                        )
                    )
                raise KbError(
                    _("the editor exited with status {status}; {kept}").format(
                        status=status, kept=kept
                    )
                )
            try:
                markdown = from_template(data, vocab, shown=str(draft))
                if markdown is None:
                    draft.unlink()
                    console.note(_("Nothing written: the recap has no text."))
                    raise typer.Exit(1)
                plan = kb.plan_add(markdown, vocab=vocab, source=str(draft), force=opts.force)
            except KbError as exc:
                console.error(str(exc))
                if not typer.confirm(_("Edit the draft again?"), default=True, err=True):
                    raise KbError(_("nothing written; {kept}").format(kept=kept)) from None
                continue
            return plan, draft
    except (KeyboardInterrupt, typer.Abort):
        if draft.exists():
            console.note(_("Interrupted: {kept}.").format(kept=kept))
        raise
