"""Adding a recap to the knowledge base: check it, write it atomically, index it.

The core of ``kb add``: no prompts and no printing. ``prepare`` checks a recap's bytes
(the same checks and messages as indexing) and decides where it goes; ``commit`` writes
it (a temporary file, then a rename) and brings the index up to date. A file already
there is replaced only on request, and then kept beside the new one as ``<file>.bak``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.config import Location
from kb.errors import KbError, RecapError
from kb.i18n import _
from kb.index.folder import scan
from kb.index.sync import SyncReport, sync
from kb.recaps.actions import detect_actions
from kb.recaps.dates import MONTH_NAMES
from kb.recaps.recap import (
    FIELDS,
    NotUtf8Error,
    Recap,
    check_frontmatter,
    decode,
    parse_recap,
    split_sections,
)
from kb.recaps.recap import (
    recap_id as make_id,
)
from kb.recaps.vocab import Vocabulary

# A recap is a few pages; anything much larger is not one.
MAX_BYTES = 2_000_000
STDIN = "-"


# -- reading ----------------------------------------------------------------------------


def read_input(name: str) -> tuple[bytes, str]:
    """The bytes of a file (``-`` for standard input) and how to name it in messages."""
    shown = "<stdin>" if name == STDIN else name
    try:
        if name == STDIN:
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(name, "rb") as f:
                data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise KbError(
            _("{path}: cannot be read ({reason})").format(path=shown, reason=exc.strerror)
        ) from None
    if len(data) > MAX_BYTES:
        raise RecapError(
            shown, _("larger than {size} MB: not a recap").format(size=MAX_BYTES // 1_000_000)
        )
    return data, shown


UTF_8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
# Bytes of a UTF-8 character after its first: a text where most non-ASCII bytes form
# UTF-8 characters is UTF-8 with a fault, never Windows-1252 (it would read as "Ã©").
_UTF8_CHAR = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def read_text(data: bytes, shown: str) -> tuple[str, str]:
    """A published text's bytes as text, never empty, and the encoding it was read in:
    UTF-8 (BOM and CRLF accepted), else Windows-1252 (the encoding of texts saved on
    Windows in French) when the bytes read as that: French text without control
    characters. Anything else is an error that names the encoding expected; never a
    text read in the wrong encoding."""
    if not data.decode("utf-8", errors="replace").lstrip("\ufeff").strip():
        raise RecapError(shown, _("the file is empty: there is no text to import"))
    try:
        return decode(data, shown), UTF_8
    except NotUtf8Error as exc:
        text = _windows_1252(data)
        if text is None:
            raise RecapError(
                shown,
                _(
                    "not UTF-8 text (byte {byte} at offset {offset}), nor Windows-1252; "
                    "save it as UTF-8"
                ).format(byte=exc.byte, offset=exc.offset),
            ) from None
        return text, WINDOWS_1252


def _windows_1252(data: bytes) -> str | None:
    """The text, when ``data`` is Windows-1252 and not broken UTF-8; else None."""
    high = sum(1 for b in data if b >= 0x80)
    in_utf8 = sum(len(m) for m in _UTF8_CHAR.findall(data))
    if in_utf8 * 2 >= high:
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: no character in cp1252
        return None
    if _CONTROLS.search(text):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- writing a recap's text ----------------------------------------------------------------

_PLAIN = re.compile(r"^[^\W\d_](?:[\w'’ .-]*[\w.’'])?$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def _flow_item(value: str) -> str:
    plain = _PLAIN.match(value) and value.lower() not in _YAML_WORDS
    return value if plain else _quoted(value)


def compose(fields: Mapping[str, Any], body: str) -> str:
    """A recap file's text: the fields as YAML frontmatter (in kb's field order, in the
    style of the bundled recaps), a blank line, then the body."""
    lines = ["---"]
    for key in FIELDS:
        value = fields.get(key)
        if value is None or (value == [] and key not in ("actions", "tags")):
            continue
        if key == "support_group":
            lines.append(f"{key}:")
            lines.extend(f"  - {_quoted(v)}" for v in value)
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_flow_item(v) for v in value)}]")
        elif key == "next_meeting":
            lines.append(f"{key}: {value if len(value) == 10 else _quoted(value)}")
        elif isinstance(value, str) and key not in ("date", "basin", "kind", "published"):
            lines.append(f"{key}: {_quoted(value)}")
        else:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body.strip("\n") + "\n"


# -- the template ---------------------------------------------------------------------------

NOTE = re.compile(r"<!-- kb:.*?-->\n?", re.S)
_EMPTY_ITEM = re.compile(r"^[ \t]*[-*][ \t]*\n", re.M)
TEMPLATE_HEADINGS = ("Points d'attention généraux",)


def french_day(iso: str) -> str:
    """``2025-02-01`` -> ``1er février 2025``."""
    day = dt.date.fromisoformat(iso)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTH_NAMES[day.month - 1]} {day.year}"


def template(
    vocab: Vocabulary,
    *,
    date: str,
    basin: str,
    edition: int | None = None,
    participants: int | None = None,
) -> str:
    """A new recap to fill in: the frontmatter with what is known, the usual headings."""
    slugs = ", ".join(b.slug for b in vocab.basins)

    def value(v: int | None) -> str:
        return "" if v is None else f" {v}"

    import textwrap

    fill = _(
        "Fill in what the recap states, leave the rest empty. Lines starting with '#' up "
        "to the next '---' are comments. Save and close the editor to add the recap."
    )
    note = _(
        'Write the recap as published: the introduction here, then one "## " heading per '
        'round table or theme, with its points as "- " bullets. Notes like this one, empty '
        "bullets and headings left empty are removed when you save."
    )
    return f"""---
{textwrap.fill(fill, width=86, initial_indent="# ", subsequent_indent="# ")}
date: {date}
basin: {basin}  # {slugs}
edition:{value(edition)}  # "Le 7ème Atelier" -> 7
participants:{value(participants)}  # {_("only when the recap states a number")}
team: []  # [Esthéra, Anaïs, Léa]: {_("the basin team, without organisations")}
support_group: []  # ["Ester (BruZEL)", "François (Coordination sociale 1000)"]
actions: []  # {_("action slugs from kb.yml; left empty, kb fills them from the text")}
tags: []
next_meeting:  # {_('2025-06-12, or "2025-06-12T14:00" with the time')}
next_meeting_place:  # {_("where it takes place, as written")}
---

# Retour sur l'Atelier du Changement du {french_day(date)}

{textwrap.fill("<!-- kb: " + note + " -->", width=86)}

## {TEMPLATE_HEADINGS[0]}

-
"""


def _drop_empty_template_headings(body: str) -> str:
    for heading in TEMPLATE_HEADINGS:
        body = re.sub(rf"^## {re.escape(heading)}[ \t]*\n\s*(?=^## |\Z)", "", body, flags=re.M)
    return body


def from_template(data: bytes, vocab: Vocabulary, *, shown: str) -> bytes | None:
    """The recap to add from an edited template, or None when it was left without text.

    The template's notes, empty bullets and empty headings go; the frontmatter is written
    again in kb's style (its comments go); ``actions`` left empty are filled from the text.
    Raises RecapError, as indexing would, when the draft is not a valid recap.
    """
    text = decode(data, shown) if data.strip() else ""
    text = _EMPTY_ITEM.sub("", NOTE.sub("", text))
    if not text.strip():
        return None
    values = check_frontmatter(text.encode("utf-8"), vocab, shown=shown)
    recap = parse_recap(text.encode("utf-8"), f"{make_id(values)}.md", vocab, shown=shown)
    body = _drop_empty_template_headings(recap.body.rstrip("\n") + "\n")
    sections = split_sections(body)[1]
    if not any(s.text or s.heading for s in sections):
        return None  # the title alone: nothing was written
    if not values.get("actions"):
        values["actions"] = detect_actions(vocab, sections)
    values.setdefault("tags", [])
    return compose(values, re.sub(r"\n{3,}", "\n\n", body)).encode("utf-8")


# -- adding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A checked recap and where it goes. ``existing`` is the file with the same id (which
    ``--force`` replaces), ``same`` whether it already holds exactly these bytes."""

    loc: Location
    recap: Recap
    data: bytes
    target: Path
    existing: Path | None
    same: bool

    @property
    def shown(self) -> str:
        return self.loc.shown(self.recap.path)


@dataclass(frozen=True)
class Added:
    """What ``commit`` did: ``status`` is added, replaced or unchanged."""

    recap: Recap
    path: str
    status: str
    backup: str | None = None
    report: SyncReport | None = None
    index_error: str | None = None


def find_recap_file(loc: Location, recap_id: str) -> str | None:
    """The path (relative to the knowledge base) of the recap file with this id, if any."""
    name = f"{recap_id}.md"
    for rel in sorted(scan(loc.kb_dir)):
        if rel.rsplit("/", 1)[-1] == name:
            return rel
    return None


def backup_path(path: Path) -> Path:
    """Where a replaced file is kept: ``<file>.bak``, else the first free ``.bak.N``."""
    candidate, n = path.with_name(path.name + ".bak"), 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.name}.bak.{n}")
    return candidate


def prepare(
    loc: Location, data: bytes, vocab: Vocabulary, *, source: str, force: bool = False
) -> Plan:
    """Check a recap file's bytes and decide where it goes; write nothing.

    Raises RecapError (the same messages as indexing, naming ``source``), or KbError when
    a recap with the same id exists and ``force`` is not set.
    """
    text = decode(data, source)
    if not text.startswith("---"):
        raise RecapError(
            source,
            _(
                "no frontmatter: a recap starts with a '---' line, then date: and basin: "
                "(for a published text, use kb add --from-text)"
            ),
        )
    values = check_frontmatter(data, vocab, shown=source)
    recap_id = make_id(values)
    rel = find_recap_file(loc, recap_id)
    recap = parse_recap(data, rel or f"{recap_id}.md", vocab, shown=source)
    target = loc.kb_dir / recap.path
    _check_inside(loc, target)
    if rel is None and (target.exists() or target.is_symlink()):
        raise KbError(
            f"{loc.shown(recap.path)}: already there and not a recap file (a folder, or a "
            f"link to nothing); rename or remove it to add {recap_id}"
        )
    same = False
    if rel is not None:
        try:
            same = target.read_bytes() == data
        except OSError as exc:
            raise KbError(
                _("{path}: cannot be read ({reason})").format(
                    path=loc.shown(rel), reason=exc.strerror
                )
            ) from None
        if not (same or force):
            raise KbError(
                _(
                    "{id} is already in the knowledge base: {path}; pass --force to replace "
                    "it (the current file is then kept as {backup})"
                ).format(id=recap_id, path=loc.shown(rel), backup=backup_path(target).name)
            )
    return Plan(loc, recap, data, target, target if rel else None, same)


def _check_inside(loc: Location, target: Path) -> None:
    """The file written must be in the knowledge-base folder, not through a link out."""
    root = loc.kb_dir.resolve()
    where = target.resolve()
    if where != root and root not in where.parents:
        raise KbError(
            _(
                "{path}: leads outside the knowledge base ({where}); kb add writes only in {folder}"
            ).format(path=target, where=where, folder=loc.kb_dir)
        )


def commit(plan: Plan, *, index: bool = True) -> Added:
    """Write the planned recap (atomically), keep the file it replaces, update the index
    (unless ``index`` is False: the caller syncs once after several)."""
    backup = None
    status = "unchanged" if plan.same else "replaced" if plan.existing else "added"
    try:
        if plan.existing is not None and not plan.same:
            kept = backup_path(plan.existing)
            mode = plan.existing.stat().st_mode & 0o777
            write_atomic(kept, plan.existing.read_bytes(), mode=mode, exclusive=True)
            backup = str(plan.loc.kb_dir / kept.relative_to(plan.loc.kb_dir))
            write_atomic(plan.target, plan.data, mode=mode, exclusive=False)
        elif plan.existing is None:
            write_atomic(plan.target, plan.data, mode=_default_mode(), exclusive=True)
    except OSError as exc:
        raise KbError(
            _("{path}: cannot be written ({reason}); nothing was changed").format(
                path=plan.target, reason=exc.strerror
            )
        ) from None
    if not index:
        return Added(plan.recap, plan.shown, status, backup)
    try:
        report, error = sync(plan.loc), None
    except KbError as exc:  # the recap is written; the next kb command indexes it
        report, error = None, str(exc)
    return Added(plan.recap, plan.shown, status, backup, report, error)


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes, *, mode: int, exclusive: bool) -> None:
    """Write ``path`` through a hidden temporary file beside it, then a rename: readers see
    the old file or the new one, never half of one. ``exclusive`` never replaces a file
    (one that appeared meanwhile is an error)."""
    appeared = _("{path}: appeared while kb was writing it; left as it is")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if not exclusive:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if the file exists: never a silent replacement
        except FileExistsError:
            raise KbError(appeared.format(path=path)) from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise KbError(appeared.format(path=path)) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
