"""Which date of a published text is its workshop's, and how sure kb is of it.

Each date of the text is read in its sentence, and is one of three things:

- **another event's** when the words before it say so: a publication ("Publié le"), a
  deadline ("jusqu'au", "inscriptions"), an event to come ("prochain", "aura lieu",
  "Save the date", "Rendez-vous le"), one past ("lors de", "dernier"); a date on the line
  under "Save the date"; the dates of the "Articles similaires" list; a span of days
  ("du 3 au 7 novembre") that no workshop cue leads to. Never the workshop's date, never
  proposed for it.
- **the workshop's** when the title holds it or a workshop cue leads to it: "Atelier du
  Changement du …", "l'atelier du …", "s'est tenu le …", "organisée le …", "… s'est tenu",
  "…, le 4e Atelier", "Le 5e Atelier …, le …". Found when the date has its year (or the
  title states this workshop's year, "l'ADC de juin 2024"); inferred when the year is
  taken from another date of the text, and the note says which.
- **loose**, tied to nothing: kb can only guess ("Mardi 25 mars 2025" alone on a line).

A text of another kind (a concertation, a colloquium…) has no workshop date; its own date
(in its title, or the date its first paragraph opens with) is only a candidate, for when
the person imports it anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.i18n import N_, _, day
from kb.recaps.dates import MONTHS, WEEKDAYS, DateMatch, day_problem, find_dates
from kb.recaps.reading import (
    FOUND,
    GUESSED,
    INFERRED,
    NONE,
    WORKSHOP,
    Candidate,
    Kind,
    PublishedText,
    Reading,
    folded,
)
from kb.text.fold import fold

_WEEKDAY = rf"(?:(?:{'|'.join(WEEKDAYS)})\s+)?"

# What a mention is (Mention.role), and when another event is, next to the workshop.
TIED = "tied"  # to the workshop
OTHER = "other"
LOOSE = "loose"
LATER = "later"  # the other event comes after the workshop (a publication, a next meeting)
EARLIER = "earlier"

# The words before a date that make it another event's (folded text: no accents), what
# the date is then (shown), and when the event is.
_OTHER_EVENT = (
    (
        re.compile(r"\b(?:publie|poste|paru|mise? en ligne|mise? a jour)"),
        PUBLICATION := N_("a publication date"),
        LATER,
    ),
    (
        re.compile(r"\bjusqu|\bavant le\b|\bau plus tard\b|\bdate limite\b|\binscri"),
        N_("a deadline"),
        LATER,
    ),
    (
        re.compile(
            r"\bprochaine?s?\b|\baur(?:a|ont) lieu\b|\bse tiendr|\bse reunir|\bsave the date\b"
            r"|\ba vos agendas\b|\brendez.vous\b(?! de la)|\bagenda\b|\binvitation\b|\ba venir\b"
        ),
        N_("an event to come"),
        LATER,
    ),
    (re.compile(r"\blors d|\bdernier|\bprecedent|\bdepuis\b"), N_("an earlier event"), EARLIER),
)
# A short paragraph that announces what comes ("Save the date", "Agenda"), the date on
# the line below it.
_ANNOUNCES = re.compile(
    r"^[\W_]*(?:save the date|a vos agendas|agenda|rendez.vous|prochaine?s? "
    r"(?:atelier|adc|rencontre|seance|reunion|edition))\b"
)
_DATE_FIRST = re.compile(rf"^[\W_]*(?:le\s+|ce\s+)?{_WEEKDAY}$")
# "Articles similaires": what follows lists other pages, with their dates.
_TRAILER = re.compile(
    r"^[\W_]*(?:articles? similaires|a lire aussi|lire aussi|voir aussi|sur le meme sujet"
    r"|dans la meme rubrique|autres articles)\b"
)

# The words around a date that tie it to the workshop (folded text): "Atelier du
# Changement du …", "l'atelier du …"; "s'est tenu le …", "organisée le …"; "Le 5e
# Atelier …, le …"; "… s'est tenu"; "…, le 4e Atelier".
_CUES_BEFORE = (
    re.compile(rf"\b(?:atelier(?: du changement)?|adc)\s+du\s+{_WEEKDAY}$"),
    re.compile(rf"\b(?:tenue?s?|deroulee?s?|organisee?s?|eu lieu)\s+(?:le|ce)\s+{_WEEKDAY}$"),
    re.compile(rf"\b(?:atelier|adc)\b[^.;:!?]{{0,80}},\s*(?:le\s+)?{_WEEKDAY}$"),
)
_CUES_AFTER = (
    re.compile(r"^\s*,?\s*s.est\s+(?:tenue?|deroulee?)\b"),
    re.compile(r"^\s*,\s*(?:le|l.|ce|cet|notre)\s*(?:[\w.-]+\s+){0,2}(?:atelier|adc)\b"),
)
CUE_WORDS = 60  # how much of a long cue ("Le 5e Atelier …, le") is quoted
# The last event named before a date says whose it is: "cette rencontre, organisée le"
# is the workshop's, "le GT, organisé le" is not.
_EVENT = re.compile(
    r"\b(?:(?P<workshop>atelier|adc|rencontre|seance|reunion)"
    r"|gt|groupe de travail|concertations?|colloques?|formations?|modules?"
    r"|communautes? de pratiques|cab|conseil de l.action|lunchs?|portes ouvertes|editions?"
    r"|webinaires?|seminaires?|journees?)\b"
)
# The words that lead to a date, kept in the phrase kb quotes ("du 3 au 7 novembre 2025").
_LEAD = re.compile(
    r"(?:(?:publie|poste|paru|organisee?s?|(?:s.est\s+)?(?:tenue?s?|deroulee?s?))\s+)?"
    rf"(?:(?:du|le|les|ce|cet|au|des)\s+)?{_WEEKDAY}$"
)
_ALONE = re.compile(rf"[\W_]*{_WEEKDAY}[\W_]*")
# "Lors de l'Atelier du Changement organisé le 1er février dernier": the workshop the
# text is about, recalled, not an earlier one ("lors du 3e atelier" is).
_RECALLED = re.compile(
    r"\blors d(?:e l.|u )\s*(?:atelier(?: du changement)?|adc)\b[^.;:!?\d]{0,60}?"
    rf"\b(?:organisee?|tenue?|deroulee?)\s+(?:le|ce)\s+{_WEEKDAY}$"
)
# The line under the title that is a date and nothing else, without a weekday ("10.03.2025",
# "13 février 2024", "09 Juil"): when the page was published, as the sites write it.
_PUBLICATION_LINE = re.compile(r"^[\W_]*(?:(?:publie|poste|mis en ligne)\w*\s+(?:le\s+)?)?$")
_TITLE_YEAR = re.compile(r"(?:\b([^\W\d_]{3,9})\.?\s+)?\b((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Mention:
    """A date of the text: where, the words quoted for it, and what it is."""

    para: int
    date: DateMatch
    phrase: str
    role: str
    why: str = ""
    relation: str = ""  # for another event: LATER or EARLIER than the workshop
    alone: bool = False  # the date is all its line says ("Mardi 25 mars 2025")
    listed: bool = False  # in the list of other articles ("Articles similaires")


def mentions(text: PublishedText) -> list[Mention]:
    """Every date of the text, each with its role."""
    trailer = next((i for i, p in enumerate(text.folded) if _TRAILER.match(p)), None)
    out = []
    for i, para in enumerate(text.paras):
        listed = trailer is not None and i >= trailer
        for d in find_dates(para):
            role, why, relation = _role(text, i, d, listed)
            line = folded(text.line(i, d.start, d.end)).replace(folded(d.raw), " ", 1)
            alone = bool(_ALONE.fullmatch(line))
            out.append(Mention(i, d, _phrase(text, i, d), role, why, relation, alone, listed))
    return out


def _phrase(text: PublishedText, i: int, d: DateMatch) -> str:
    line_start = text.folded[i].rfind("\n", 0, d.start) + 1
    lead = _LEAD.search(text.folded[i], line_start, d.start)
    start = lead.start() if lead else d.start
    return text.paras[i][start : d.end].strip()


def _role(text: PublishedText, i: int, d: DateMatch, listed: bool) -> tuple[str, str, str]:
    """What a date is (role), why (shown), and when its event is (relation)."""
    before = text.sentence(i, d.start, d.end)[0]
    if listed:
        return OTHER, _("in the list of other articles"), ""
    if _publication_line(text, i, d):
        return OTHER, _(PUBLICATION), LATER
    recalled = _RECALLED.search(before)
    if recalled:
        words = text.paras[i][recalled.start() : d.start].strip()
        return TIED, _("tied to the workshop by {cue!r}").format(cue=words), ""
    for pattern, why, relation in _OTHER_EVENT:
        if pattern.search(before):
            return OTHER, _(why), relation
    if _announced(text, i, d):
        return OTHER, _("announced as the next meeting"), LATER
    if i == text.title_at:
        return TIED, _("in the title"), ""
    cue = _cue(text, i, d)
    if cue:
        return TIED, _("tied to the workshop by {cue!r}").format(cue=cue), ""
    if d.span:
        return OTHER, _("a span of days"), ""
    return LOOSE, "", ""


_PAGE_CHROME = re.compile(
    rf"^[\W_]*(?:partager|share|imprimer)\b|^[\W_]*{_WEEKDAY}[0-3]?\d(?:er)?[\s/.]+\w{{3,9}}\.?"
    r"(?:[\s/.]+\d{2,4})?[\W_]*$"
)


def _publication_line(text: PublishedText, i: int, d: DateMatch) -> bool:
    """A paragraph right under the title that is this date alone (no weekday): the page's
    publication line."""
    if text.title_at is None or i != text.title_at + 1:
        return False
    para = text.folded[i]
    rest = para[: d.start] + para[d.end :]
    return "\n" not in para.strip() and bool(_PUBLICATION_LINE.fullmatch(rest.strip()))


def _announced(text: PublishedText, i: int, d: DateMatch) -> bool:
    """A date that opens the paragraph under "Save the date" (or "Prochain atelier")."""
    if i == 0 or not _DATE_FIRST.match(text.folded[i][: d.start]):
        return False
    above = text.folded[i - 1]
    return len(above) <= 60 and bool(_ANNOUNCES.match(above))


def _cue(text: PublishedText, i: int, d: DateMatch) -> str | None:
    """The words of a workshop cue next to the date, as written, or None."""
    begin, stop = text.bounds(i, d.start, d.end)
    before, after = text.folded[i][begin : d.start], text.folded[i][d.end : stop]
    para = text.paras[i]
    for pattern in _CUES_BEFORE:
        m = pattern.search(before)
        if m and _events_own(before):
            words = para[begin + m.start() : d.start].strip()
            if len(words) > CUE_WORDS:  # the end of a long cue, from a word's start
                words = "… " + words[-CUE_WORDS:].split(" ", 1)[-1]
            return words
    for pattern in _CUES_AFTER:
        m = pattern.search(after)
        if m:
            return para[d.end : d.end + m.end()].strip(" ,")
    return None


def _events_own(before: str) -> bool:
    """Whether the last event the sentence names before the date is a workshop."""
    events = list(_EVENT.finditer(before))
    return not events or events[-1].group("workshop") is not None


# -- the workshop's date --------------------------------------------------------------------


def _published(day: str | None) -> list[Mention]:
    """The page's publication date from its markup (a web page's metadata), as another
    event's date: a workshop comes before it."""
    if not day:
        return []
    y, m, d = (int(part) for part in day.split("-"))
    match = DateMatch(0, 0, day, y, m, d)
    return [Mention(-1, match, day, OTHER, _(PUBLICATION), LATER)]


def read_date(text: PublishedText, kind: Kind, published: str | None = None) -> Reading:
    """The workshop's date, with how sure kb is, and the candidates to propose.
    ``published``: the page's publication date, when its markup gives it."""
    found = mentions(text) + _published(published)
    if kind.name != WORKSHOP:
        own = _own_date(text, found, kind)
        return Reading(
            note=_("this looks like {kind}").format(kind=kind.looks_like), candidates=own
        )
    tied = [m for m in found if m.role == TIED]
    if tied:
        return _tied_date(text, tied, found)
    return _loose_date(found)


def _tied_date(text: PublishedText, tied: list[Mention], found: list[Mention]) -> Reading:
    in_title = [m for m in tied if m.para == text.title_at]
    options: list[tuple[Candidate, str, str | None]] = []
    problems = []
    for m in in_title or tied:
        year, confidence, note = _year(text, m, found)
        if year is None:
            problems.append(note or "")
            continue
        problem = day_problem(year, m.date.month, m.date.day)
        if problem:
            problems.append(
                _("the text says {date!r}, not a real day ({problem})").format(
                    date=m.date.raw, problem=problem
                )
            )
            continue
        value = m.date.on(year).isoformat()
        options.append((Candidate(value, m.phrase, m.why), confidence, note))
    if not options:
        return Reading(note=problems[0])
    if not in_title:
        options = _agreeing(text, options)
    values = list(dict.fromkeys(c.value for c, _how, _note in options))
    candidates = tuple(next(c for c, _how, _note in options if c.value == v) for v in values)
    if len(values) > 1:
        note = _("the text ties several dates to the workshop: {dates}")
        dates = ", ".join(day(v) for v in values)
        return Reading(
            values[0], GUESSED, candidates[0].phrase, note.format(dates=dates), candidates
        )
    best = min(options, key=lambda o: o[1] != FOUND)
    return Reading(values[0], best[1], best[0].phrase, best[2], candidates)


def _agreeing(
    text: PublishedText, options: list[tuple[Candidate, str, str | None]]
) -> list[tuple[Candidate, str, str | None]]:
    """The options that agree with the title's month and year ("de février 2025"), when
    some do."""
    stated = _title_year(text.title)
    if stated is None:
        return options
    month, year, _ = stated
    agree = [
        o
        for o in options
        if o[0].value[:4] == str(year) and (month is None or int(o[0].value[5:7]) == month)
    ]
    return agree or options


def _title_year(title: str | None) -> tuple[int | None, int, str] | None:
    """The year the title states for this workshop ("de juin 2024"), with its month."""
    for m in _TITLE_YEAR.finditer(title or ""):
        month = MONTHS.get(fold(m.group(1) or ""))
        if any(d.start <= m.start(2) < d.end for d in find_dates(title or "")):
            continue  # a full date's year: that date is read as one
        return month, int(m.group(2)), m.group(0)
    return None


def _year(
    text: PublishedText, m: Mention, found: list[Mention]
) -> tuple[int | None, str, str | None]:
    """The year of a date tied to the workshop: its own, the title's, or another date's of
    the text (inferred, the note says which); None when the text gives none."""
    if m.date.year is not None:
        return m.date.year, FOUND, None
    stated = _title_year(text.title)
    if stated is not None and stated[0] in (None, m.date.month):
        return stated[1], FOUND, None
    others = [r for r in found if r.date.year is not None and not r.listed]
    if not others:
        note = _("{phrase!r} gives no year, and no other date of the text does")
        return None, NONE, note.format(phrase=m.phrase)
    others.sort(key=lambda r: (abs(r.para - m.para), abs(r.date.start - m.date.start)))
    published = [r for r in others if r.why == _(PUBLICATION)]
    if published:  # "le 1er février dernier", in a page published on 10.03.2025
        year = _year_beside(published[0], m)
        note = _('the year is taken from the publication date "{phrase}"')
        return year, INFERRED, note.format(phrase=published[0].phrase)
    years = {_year_beside(r, m) for r in others}
    year = _year_beside(others[0], m)
    if len(years) > 1:
        note = _('the year is taken from "{phrase}", but the text\'s dates are of several years')
        return year, GUESSED, note.format(phrase=others[0].phrase)
    return year, INFERRED, _('the year is taken from "{phrase}"').format(phrase=others[0].phrase)


def _year_beside(other: Mention, m: Mention) -> int:
    """The year of ``m`` (day and month) next to another event's full date: before an event
    to come or a publication, after an earlier event, else the same year."""
    assert other.date.year is not None
    year = other.date.year
    day, beside = (m.date.month, m.date.day), (other.date.month, other.date.day)
    if other.relation == LATER and day > beside:
        return year - 1
    if other.relation == EARLIER and day < beside:
        return year + 1
    return year


def _loose_date(found: list[Mention]) -> Reading:
    loose = [m for m in found if m.role == LOOSE and m.date.year is not None and m.date.valid]
    if not loose:
        others = [f'"{m.phrase}" ({m.why})' for m in found if m.role == OTHER]
        if not others:
            return Reading(
                note=_(
                    "nothing ties a date to the workshop, as "
                    '"l\'Atelier du Changement du 20 février" would'
                )
            )
        note = _(
            "nothing ties a date to the workshop, as "
            '"l\'Atelier du Changement du 20 février" would; the other dates of the text: {dates}'
        )
        return Reading(note=note.format(dates=", ".join(others)))
    only = len(found) == 1
    candidates = []
    for m in loose:
        assert m.date.year is not None
        if m.alone and only:
            why = _("a date alone on its line, the only date in the text")
        elif m.alone:
            why = _("a date alone on its line")
        elif only:
            why = _("a date tied to no workshop cue, the only date in the text")
        else:
            why = _("a date tied to no workshop cue")
        candidates.append(Candidate(m.date.on(m.date.year).isoformat(), m.phrase, why))
    first = candidates[0]
    return Reading(first.value, GUESSED, first.phrase, first.why, tuple(candidates))


# Why a date is a text's own, by kind (kb.recaps.facts; a newsletter has none): in its
# title, or the words its text opens with.
_OWN_DATE = {
    "concertation": (
        N_("the concertation's own date, in the title"),
        N_("the concertation's own date, the first words of the text"),
    ),
    "report": (
        N_("the report's own date, in the title"),
        N_("the report's own date, the first words of the text"),
    ),
    "colloquium": (
        N_("the colloquium's own date, in the title"),
        N_("the colloquium's own date, the first words of the text"),
    ),
}


_OWN_DATE_ANY = (
    N_("the text's own date, in the title"),
    N_("the text's own date, the first words of the text"),
)
# A news item or a press article is dated by its publication.
_DATED_BY_PUBLICATION = ("news", "press")


def _own_date(text: PublishedText, found: list[Mention], kind: Kind) -> tuple[Candidate, ...]:
    """A text of another kind: its own date (in its title, or the date its first
    paragraph opens with; for a news item or a press article, its publication date)."""
    if kind.name == "newsletter" or text.title_at is None:
        return ()
    # The text opens after the title, past a publication line and share links.
    after = range(text.title_at + 1, len(text.paras))
    opening = [i for i in after if not _PAGE_CHROME.match(text.folded[i])][:2]
    whys = _OWN_DATE.get(kind.name, _OWN_DATE_ANY)
    for m in found:
        if m.date.year is None or not m.date.valid or m.role == OTHER:
            continue
        if m.para == text.title_at:
            why = whys[0]
        elif m.para in opening and _DATE_FIRST.match(text.folded[m.para][: m.date.start]):
            why = whys[1]
        else:
            continue
        return (Candidate(m.date.on(m.date.year).isoformat(), m.phrase, _(why)),)
    if kind.name in _DATED_BY_PUBLICATION:
        for m in found:
            if m.date.year is not None and m.date.valid and m.why == _(PUBLICATION):
                day = m.date.on(m.date.year).isoformat()
                return (Candidate(day, m.phrase, _("its publication date")),)
    return ()


def own_date(text: PublishedText, kind: Kind, published: str | None = None) -> Reading:
    """The date of a text the person says is of another kind: its own (found), else none."""
    own = _own_date(text, mentions(text) + _published(published), kind)
    if not own:
        return Reading(note=_("no date of its own in the title or its first words"))
    return Reading(own[0].value, FOUND, own[0].phrase, None, own)
