"""A query as a reader types it -> what to look for -> FTS5 expressions.

``parse`` reads the text: plain words (all must match), ``"a phrase"`` (matched exactly,
as written), ``pref*``, ``-word`` (excluded), and inline filters ``basin:sud``,
``action:helpdesk``, ``year:2024``, ``since:2024-06``, ``until:2025`` (an unknown
``name:value`` is plain words). ``build`` turns each word into the alternatives that
match it (the word, its inclusive forms, its stems, its glossary synonyms), as chosen by
:class:`Features`. ``expression`` writes them as FTS5 syntax over the columns of
``kb.index.fts``. Every token is letters and digits only, always double-quoted, so
no user text reaches FTS5 syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from kb.index.fts import FORM_COLUMNS, STEM_COLUMNS, WORD_COLUMNS
from kb.text import french


class Features(NamedTuple):
    """What search understands beyond accents and case; all on by default. Each can be
    turned off alone, to measure what it brings (``tests/relevance/evaluate.py``)."""

    stemming: bool = True  # hôpitaux finds hôpital
    inclusive: bool = True  # professionnelles finds professionnel·les
    elision: bool = True  # l'atelier finds atelier
    glossary: bool = True  # CAB finds Conseil de l'Action du Bassin
    fallback: bool = True  # no recap has every word: show those with some
    typos: bool = True  # helpdsk: did you mean helpdesk?


ALL = Features()


FILTER_NAMES = {
    "basin": "basin",
    "bassin": "basin",
    "action": "action",
    "year": "year",
    "since": "since",
    "until": "until",
}
_FILTER = re.compile(
    r"(?<!\S)(" + "|".join(FILTER_NAMES) + r'):("([^"]*)"|[^\s"]+)(?!\S)', re.IGNORECASE
)
# A filter name with nothing after its colon ("basin: sud" typed with a space): the
# name is no word to search for (it would be "corrected" into another word).
_BARE_FILTER = re.compile(r"(?<!\S)(" + "|".join(FILTER_NAMES) + r"):(?!\S)", re.IGNORECASE)
_PART = re.compile(r'(-?)"([^"]*)"|(\S+)')


class Word(NamedTuple):
    """One thing the reader asked for."""

    text: str  # as typed, for messages
    tokens: tuple[str, ...]  # in lower case, accents kept (stems need them), in order
    quoted: bool = False
    prefix: bool = False
    negated: bool = False
    forms: tuple[str, ...] = ()  # the words it stands for, when typed in inclusive writing

    @property
    def keys(self) -> tuple[str, ...]:
        """The tokens as the index compares them: no accents."""
        return tuple(french.key(t) for t in self.tokens)

    @property
    def plain(self) -> bool:
        """A single unquoted word: one that may be corrected or found in the glossary."""
        return not (self.quoted or self.prefix) and len(self.tokens) == 1


class Parsed(NamedTuple):
    words: tuple[Word, ...]
    filters: dict[str, str]  # filter name -> value as typed
    clashes: tuple[str, ...] = ()  # a filter given twice with two values: "basin:sud basin:nord"


def parse(text: str, features: Features = ALL) -> Parsed:
    """Read a query: its words and its inline filters. Never fails."""
    filters: dict[str, str] = {}
    clashes: list[str] = []

    def take(match: re.Match[str]) -> str:
        name = FILTER_NAMES[match.group(1).lower()]
        value = match.group(3) if match.group(3) is not None else match.group(2)
        if not value.strip():
            return match.group(0)
        first = filters.setdefault(name, value.strip())
        if first != value.strip():
            clashes.append(f"{name}:{first} and {name}:{value.strip()}")
        return " "

    rest = _BARE_FILTER.sub(" ", _FILTER.sub(take, text))
    if rest.count('"') % 2:
        rest = rest.replace('"', " ")
    words = []
    for match in _PART.finditer(rest):
        word = _word(match, features)
        if word is not None:
            words.append(word)
    return Parsed(tuple(words), filters, tuple(clashes))


def _word(match: re.Match[str], features: Features) -> Word | None:
    dash, phrase, raw = match.group(1), match.group(2), match.group(3)
    if phrase is not None:
        tokens = tuple(t.lower() for t in french.tokens(phrase))
        shown = f'{dash}"{phrase}"'
        return Word(shown, tokens, quoted=True, negated=bool(dash)) if tokens else None
    negated = raw.startswith("-") and len(raw) > 1
    body = raw[1:] if negated else raw
    prefix = body.endswith("*")
    if features.elision:
        body = french.drop_elision(body)
    forms = french.inclusive_query(body.rstrip("*")) if features.inclusive else None
    tokens = tuple(t.lower() for t in french.tokens(body))
    if not tokens:
        return None
    return Word(body, tokens, prefix=prefix, negated=negated, forms=forms or ())


# -- glossary -------------------------------------------------------------------------


class Synonym(NamedTuple):
    tokens: tuple[str, ...]  # lower case, as written: the phrase to find in the text
    key: tuple[str, ...]  # word keys as a query of it reads (elided articles dropped)


def synonym_groups(
    glossary: Sequence[tuple[str, Sequence[str]]], features: Features = ALL
) -> list[tuple[Synonym, ...]]:
    """The glossary as groups of synonyms: a term, what it stands for, and the other
    terms that stand for the same (GAB, ZOGAB and "Groupe d'Appui au Bassin")."""
    groups: list[dict[tuple[str, ...], Synonym]] = []
    for term, expansions in glossary:
        members = [_synonym(t, features) for t in (term, *expansions)]
        members = [m for m in members if m.tokens]
        joined: dict[tuple[str, ...], Synonym] = {m.key: m for m in members}
        for group in [g for g in groups if any(k in g for k in joined)]:
            groups.remove(group)
            joined.update(group)
        groups.append(joined)
    return [tuple(g.values()) for g in groups]


def _synonym(text: str, features: Features) -> Synonym:
    tokens = tuple(t.lower() for t in french.tokens(text))
    words = parse(text, features).words
    return Synonym(tokens, tuple(k for w in words for k in w.keys))


# -- terms and expressions ------------------------------------------------------------


class Alt(NamedTuple):
    """One way to match a term: a phrase of word keys, or a phrase of stems."""

    kind: str  # "word" or "stem"
    tokens: tuple[str, ...]
    prefix: bool = False


class Term(NamedTuple):
    """Something that must match (or, negated, must not), in any of its alternatives."""

    text: str
    alts: tuple[Alt, ...]
    negated: bool = False


def build(
    words: Sequence[Word],
    features: Features = ALL,
    groups: Sequence[tuple[Synonym, ...]] = (),
) -> list[Term]:
    """The terms of a query: each word, or run of words that is a glossary entry."""
    terms: list[Term] = []
    i = 0
    while i < len(words):
        found = _glossary_run(words, i, groups) if features.glossary else None
        if found is not None:
            end, group = found
            alts = list(_word_alts(words[i], features)) if end == i + 1 else []
            alts += [a for s in group for a in _phrase_alts(s.tokens, features)]
            text = " ".join(w.text for w in words[i:end])
            terms.append(Term(text, _unique(alts), words[i].negated))
            i = end
            continue
        word = words[i]
        terms.append(Term(word.text, _word_alts(word, features), word.negated))
        i += 1
    return terms


def _glossary_run(
    words: Sequence[Word], start: int, groups: Sequence[tuple[Synonym, ...]]
) -> tuple[int, tuple[Synonym, ...]] | None:
    """The longest run of plain words from ``start`` that is a glossary entry."""
    best = None
    keys: tuple[str, ...] = ()
    for end in range(start, len(words)):
        word = words[end]
        if word.quoted or word.prefix or word.negated != words[start].negated:
            break
        keys += word.keys
        for group in groups:
            if any(s.key == keys for s in group):
                best = (end + 1, group)
    return best


def _phrase_alts(tokens: tuple[str, ...], features: Features) -> list[Alt]:
    alts = [Alt("word", tuple(french.key(t) for t in tokens))]
    if features.stemming:
        alts.append(Alt("stem", tuple(french.stem(t) for t in tokens)))
    return alts


def _word_alts(word: Word, features: Features) -> tuple[Alt, ...]:
    if word.quoted:
        return (Alt("word", word.keys),)
    if word.prefix:
        return (Alt("word", word.keys, prefix=True),)
    alts = [Alt("word", word.keys)] + [Alt("word", (french.key(f),)) for f in word.forms]
    if features.stemming:
        if len(word.tokens) == 1:
            alts += [Alt("stem", (s,)) for s in french.query_stems(word.tokens[0])]
        else:
            alts.append(Alt("stem", tuple(french.stem(t) for t in word.tokens)))
        alts += [Alt("stem", (french.stem(f),)) for f in word.forms]
    return _unique(alts)


def _unique(alts: list[Alt]) -> tuple[Alt, ...]:
    return tuple(dict.fromkeys(alts))


def alt_expression(alt: Alt, features: Features) -> str:
    columns: tuple[str, ...]
    if alt.kind == "stem":
        columns = STEM_COLUMNS
    else:
        columns = WORD_COLUMNS + (FORM_COLUMNS if features.inclusive else ())
    phrase = '"' + " ".join(alt.tokens) + '"' + ("*" if alt.prefix else "")
    return "{" + " ".join(columns) + "} : " + phrase


def term_expression(term: Term, features: Features, *, exact: bool = False) -> str:
    """``exact``: the term as written (or through its forms and synonyms), no stems."""
    alts = [a for a in term.alts if not (exact and a.kind == "stem")]
    return "(" + " OR ".join(alt_expression(a, features) for a in alts) + ")"


def expression(
    terms: Sequence[Term], features: Features, *, every: bool = True, exact: bool = False
) -> str:
    """Every (or, with ``every=False``, any) positive term, and none of the negated ones."""
    wanted = [term_expression(t, features, exact=exact) for t in terms if not t.negated]
    unwanted = [term_expression(t, features) for t in terms if t.negated]
    out = "(" + (" AND " if every else " OR ").join(wanted) + ")"
    if unwanted:
        out += " NOT (" + " OR ".join(unwanted) + ")"
    return out
