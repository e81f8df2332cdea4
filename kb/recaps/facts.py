"""The fields a published text states: date, basin, edition, participants, team, support
group, next meeting and its place. Plain functions over the text's title and paragraphs;
what the text does not say is reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kb.recaps.dates import DateMatch, day_problem, find_dates
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
_TIME = re.compile(r"(?<![\w:])([01]?\d|2[0-3])\s*(?:h|heures?|:)\s*([0-5]\d)?(?!\w)", re.I)
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
    problem = day_problem(first.year, first.month, first.day)
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
