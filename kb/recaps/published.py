"""A recap as published (a newsletter or a web page saved as text) -> a Markdown recap.

``convert(text, vocab)`` is a plain function: text in, a :class:`Draft` out: the
frontmatter fields it could read, the text given Markdown structure, and what it could
not find. It never prompts, writes or fails for what the text does not say; the caller
decides whether to ask or to stop.

The structure keeps every word, in order: only line breaks, blank lines, bullet marks
and heading marks change. The rules were drawn from the hand-made conversions of the
first five recaps:

- a first line ``source: URL`` (a web page's address) is the ``source`` field, not text;
- the first line is the title (``#``), unless it is the page's chrome: a section name
  above a date line ("Actualités", "18 Mar"), a date or publication line, share links, a
  banner ("… : inscriptions jusqu'au 30 avril → ici"), an announcement ("Save the
  date …"); those lines stay, in their order, right under the title;
- ``#``-headings keep their rank below the title;
- a short line that stands alone and introduces what follows becomes a ``##`` heading
  (its trailing ``:`` dropped); of several such lines in a row, the last one without a
  colon is the heading ("Extraits choisis :" then "Avancement du plan d'actions");
- lines broken by the page layout are joined, unless a line ends a sentence
  (then the breaks were meant); a line that is all bold stays a paragraph of its own;
- ``-``, ``•``, ``*`` start bullets; ``›`` (alone or after ``-``) a nested bullet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kb.i18n import N_, _, day
from kb.recaps.actions import detect_actions, named_in_heading
from kb.recaps.dates import find_dates
from kb.recaps.facts import READ_FIELDS, read_facts
from kb.recaps.reading import (
    A_WORKSHOP,
    FOUND,
    GIVEN,
    GUESSED,
    INFERRED,
    WORKSHOP,
    Kind,
    PublishedText,
    Reading,
)
from kb.recaps.recap import REQUIRED, split_sections
from kb.recaps.vocab import Vocabulary

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
    lead: bool = False  # the page's chrome, before the title in the text

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
    """The title (or None) and the parts of the body, headings decided. The parts that
    came before the title (the page's chrome) come first, marked ``lead``."""
    parts: list[Part] = []
    for block in _blocks(normalize(text)):
        for part in _segment(block):
            parts.extend(_shape_paragraph(part.lines) if part.kind == "para" else [part])
    title = None
    title_level = 0
    at = _title_index(parts)
    if at is not None:
        first = parts.pop(at)
        title, title_level = _strip_bold(first.lines[0]), first.level
        for lead in parts[:at]:
            lead.lead = True
    _promote_headings(parts, titled=title is not None)
    _rank_headings(parts, title_level)
    return title, parts


LEAD_MAX = 6  # the title is among the first parts, or there is none
SECTION_WORDS = 4  # "Les Ateliers du Changement": a site's section, above a date line
_CHROME = re.compile(
    r"^(?:publié|posté|mis en ligne|mise en ligne|mis à jour|mise à jour|partager|share"
    r"|imprimer|save the date|à vos agendas|inscriptions?)\b|→|jusqu['’]"
    # a section banner of the basins' sites, alone on its line
    r"|^(?:actualités?|news|nouvelles|à la une|agenda|publications?|accueil|blog|presse"
    r"|communiqués?(?: de presse)?|événements?|nos actualités|dernières nouvelles)$",
    re.I,
)
_DATE_LINE = re.compile(
    r"^(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
    r"[0-3]?\d(?:er)?\s+[^\W\d_]{3,9}\.?(?:\s+\d{4})?$|^[0-3]?\d[/.][01]?\d[/.]\d{2,4}$",
    re.I,
)


def _chrome(part: Part) -> bool:
    """A part of the page around the recap: a date or publication line, share links, a
    banner that links elsewhere, an announcement."""
    if part.kind != "para" or len(part.lines) != 1:
        return False
    line = part.lines[0].strip("*_ ")
    return bool(_CHROME.search(line) or _DATE_LINE.match(line))


def _title_index(parts: list[Part]) -> int | None:
    """Where the title is: the first part that reads as one, past the page's chrome; a
    short line followed by chrome then a fuller title is the site's section name."""
    found: int | None = None
    section = False
    for i, part in enumerate(parts[:LEAD_MAX]):
        if _chrome(part):
            section = found is not None  # "Actualités", then "18 Mar": a section name
            continue
        if not _title_like(part):
            break
        if found is not None and not section and not _banner_above(parts, found, i):
            break
        found = i
        text = part.lines[0]
        if part.kind == "heading" or len(text.split()) > SECTION_WORDS or _DIGIT.search(text):
            break
        section = False
    return found


_DIGIT = re.compile(r"\d")


def _banner_above(parts: list[Part], found: int, i: int) -> bool:
    """A short line right above a longer title that a date line follows ("Les Ateliers",
    then "Retour sur …", then "09 Juil"): the short line is the site's section."""
    after = parts[i + 1] if i + 1 < len(parts) else None
    longer = len(parts[i].lines[0].split()) > len(parts[found].lines[0].split())
    return i == found + 1 and longer and after is not None and _chrome(after)


def _strip_bold(text: str) -> str:
    return text[2:-2].strip() if _BOLD_LINE.match(text) and text.endswith(text[:2]) else text


# Lines of the web page, not of the recap: never a heading.
_PAGE_LINE = re.compile(
    r"^(?:partager|share|imprimer|publié|posté|mis en ligne|mise en ligne|mis à jour"
    r"|mise à jour)\b|→",
    re.I,
)
_SUBTITLE = re.compile(r"^\W*bassin(?:\s+[\w-]+){1,2}\W*$", re.I)


def _promote_headings(parts: list[Part], *, titled: bool = False) -> None:
    """Turn the short lines that introduce a group of paragraphs or bullets into headings.
    Right under the title, "Bassin Sud-Est" above a paragraph is a subtitle."""
    first = next((i for i, p in enumerate(parts) if not p.lead), None)
    candidates = [
        i
        for i, p in enumerate(parts)
        if p.kind == "para"
        and not p.lead
        and len(p.lines) == 1
        and _heading_like(p.lines[0], colon=True)
        and not _PAGE_LINE.search(p.lines[0])
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
        subtitle = titled and run == [first] and _SUBTITLE.match(parts[run[0]].lines[0])
        if subtitle and parts[after].kind == "para":
            continue
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


@dataclass
class Draft:
    """What the importer made of a text: frontmatter fields, Markdown body, and for each
    field it could not fill, why (``missing``: field -> reason, as shown, or
    :data:`NOT_STATED`, which is compared and translated where it is shown).

    ``readings`` keeps each field as read, with how sure kb is and the words it came from
    (kb.recaps.reading); ``fields`` holds only what may be written: values found,
    inferred or given. ``kind`` says what the text looks like (a workshop recap, or not).
    """

    fields: dict[str, Any]
    body: str
    title: str | None
    missing: dict[str, str] = field(default_factory=dict)
    readings: dict[str, Reading] = field(default_factory=dict)
    kind: Kind = A_WORKSHOP
    kind_given: bool = False  # the person said what the text is (--kind)

    @property
    def headings(self) -> list[str]:
        return [s.heading for s in split_sections(self.body)[1] if s.heading]

    @property
    def workshop(self) -> bool:
        return self.kind.name == WORKSHOP

    @property
    def accepted(self) -> bool:
        """Whether it may be written as what it is: a workshop recap, or a text of the
        kind the person gave."""
        return self.workshop or self.kind_given

    def unsure(self) -> list[str]:
        """The required fields (date, basin) kb cannot write as read: only guessed, or
        not in the text."""
        return [key for key in REQUIRED if key not in self.fields]

    def inferred(self) -> list[tuple[str, Reading]]:
        """The fields written from an inference, each with its note (to be said)."""
        return [
            (key, r)
            for key, r in self.readings.items()
            if r.confidence == INFERRED and key in self.fields
        ]

    def set(self, key: str, value: Any) -> None:
        """A value the person gave (an option, an answer): written as given."""
        self.fields[key] = value
        self.readings[key] = Reading(value, GIVEN)
        self.missing.pop(key, None)


# The reason of a field the text does not state: compared as it is, shown as _(NOT_STATED).
NOT_STATED = N_("not stated")

_SOURCE = re.compile(r"\A\s*source\s*:\s*(\S[^\n]*?)\s*(?:\n|\Z)", re.I)


def split_source(text: str) -> tuple[str | None, str]:
    """A first line ``source: URL`` (``Source : URL``): the URL, and the text without it."""
    text = normalize(text)
    m = _SOURCE.match(text)
    if m is None:
        return None, text
    return m.group(1), text[m.end() :]


def convert(
    text: str,
    vocab: Vocabulary,
    *,
    date: str | None = None,
    kind: str | None = None,
    source: str | None = None,
    published: str | None = None,
) -> Draft:
    """Turn a published recap into frontmatter fields and a Markdown body. ``date``, when
    known, is the workshop's date (a year-less "5 juin" is read as the next one after).
    ``kind``, when the person says what the text is (kb.recaps.recap.KINDS): read as
    that. ``source`` and ``published``: the page's address and publication date, when
    known from elsewhere than the text (a web page's metadata)."""
    first_line, text = split_source(text)
    source = source or first_line
    title, parts = structure(text)
    body = render_body(title, parts)
    actions = detect_actions(vocab, split_sections(body)[1])
    lead = [p.text for p in parts if p.lead]
    rest = [p.text for p in parts if not p.lead]
    paras = (*lead, *([title] if title else []), *rest)
    page = PublishedText(title, paras, len(lead) if title else None)
    found, readings = read_facts(
        page, vocab, date=date, actions=actions, source=source, kind=kind, published=published
    )
    if found.name != WORKSHOP and title:
        # A concertation belongs to the action its title names ("Concertation thématique
        # « Liaison hôpital-ambulatoire »"): first among its actions.
        named = [a.slug for a in vocab.actions if named_in_heading(a, title)]
        actions = list(dict.fromkeys([*named, *actions]))
    if source:
        readings["source"] = Reading(source, FOUND, f"source: {source}")
    if published:
        readings["published"] = Reading(published, FOUND)
    fields: dict[str, Any] = {}
    missing: dict[str, str] = {}
    if kind is not None and kind != WORKSHOP:
        fields["kind"] = kind
    for key in (*READ_FIELDS, "source", "published"):
        reading = readings.get(key, Reading())
        if reading.sure:
            fields[key] = reading.value
        elif key in REQUIRED:
            missing[key] = _why_missing(key, reading)
        elif key not in ("source", "published") and (found.name == WORKSHOP or key in _ANY_KIND):
            missing[key] = NOT_STATED
    fields["actions"] = actions
    fields["tags"] = []
    return Draft(fields, body, title, missing, readings, found, kind is not None)


# The fields a text of any kind may state (edition, participants and the next meeting are
# a workshop's).
_ANY_KIND = ("team", "support_group")


def _why_missing(key: str, reading: Reading) -> str:
    if reading.confidence == GUESSED:
        value = day(reading.value) if key == "date" else reading.value
        return _("only guessed: {value}, {why}").format(value=value, why=reading.note)
    if reading.note:
        return reading.note
    return NOT_STATED
