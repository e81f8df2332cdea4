"""A recap as published (a newsletter or a web page saved as text) -> a Markdown recap.

``convert(text, vocab)`` is a plain function: text in, a :class:`Draft` out: the
frontmatter fields it could read, the text given Markdown structure, and what it could
not find. It never prompts, writes or fails for what the text does not say; the caller
decides whether to ask or to stop.

The structure keeps every word, in order: only line breaks, blank lines, bullet marks
and heading marks change. The rules were drawn from the hand-made conversions of the
first five recaps:

- the first line is the title (``#``); ``#``-headings keep their rank below it;
- a short line that stands alone and introduces what follows becomes a ``##`` heading
  (its trailing ``:`` dropped); of several such lines in a row, the last one without a
  colon is the heading ("Extraits choisis :" then "Avancement du plan d'actions");
- lines broken by the page layout are joined, unless a line ends a sentence
  (then the breaks were meant); a line that is all bold stays a paragraph of its own;
- ``-``, ``•``, ``*`` start bullets; ``›`` (alone or after ``-``) a nested bullet.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kb.errors import UsageError
from kb.recaps.actions import detect_actions
from kb.recaps.recap import split_sections
from kb.recaps.vocab import Vocabulary
from kb.text.fold import fold, strip_accents

# The fields the importer reads, in the order they are reported.
READ_FIELDS = (
    "date",
    "basin",
    "edition",
    "participants",
    "team",
    "support_group",
    "next_meeting",
    "next_meeting_place",
)

# -- dates ------------------------------------------------------------------------------

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
MONTH_NAMES = (
    *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
    *("septembre", "octobre", "novembre", "décembre"),
)
# "1er", "1^{er}" (as the web page was saved), "1ᵉʳ", "1<sup>er</sup>"
_FIRST = r"(?:\s*(?:er|ᵉʳ|\^\{er\}|\^er|<sup>er</sup>))?"
# "20 et 21 février 2025", "20-21 février": the workshop's date is the first day.
_FRENCH_DATE = re.compile(
    rf"(?<![\w/.])(?:([0-3]?\d){_FIRST}\s*(?:et|au|&|-|–)\s*)?"
    rf"([0-3]?\d){_FIRST}\s+([^\W\d_]{{3,9}})\.?(?:\s+(\d{{4}}))?(?!\w)",
    re.I,
)
_NUMERIC_DATE = re.compile(r"(?<![\w/.])([0-3]?\d)[/.]([01]?\d)[/.](\d{4})(?![\w/]|\.\d)")
_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")
_TIME = re.compile(r"(?<![\w:])([01]?\d|2[0-3])\s*(?:h|heures?|:)\s*([0-5]\d)?(?!\w)", re.I)


@dataclass(frozen=True)
class DateMatch:
    """A date written in a text. ``year`` is None when the text leaves it out; ``valid``
    is False for a day that does not exist (31 février)."""

    start: int
    end: int
    raw: str
    year: int | None
    month: int
    day: int

    @property
    def valid(self) -> bool:
        return _day_problem(self.year or 2000, self.month, self.day) is None

    def on(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)


def _day_problem(year: int, month: int, day: int) -> str | None:
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{calendar.month_name[month]} {year} has {last} days"
    return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date in ``text`` ("20 février 2025", "1er juin", "13/02/2025", "2025-02-13"),
    in order of appearance."""
    found = []
    for m in _FRENCH_DATE.finditer(text):
        month = MONTHS.get(fold(m.group(3)))
        if month is not None:
            year = int(m.group(4)) if m.group(4) else None
            day = int(m.group(1) or m.group(2))
            found.append(DateMatch(m.start(), m.end(), m.group(0), year, month, day))
    for m in _NUMERIC_DATE.finditer(text):
        day, month, year = (int(g) for g in m.groups())
        found.append(DateMatch(m.start(), m.end(), m.group(0), year, month, day))
    for m in _ISO_DATE.finditer(text):
        year, month, day = (int(g) for g in m.groups())
        found.append(DateMatch(m.start(), m.end(), m.group(0), year, month, day))
    return sorted(found, key=lambda d: d.start)


def parse_date(text: str, *, option: str = "--date") -> str:
    """A day the user typed (2025-02-20, 20/02/2025, "20 février 2025") as ISO text."""
    value = text.strip()
    dates = [d for d in find_dates(value) if d.year is not None]
    if len(dates) != 1 or dates[0].raw.strip() != value:
        raise UsageError(
            f"{option} {text!r}: expected a date like 2025-02-20, 20/02/2025 or 20 février 2025"
        )
    date = dates[0]
    assert date.year is not None
    problem = _day_problem(date.year, date.month, date.day)
    if problem:
        raise UsageError(f"{option} {text!r}: not a real day ({problem})")
    return date.on(date.year).isoformat()


# -- structure --------------------------------------------------------------------------

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2028": "\n"})
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# "+" and a dash before a number are signs ("+ 3 partenaires", "– 5 %"), not bullets.
_BULLET = re.compile(r"^(\s*)([-*•‣◦▪▸►›]|[–—](?=\s+\D))\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,2}[.)])\s+(.*)$")
_NESTED = "‣◦▪▸►›"
_BOLD_LINE = re.compile(r"^(\*\*|__)(?:(?!\1).)+\1[\s!.?:]*$")
_ENDS_SENTENCE = re.compile(r"[.!?:;…]\**$")
_NO_HEADING_END = re.compile(r"[.!?;,…]\**$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-ZÀ-ÖØ-Þ]")
_COLON_END = re.compile(r"\s*:\s*$")
HEADING_MAX = 120
TITLE_MAX = 150


@dataclass
class Part:
    """One block of the Markdown body: a heading, a paragraph or a list.

    ``lines`` are a paragraph's lines, a list's rendered items, a heading's text.
    ``level`` is a heading's rank as written (0 when a plain line was promoted).
    """

    kind: str
    lines: list[str]
    level: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def normalize(text: str) -> str:
    """Non-breaking spaces as spaces, a BOM and CR line ends removed."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_SPACES)


def _blocks(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            block.append(line.rstrip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def _segment(block: list[str]) -> list[Part]:
    """A block of consecutive lines -> headings, lists (items with their continuation
    lines) and paragraphs."""
    parts: list[Part] = []
    for line in block:
        heading = _MD_HEADING.match(line)
        if heading:
            parts.append(Part("heading", [heading.group(2)], len(heading.group(1))))
            continue
        item = _item(line)
        last = parts[-1] if parts else None
        if item is not None:
            if last is None or last.kind != "list":
                parts.append(Part("list", []))
            parts[-1].lines.append(item)
        elif last is not None and last.kind == "list" and _continues(line):
            last.lines[-1] += " " + line.strip()
        elif last is not None and last.kind == "para":
            last.lines.append(line.strip())
        else:
            parts.append(Part("para", [line.strip()]))
    return parts


def _item(line: str) -> str | None:
    """A bullet or numbered line as a Markdown item, or None."""
    bullet = _BULLET.match(line)
    if bullet:
        indent, mark, text = bullet.groups()
        nested = bool(indent) or mark in _NESTED
        inner = _BULLET.match(text)
        # "- › text": a second, nesting mark means one level down
        if inner and not inner.group(1) and inner.group(2) in _NESTED:
            nested, text = True, inner.group(3)
        return ("  - " if nested else "- ") + text.strip()
    numbered = _NUMBERED.match(line)
    if numbered:
        return f"{numbered.group(1)} {numbered.group(2).strip()}"
    return None


def _continues(line: str) -> bool:
    """A line after a bullet continues it when indented or starting in lower case."""
    stripped = line.lstrip()
    return line[0].isspace() or stripped[0].islower()


def _heading_like(line: str, *, colon: bool) -> bool:
    """A short line that could introduce a section: a capital first, no sentence end, no
    link, no date, not all bold. A final colon is allowed when ``colon``."""
    text = _COLON_END.sub("", line) if colon else line
    if not colon and line.rstrip().endswith(":"):
        return False
    return (
        2 <= len(text) <= HEADING_MAX
        and text[0].isalpha()
        and text[0].isupper()
        and not _NO_HEADING_END.search(text)
        and "](" not in text
        and not _BOLD_LINE.match(text)
        and not _SENTENCE_BREAK.search(text)
        and not find_dates(text)
    )


def _shape_paragraph(lines: list[str]) -> list[Part]:
    """Split a paragraph's lines into the paragraphs they stand for."""
    out: list[Part] = []
    # A heading-like first line above a line that starts anew ("Save the date" above
    # "23 octobre 2025"): a line of its own, not one broken by the layout.
    starts_anew = len(lines) >= 2 and (lines[1][0].isupper() or lines[1][0].isdigit())
    if starts_anew and _heading_like(lines[0], colon=False):
        out.append(Part("para", [lines[0]]))
        lines = lines[1:]
    group: list[str] = []
    for line in lines:
        if _BOLD_LINE.match(line):
            if group:
                out.append(Part("para", _joined(group)))
                group = []
            out.append(Part("para", [line]))
        else:
            group.append(line)
    if group:
        out.append(Part("para", _joined(group)))
    return out


def _joined(lines: list[str]) -> list[str]:
    """Lines broken by the page layout as one line; lines that end sentences as they are."""
    if any(_ENDS_SENTENCE.search(line) for line in lines[:-1]):
        return lines
    return [" ".join(lines)]


def _title_like(part: Part) -> bool:
    if part.kind == "heading":
        return True
    if part.kind != "para" or len(part.lines) != 1:
        return False
    text = part.lines[0]
    return (
        len(text) <= TITLE_MAX
        and text.lstrip("*_")[:1].isalpha()
        and not re.search(r"[.,;:]\**$", text)
        and "](" not in text
    )


def structure(text: str) -> tuple[str | None, list[Part]]:
    """The title (or None) and the parts of the body, headings decided."""
    parts: list[Part] = []
    for block in _blocks(normalize(text)):
        for part in _segment(block):
            parts.extend(_shape_paragraph(part.lines) if part.kind == "para" else [part])
    title = None
    title_level = 0
    if parts and _title_like(parts[0]):
        first = parts.pop(0)
        title, title_level = _strip_bold(first.lines[0]), first.level
    _promote_headings(parts)
    _rank_headings(parts, title_level)
    return title, parts


def _strip_bold(text: str) -> str:
    return text[2:-2].strip() if _BOLD_LINE.match(text) and text.endswith(text[:2]) else text


def _promote_headings(parts: list[Part]) -> None:
    """Turn the short lines that introduce a group of paragraphs or bullets into headings."""
    candidates = [
        i
        for i, p in enumerate(parts)
        if p.kind == "para" and len(p.lines) == 1 and _heading_like(p.lines[0], colon=True)
    ]
    runs: list[list[int]] = []
    for i in candidates:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        after = run[-1] + 1
        if after >= len(parts) or parts[after].kind == "heading":
            continue  # a heading must have something under it
        plain = [i for i in run if not parts[i].lines[0].endswith(":")]
        chosen = plain[-1] if plain else run[-1]
        parts[chosen] = Part("heading", parts[chosen].lines, 0)


def _rank_headings(parts: list[Part], title_level: int) -> None:
    """Headings as written keep their rank relative to each other, the highest as ``##``."""
    levels = [p.level for p in parts if p.kind == "heading" and p.level]
    base = min(levels) if levels else 2
    if title_level and title_level >= base:
        base = title_level + 1
    for p in parts:
        if p.kind == "heading":
            p.level = 2 if not p.level else min(6, max(2, 2 + p.level - base))
            p.lines = [_COLON_END.sub("", p.lines[0]).strip()]


def render_body(title: str | None, parts: list[Part]) -> str:
    """The Markdown body: ``# title``, then each part, a blank line between parts."""
    chunks = [f"# {title}"] if title else []
    for p in parts:
        chunks.append(f"{'#' * p.level} {p.lines[0]}" if p.kind == "heading" else p.text)
    return "\n\n".join(chunks) + "\n"


# -- fields ---------------------------------------------------------------------------

_EDITION = re.compile(
    r"(?<!\w)(\d{1,3})\s*(?:e|è|ème|eme|ième|ieme|er|ère|re|ᵉ|ᵉʳ|\^\{?e\}?|\^\{?ème\}?"
    r"|<sup>e</sup>|<sup>ème</sup>)\s+(?:atelier|adc)\b",
    re.I,
)
_EDITION_WORDS = {
    "premier": 1,
    "premiere": 1,
    "deuxieme": 2,
    "second": 2,
    "troisieme": 3,
    "quatrieme": 4,
    "cinquieme": 5,
    "sixieme": 6,
    "septieme": 7,
    "huitieme": 8,
    "neuvieme": 9,
    "dixieme": 10,
}
_EDITION_WORD = re.compile(r"\b([^\W\d_]+)\s+(?:atelier|adc)\b", re.I)
_PARTICIPANTS = re.compile(r"(?<![\w/.,])(\d{1,4})\s+(?:participant|professionnel)", re.I)
_APOS = "['’]"
_TEAM = re.compile(
    rf"[ée]quipe\s+(?:du\s+)?bassin\b[^\n:]*?\bc{_APOS}est\b\s*(?:…|\.{{3}}|:)?\s*"
    r"(?P<names>[^\n]+)",
    re.I,
)
_SUPPORT = re.compile(
    rf"\b(?:ZO)?GAB\b\)?\s*,?\s*c{_APOS}est\b\s*(?:…|\.{{3}}|:)?\s*(?P<names>[^\n]+)"
)
_STRONG_ANCHOR = re.compile(
    r"save\s+the\s+date|prochaine?s?\s+(?:atelier|adc|rencontre|séance|réunion)"
    r"|à\s+vos\s+agendas",
    re.I,
)
# "Rendez-vous le 10 juin", but not the action "Rendez-Vous de la Prévention"
_WEAK_ANCHOR = re.compile(r"rendez[-\s]vous(?!\s+de\s+la)", re.I)
# "du 20 février 2025", "du jeudi 20 février 2025": the workshop's own day
_DU = re.compile(r"\bdu\s+(?:[^\W\d_]+\s+)?$")
_WORKSHOP_LINE = re.compile(r"atelier|adc", re.I)
_PLACE = re.compile(
    r"(?:^|[\s,;(])(?:à|au|aux|chez)\s+"
    rf"(?:(?:(?:la|le|les)\s+|l{_APOS})(?P<a>[^\n]+)|(?P<b>[A-ZÀ-ÖØ-Þ«\"][^\n]*))"
)
_PLACE_LABEL = re.compile(r"^\**(?:lieu|adresse)\s*:\s*(?P<c>[^\n]+)", re.I)


@dataclass
class Draft:
    """What the importer made of a text: frontmatter fields, Markdown body, and for each
    field it could not fill, why (``missing``: field -> reason)."""

    fields: dict[str, Any]
    body: str
    title: str | None
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def headings(self) -> list[str]:
        return [s.heading for s in split_sections(self.body)[1] if s.heading]


def convert(text: str, vocab: Vocabulary, *, date: str | None = None) -> Draft:
    """Turn a published recap into frontmatter fields and a Markdown body. ``date``, when
    known, is the workshop's date (a year-less "5 juin" is read as the next one after)."""
    title, parts = structure(text)
    body = render_body(title, parts)
    texts = [p.text for p in parts]
    fields, missing = read_fields(title, texts, vocab, date=date)
    fields["actions"] = detect_actions(vocab, split_sections(body)[1])
    fields["tags"] = []
    return Draft(fields, body, title, missing)


def read_fields(
    title: str | None, texts: list[str], vocab: Vocabulary, *, date: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The frontmatter the text states, and why each other field is missing."""
    full = "\n\n".join([title or "", *texts])
    found: dict[str, Any] = {}
    missing: dict[str, str] = {}
    problem = None
    if date is None:
        date, problem = _workshop_date(title or "", full)
    if date:
        found["date"] = date
    else:
        missing["date"] = problem or "no 'du 20 février 2025' in the title or text"
    basin = _basin(full, vocab)
    if basin:
        found["basin"] = basin
    else:
        missing["basin"] = "no 'Bassin <name>' naming a known basin"
    found.update(_numbers(full))
    for key, pattern, split in (("team", _TEAM, _team), ("support_group", _SUPPORT, _members)):
        for t in texts:
            m = pattern.search(t)
            if m and split(m.group("names")):
                found[key] = split(m.group("names"))
                break
    found.update(_next_meeting(texts, found.get("date")))
    for key in READ_FIELDS:
        if key not in found and key not in missing:
            missing[key] = "not stated"
    return found, missing


def _workshop_date(title: str, full: str) -> tuple[str | None, str | None]:
    """The day the title names, else the first "du <date>" of the text."""
    candidates = [d for d in find_dates(title) if d.year]
    if not candidates:
        candidates = [d for d in find_dates(full) if d.year and _DU.search(full[: d.start][-20:])]
    if not candidates:
        return None, None
    first = candidates[0]
    assert first.year is not None
    problem = _day_problem(first.year, first.month, first.day)
    if problem:
        return None, f"the text says {first.raw!r}, not a real day ({problem})"
    return first.on(first.year).isoformat(), None


def _basin(full: str, vocab: Vocabulary) -> str | None:
    """The first basin named as "Bassin <name>" (any case, accents, hyphens)."""
    folded = strip_accents(full).lower()
    best: tuple[int, str] | None = None
    for basin in vocab.basins:
        for name in {basin.name, basin.slug}:
            words = [re.escape(w) for w in fold(name).split("-") if w]
            if not words:
                continue
            pattern = r"\bbassins?\s+(?:du\s+|de\s+l'?\s*)?" + r"[\s\-‐–]+".join(words)
            m = re.search(pattern + r"(?![\w-])", folded)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), basin.slug)
    return best[1] if best else None


def _numbers(full: str) -> dict[str, int]:
    out: dict[str, int] = {}
    m = _EDITION.search(full)
    if m and int(m.group(1)) >= 1:
        out["edition"] = int(m.group(1))
    else:
        for w in _EDITION_WORD.finditer(full):
            number = _EDITION_WORDS.get(fold(w.group(1)))
            if number:
                out["edition"] = number
                break
    m = _PARTICIPANTS.search(full)
    if m:
        out["participants"] = int(m.group(1))
    return out


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ])", text.strip())[0]


def _team(text: str) -> list[str]:
    """ "A, B & C (Org)." -> [A, B, C]: the names, without their organisation."""
    text = re.sub(r"\s*\([^)]*\)", "", _first_sentence(text)).replace("**", "")
    text = text.strip().rstrip(".!…").strip()
    names = re.split(r"\s*,\s*|\s+et\s+|\s*&\s*", text)
    return [n.strip() for n in names if n.strip()]


def _members(text: str) -> list[str]:
    """ "A (role), B (role) et C (role)." -> ["A (role)", "B (role)", "C (role)"]."""
    text = text.replace("**", "").strip().rstrip(".!…").strip()
    pieces, depth, current, i = [], 0, "", 0
    while i < len(text):
        char = text[i]
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char == ",":
            pieces.append(current)
            current, i = "", i + 1
            continue
        joiner = re.match(r"\s+(?:et|&)\s+", text[i:]) if depth == 0 else None
        if joiner:
            pieces.append(current)
            current, i = "", i + joiner.end()
            continue
        current += char
        i += 1
    pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _next_meeting(texts: list[str], date: str | None) -> dict[str, str]:
    """The announced next workshop: "Save the date", "Prochain atelier", "Rendez-vous le"."""
    after = dt.date.fromisoformat(date) if date else None
    for anchor in (_STRONG_ANCHOR, _WEAK_ANCHOR):
        for i, text in enumerate(texts):
            for m in anchor.finditer(text):
                found = _meeting_near(texts, i, m.start(), after)
                if found:
                    return found
    return {}


def _meeting_near(
    texts: list[str], i: int, start: int, after: dt.date | None
) -> dict[str, str] | None:
    for j in range(i, min(i + 3, len(texts))):
        offset = start if j == i else 0
        segment = texts[j][offset:]
        for d in find_dates(segment):
            day = _resolve(d, after)
            if day is None:
                continue
            out = {"next_meeting": day.isoformat()}
            time = _time_of(texts, j, offset + d.end)
            if time:
                out["next_meeting"] += f"T{time}"
            place = _place(segment[d.end :], texts[j + 1] if j + 1 < len(texts) else "")
            if place:
                out["next_meeting_place"] = place
            return out
    return None


def _resolve(d: DateMatch, after: dt.date | None) -> dt.date | None:
    """The day a date stands for, after the workshop; a date without a year is the next
    such day after the workshop."""
    if not d.valid:
        return None
    if d.year is None:
        if after is None or (d.month, d.day) == (2, 29):
            return None
        day = d.on(after.year)
        return day if day > after else d.on(after.year + 1)
    day = d.on(d.year)
    return day if after is None or day > after else None


def _time_of(texts: list[str], j: int, end: int) -> str | None:
    """The start time on the date's line, else on a following line about the workshop."""
    text = texts[j]
    line_end = text.find("\n", end)
    same_line = text[end : len(text) if line_end < 0 else line_end]
    m = _TIME.search(same_line)
    if not m:
        following = text[end:].split("\n")[1:]
        if j + 1 < len(texts):
            following += texts[j + 1].split("\n")
        for line in following:
            if _WORKSHOP_LINE.search(line):
                m = _TIME.search(line)
                if m:
                    break
    if not m:
        return None
    return f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}"


def _place(rest: str, next_text: str) -> str | None:
    """ "…, à la salle Pianofabriek." after the date, or a next paragraph "à Expo …"."""
    m = _PLACE.search(rest)
    if not m:
        start = next_text.lstrip("*_ ")
        m = _PLACE.match(" " + start) or _PLACE_LABEL.match(start)
    if not m:
        return None
    place = next(g for g in m.groupdict().values() if g)
    place = _first_sentence(place).replace("**", "").strip().rstrip(".!;,").strip()
    return place or None
