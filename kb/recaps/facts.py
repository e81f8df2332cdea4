"""What a published text says about its workshop: its kind, date, basin, edition,
participants, team, support group and next meeting, each as a :class:`Reading` with how
sure kb is (kb.recaps.reading). Plain functions over a :class:`PublishedText`; which date
is the workshop's is kb.recaps.workshop_date's.

A number or a name is taken only from the sentence that states it for this workshop:
"Le 7e Atelier" is the edition, "premier atelier du GT" is not; "a réuni 37
participant·es" is the attendance, "8 professionnel·les ont rejoint le GT" is not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from kb.i18n import N_, _
from kb.recaps.dates import DateMatch, find_dates
from kb.recaps.reading import (
    A_WORKSHOP,
    FOUND,
    GIVEN,
    GUESSED,
    INFERRED,
    WORKSHOP,
    Candidate,
    Kind,
    PublishedText,
    Reading,
    folded,
)
from kb.recaps.vocab import Vocabulary
from kb.recaps.workshop_date import own_date, read_date
from kb.text.fold import fold

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


def read_facts(
    text: PublishedText,
    vocab: Vocabulary,
    *,
    date: str | None = None,
    actions: Sequence[str] = (),
    source: str | None = None,
    kind: str | None = None,
    published: str | None = None,
) -> tuple[Kind, dict[str, Reading]]:
    """What the text is, and each field it states, with how sure kb is. ``date``, when
    known, is the workshop's (a year-less next meeting is read after it); ``actions``
    are those the recap talks about (an action of one basin hints at the basin);
    ``source`` is the page's address. ``kind``, when the person says what the text is,
    is read as that: a text of another kind is dated by its own date. ``published``:
    the page's publication date from its markup (never the workshop's)."""
    found = read_kind(text, vocab, source)
    if kind is not None and kind != found.name:
        found = Kind(kind, "", "")
    workshop = found.name == WORKSHOP
    if date:
        day = Reading(date, GIVEN)
    elif kind is not None and not workshop:
        day = own_date(text, found, published)
    else:
        day = read_date(text, found, published)
    readings = {"date": day, "basin": read_basin(text, vocab, found, actions)}
    kind_ = found
    if workshop:
        readings["edition"] = read_edition(text)
        readings["participants"] = read_participants(text)
    for key, pattern, split in (("team", _TEAM, _team), ("support_group", _SUPPORT, _members)):
        for para in text.paras:
            m = pattern.search(para)
            if m and split(m.group("names")):
                readings[key] = Reading(split(m.group("names")), FOUND, m.group(0).strip())
                break
    if workshop:
        readings.update(read_next_meeting(text, readings["date"].value))
    return kind_, readings


# -- kind -------------------------------------------------------------------------------

# Each kind its title can name: its name (compared), the words of a title that say so,
# what it looks like (shown: "This looks like a concertation report"). The first named
# in the title wins ("Atelier du Changement : la concertation …" is a workshop's).
# kb.recaps.workshop_date names the date of each kind but a newsletter (_OWN_DATE).
_KINDS = (
    (WORKSHOP, re.compile(r"\batelier|\badc\b"), ""),
    ("concertation", re.compile(r"\bconcertation"), N_("a concertation report")),
    (
        "report",
        re.compile(r"\brapports? d.activites?|\brapport annuel|\bbilan annuel"),
        N_("an activity report"),
    ),
    (
        "colloquium",
        re.compile(r"\bcolloque|\bjournee d.etude|\bseminaire|\bconference\b"),
        N_("a colloquium recap"),
    ),
    (
        "newsletter",
        re.compile(r"\bnewsletter|\blettre d.information|\binfolettre"),
        N_("a newsletter index"),
    ),
    (
        "presentation",
        # the whole title: "Présentation des résultats de l'atelier" is a workshop's
        re.compile(
            r"^\W*(?:presentation(?: du bassin| des bassins)?|qui sommes.nous|a propos"
            r"|(?:nos|les|les \w+) bassins(?: \w+){0,3}|le bassin(?: [\w-]+){0,2})\W*$"
        ),
        N_("a presentation page"),
    ),
)
LOOKS_LIKE = {name: label for name, _p, label in _KINDS if label}
LOOKS_LIKE["news"] = N_("a news item")
LOOKS_LIKE["press"] = N_("a press article")
# The press: a page of a news medium (its address), or a text that says where it
# appeared ("Article paru dans Le Soir", "© La Libre", "Par Anne Dupont, journaliste").
_MEDIA = re.compile(
    r"(?:^|\.)(?:lesoir|lalibre|dhnet|rtbf|bx1|bruzz|lavenir|sudinfo|7sur7|levif|alterechos"
    r"|lecho|moustique|rtl|vrt|hln|standaard|demorgen|knack|brusselstimes|metrotime)\.\w+$"
)
_MEDIA_NAMES = (
    r"(?:le soir|la libre(?: belgique)?|la dh|la derniere heure|rtbf|bx1|bruzz|l.avenir"
    r"|sudinfo|le vif|alter echos|l.echo|moustique|rtl|brussels times|metro)\b"
)
# (folded lines) "Article paru dans …", "Publié dans Le Soir", "© La Libre", "Par …,
# journaliste": a site's own footer ("© 2025 Bassin Nord") is not one.
_PRESS_LINE = re.compile(
    rf"^\W*(?:article )?paru dans \S|^\W*(?:article )?publie dans {_MEDIA_NAMES}"
    rf"|^\W*©\s*(?:\d{{4}}\s*)?{_MEDIA_NAMES}|,\s*journaliste\b"
)
_ADC = re.compile(r"\batelier du changement\b|\badc\b")
PRESENTED_BASINS = 3  # a text that names this many basins presents them


def read_kind(
    text: PublishedText, vocab: Vocabulary | None = None, source: str | None = None
) -> Kind:
    """What the text is: what its title names (the first kind it names); else what its
    body shows: a page of a news medium (a press article), the basins one after the other
    (a presentation page), a list of articles (a newsletter); a text that never names an
    Atelier du Changement is a news item; else a workshop recap."""
    title = folded(text.title or "")
    named = [(m.start(), name, label) for name, p, label in _KINDS if (m := p.search(title))]
    if named:
        _start, name, label = min(named)
        looks_like = _(label) if label else ""  # _("") would be the catalogue's header
        return Kind(name, looks_like, _('the title says "{title}"').format(title=text.title))
    press = _press(text, source)
    if press:
        return Kind("press", _(LOOKS_LIKE["press"]), press)
    if vocab is not None:
        basins = _basins_named(text.full, vocab)
        if len(basins) >= PRESENTED_BASINS:
            names = ", ".join(vocab.basin_name(slug) for slug in basins)
            why = _("it names the basins one after the other ({basins})").format(basins=names)
            return Kind("presentation", _(LOOKS_LIKE["presentation"]), why)
    if sum(p.count("lire la suite") for p in text.folded) >= 2:
        return Kind("newsletter", _("a newsletter index"), _("it lists articles ('Lire la suite')"))
    if text.title is not None and not any(_ADC.search(p) for p in text.folded):
        why = _('the title says "{title}", and the text never names an Atelier du Changement')
        return Kind("news", _(LOOKS_LIKE["news"]), why.format(title=text.title))
    return A_WORKSHOP


def _press(text: PublishedText, source: str | None) -> str | None:
    """Why the text is a press article (shown), or None."""
    if source:
        from urllib.parse import urlsplit

        host = (urlsplit(source).hostname or "").removeprefix("www.")
        if _MEDIA.search(host):
            return _("its address is a news medium's ({host})").format(host=host)
    for para in text.paras:
        for line in para.split("\n"):
            if _PRESS_LINE.search(folded(line.strip())):
                return _('it says where it appeared: "{line}"').format(line=line.strip())
    return None


# -- basin ------------------------------------------------------------------------------


def read_basin(
    text: PublishedText, vocab: Vocabulary, kind: Kind, actions: Sequence[str]
) -> Reading:
    """The basin the text names ("Bassin Sud-Est", "L'équipe bassin Nord"): found. Else
    the places (communes of kb.yml) and the actions of a single basin it names: inferred
    when they all belong to one basin, guessed when to several."""
    if kind.name == "newsletter":
        return Reading(note=_("a newsletter index names the basins of its articles"))
    several = _basins_named(text.full, vocab)
    if len(several) >= PRESENTED_BASINS:
        names = ", ".join(vocab.basin_name(slug) for slug in several)
        return Reading(note=_("it names several basins in turn ({basins})").format(basins=names))
    named = _named_basin(text.full, vocab)
    if named:
        slug, words = named
        return Reading(
            slug, FOUND, words, candidates=(Candidate(slug, words, _("named in the text")),)
        )
    hints = _place_hints(text.full, vocab)
    for slug in actions:
        action = vocab.action(slug)
        if action is not None and len(action.basins) == 1:
            hints.setdefault(action.basins[0], []).append(action.name)
    if not hints:
        return Reading(note=_("no 'Bassin <name>' naming a known basin"))
    ranked = sorted(hints, key=lambda slug: -len(hints[slug]))  # stable: first named first
    why = _("named in the text")
    candidates = tuple(Candidate(s, ", ".join(hints[s]), why) for s in ranked)
    if len(ranked) == 1:
        names = ", ".join(hints[ranked[0]])
        note = _("no basin named; inferred from the places and actions it names ({names})")
        return Reading(ranked[0], INFERRED, names, note.format(names=names), candidates)
    of = "; ".join(f"{c.phrase} ({vocab.basin_name(c.value)})" for c in candidates)
    note = _("no basin named, and the places and actions it names are of several: {basins}")
    return Reading(ranked[0], GUESSED, candidates[0].phrase, note.format(basins=of), candidates)


def _basins_named(full: str, vocab: Vocabulary) -> list[str]:
    """Every basin named as "Bassin <name>", in the order first named."""
    text = folded(full)
    first: dict[str, int] = {}
    for basin in vocab.basins:
        for name in {basin.name, basin.slug}:
            m = re.search(_basin_pattern(name) + r"(?![\w-])", text)
            if m and m.start() < first.get(basin.slug, len(text) + 1):
                first[basin.slug] = m.start()
    return sorted(first, key=first.__getitem__)


def _basin_pattern(name: str) -> str:
    words = [re.escape(w) for w in fold(name).split("-") if w]
    return r"\bbassin\s+(?:du\s+|de\s+l'?\s*)?" + r"[\s\-‐–]+".join(words)


def _named_basin(full: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """The first basin named as "Bassin <name>" (any case, accents, hyphens): its slug and
    the words. "Les bassins Sud et Centre-Ouest" names two, so none."""
    text = folded(full)
    best: tuple[int, str, str] | None = None
    for basin in vocab.basins:
        for name in {basin.name, basin.slug}:
            words = [re.escape(w) for w in fold(name).split("-") if w]
            if not words:
                continue
            pattern = r"\bbassin\s+(?:du\s+|de\s+l'?\s*)?" + r"[\s\-‐–]+".join(words)
            m = re.search(pattern + r"(?![\w-])", text)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), basin.slug, full[m.start() : m.end()])
    return (best[1], best[2]) if best else None


# "Molenbeek-Saint-Jean" is written "Molenbeek", "Saint-Josse-ten-Noode" "Saint-Josse".
_SHORT_BEFORE = ("Saint", "Sainte", "ten")


def _place_names(vocab: Vocabulary) -> dict[str, tuple[str, frozenset[str]]]:
    """Each place name kb.yml gives (a commune, the places in its brackets, the short name
    people write: "Molenbeek", "Saint-Josse"), folded -> (the commune, its basins)."""
    places: dict[str, tuple[str, set[str]]] = {}
    for basin in vocab.basins:
        for commune in basin.communes:
            main, _, inner = commune.partition("(")
            main = main.strip()
            names = [(main, main)]
            names += [(n.strip(), n.strip()) for n in inner.rstrip(")").split(",") if n.strip()]
            parts = main.split("-")
            cut = next((i for i, p in enumerate(parts[1:], 1) if p in _SHORT_BEFORE), 0)
            if cut:
                names.append(("-".join(parts[:cut]), main))
            for name, shown in names:
                places.setdefault(fold(name), (shown, set()))[1].add(basin.slug)
    return {k: (shown, frozenset(b)) for k, (shown, b) in places.items()}


def _place_hints(full: str, vocab: Vocabulary) -> dict[str, list[str]]:
    """Basin -> the places of that basin alone the text names, in the order named."""
    text = fold(full)
    found: list[tuple[int, str, str]] = []
    for key, (shown, basins) in _place_names(vocab).items():
        if len(basins) != 1:
            continue  # "Bruxelles" is in Nord and in Centre-Ouest
        m = re.search(rf"(?:^|-){re.escape(key)}(?:-|$)", text)
        if m:
            found.append((m.start(), next(iter(basins)), shown))
    hints: dict[str, list[str]] = {}
    for _at, slug, shown in sorted(found):
        if shown not in hints.setdefault(slug, []):
            hints[slug].append(shown)
    return hints


# -- edition and participants -------------------------------------------------------------

_ORDINAL = (
    r"(?:(\d{1,3})\s*(?:e|è|ème|eme|ième|ieme|er|ère|re|ᵉ|ᵉʳ|\^\{?e\}?|\^\{?ème\}?"
    r"|<sup>e</sup>|<sup>ème</sup>)|([^\W\d_]+))"
)
_EDITION = re.compile(rf"(?<!\w){_ORDINAL}\s+(atelier|adc)\b", re.I)
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
# "Le 7e Atelier", "Ce sixième Atelier", "s'est tenu le 9e Atelier": the edition is the
# subject; "lors du 3e atelier", "issues du premier atelier" name another one.
_EDITION_BEFORE = re.compile(r"(?:^|\b(?:le|ce|cet|notre)\s+)$")
# "premier atelier du GT", "de l'après-midi": a bare "atelier" of something else.
_OTHER_ATELIER = re.compile(r"^\s+(?:du|de|des|d['’])\s*(?!\s|changement)")


def read_edition(text: PublishedText) -> Reading:
    """The workshop's edition: "Le 7ème Atelier", "Ce sixième Atelier du Changement"."""
    for i, para in enumerate(text.paras):
        for m in _EDITION.finditer(para):
            number = int(m.group(1)) if m.group(1) else _EDITION_WORDS.get(fold(m.group(2)))
            if not number:
                continue
            before, after = text.sentence(i, m.start(), m.end())
            if not _EDITION_BEFORE.search(before.rstrip() + (" " if before.strip() else "")):
                continue
            if m.group(3).lower() == "atelier" and _OTHER_ATELIER.match(after):
                continue
            return Reading(number, FOUND, m.group(0))
    return Reading()


_COUNT = re.compile(r"(?<![\w/.,])(\d{1,4})\s+(participant|professionnel)", re.I)
_ABOUT = re.compile(r"(?:pres de|environ|plus de|moins de|quelque|pas moins de|jusqu.a)\s*$")
_ATTENDED = re.compile(
    r"\b(?:a|ont) (?:reuni|rassemble|accueilli)\b|\bont pris part\b|\betaient present"
    r"|\bont participe\b|\bont repondu present|\bse sont (?:retrouve|reuni)"
)
_NOT_ATTENDANCE = re.compile(
    r"\bau total\b|\ben moyenne\b|\bpar atelier\b|\bl.atelier sur\b|\bont choisi\b"
    r"|\binscrit|\brejoint|\bmembres\b|\bgt\b|\bconcertation|\bcolloque"
)
ATTENDANCE_WORDS = 12  # "28 participant·es issu·es des secteurs social et santé du Bassin."


def read_participants(text: PublishedText) -> Reading:
    """The attendance: a line of its own ("45 participant·es issu·es de divers secteurs"),
    a sentence that says so ("a réuni 37 participant·es", "29 participant·es étaient
    présent·es"), or participant·es as the subject ("24 participant·es ont fait le point")."""
    for i, para in enumerate(text.paras):
        if para.lstrip().startswith(("-", "•", "›")):
            continue  # a list: "6 professionnel·les témoignent …"
        for m in _COUNT.finditer(para):
            before, after = text.sentence(i, m.start(), m.end())
            sentence = before + after
            if _ABOUT.search(before) or _NOT_ATTENDANCE.search(sentence):
                continue
            alone = not para[: m.start()].strip("* ") and len(para.split()) <= ATTENDANCE_WORDS
            subject = not before.strip("* ") and m.group(2).lower() == "participant"
            if alone or subject or _ATTENDED.search(sentence):
                return Reading(int(m.group(1)), FOUND, text.line(i, m.start(), m.end()).strip())
    return Reading()


# -- team and support group ---------------------------------------------------------------

_APOS = "['’]"
_TEAM = re.compile(
    rf"[ée]quipe(?:\s+(?:du\s+)?bassin\b[^\n:]*?)?\s+c{_APOS}est\b\s*(?:…|\.{{3}}|:)?\s*"
    r"(?P<names>[^\n]+)",
    re.I,
)
_SUPPORT = re.compile(
    rf"\b(?:ZO)?GAB\b\)?\s*,?\s*c{_APOS}est\b\s*(?:…|\.{{3}}|:)?\s*(?P<names>[^\n]+)"
)


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


# -- the next meeting ---------------------------------------------------------------------

_TIME = re.compile(r"(?<![\w:])([01]?\d|2[0-3])\s*(?:h|heures?|:)\s*([0-5]\d)?(?!\w)", re.I)
_STRONG_ANCHOR = re.compile(
    r"save\s+the\s+date|prochaine?s?\s+(?:atelier|adc|rencontre|séance|réunion)"
    r"|prochaine\s+édition\s+de\s+l['’]\s*(?:atelier|adc)|à\s+vos\s+agendas",
    re.I,
)
# "Rendez-vous le 10 juin", but not the action "Rendez-Vous de la Prévention"
_WEAK_ANCHOR = re.compile(r"rendez[-\s]vous(?!\s+de\s+la)", re.I)
# After the anchor, in its sentence: the meeting of something else, or a deadline
# ("Prochaine rencontre de la Communauté de pratiques : inscriptions jusqu'au …").
_ANOTHER_MEETING = re.compile(
    r"\b(?:colloques?|concertations?|gt|groupes? de travail|communautes? de pratiques"
    r"|formations?|modules?|webinaires?|seminaires?)\b|\bjusqu|\binscri|\bdate limite"
)
_DEADLINE = re.compile(r"\bjusqu|\bavant le\b|\binscri|\bdate limite|\bpublie")
_WORKSHOP_LINE = re.compile(r"atelier|adc", re.I)
_PLACE = re.compile(
    r"(?:^|[\s,;(])(?:à|au|aux|chez)\s+"
    rf"(?:(?:(?:la|le|les)\s+|l{_APOS})(?P<a>[^\n]+)|(?P<b>[A-ZÀ-ÖØ-Þ«\"][^\n]*))"
)
_PLACE_LABEL = re.compile(r"^\**(?:lieu|adresse)\s*:\s*(?P<c>[^\n]+)", re.I)


def read_next_meeting(text: PublishedText, date: str | None) -> dict[str, Reading]:
    """The announced next workshop ("Save the date", "Prochain atelier", "Rendez-vous le")
    and its place; a year-less date is the next such day after the workshop's ``date``."""
    texts = [p for i, p in enumerate(text.paras) if i != text.title_at]
    after = dt.date.fromisoformat(date) if date else None
    for anchor in (_STRONG_ANCHOR, _WEAK_ANCHOR):
        for i, para in enumerate(texts):
            for m in anchor.finditer(para):
                rest = folded(para[m.end() :])
                if _ANOTHER_MEETING.search(re.split(r"(?<=[.!?])\s|\n", rest, maxsplit=1)[0]):
                    continue
                found = _meeting_near(texts, i, m.start(), after)
                if found:
                    phrase = para[m.start() :].split("\n")[0].strip()
                    return {k: Reading(v, FOUND, phrase) for k, v in found.items()}
    return {}


def _meeting_near(
    texts: list[str], i: int, start: int, after: dt.date | None
) -> dict[str, str] | None:
    for j in range(i, min(i + 3, len(texts))):
        offset = start if j == i else 0
        segment = texts[j][offset:]
        for d in find_dates(segment):
            if _DEADLINE.search(folded(segment[max(0, d.start - 60) : d.start])):
                continue  # "inscriptions jusqu'au 30 avril": no meeting on that day
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
