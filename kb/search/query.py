"""A query as a reader types it -> what to look for -> FTS5 expressions.

``parse`` reads the text: plain words (all must match), ``"a phrase"`` (matched exactly,
as written), ``pref*``, ``-word`` (excluded), words joined by ``OR`` or ``|`` (any of
them), parentheses that group words (one level), and inline filters ``basin:sud``,
``action:helpdesk``, ``year:2024``, ``since:2024-06``, ``until:2025`` (an unknown
``name:value`` is plain words). ``build`` turns each word into the alternatives that
match it (the word, its inclusive forms, its stems, its glossary synonyms), as chosen by
:class:`Features`; an OR group is one term, with the alternatives of all its members.
``expression`` writes them as FTS5 syntax over the columns of ``kb.index.fts``. Every
token is letters and digits only, always double-quoted, so no user text reaches FTS5
syntax: OR, AND, NOT and parentheses in an expression are kb's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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
    proximity: bool = True  # the words close together first (kb.search.proximity)


ALL = Features()


FILTER_NAMES = {
    "basin": "basin",
    "bassin": "basin",
    "action": "action",
    "year": "year",
    "since": "since",
    "until": "until",
}
# A filter is a word of its own; in parentheses too, which are left to group the rest:
# "(basin:sud | helpdesk)" is helpdesk in the basin sud.
_FILTER = re.compile(
    r"(?<![^\s(])(" + "|".join(FILTER_NAMES) + r'):("([^"]*)"|[^\s"]+?)(?=\)*(?!\S))',
    re.IGNORECASE,
)
# A filter name with nothing after its colon ("basin: sud" typed with a space): the
# name is no word to search for (it would be "corrected" into another word).
_BARE_FILTER = re.compile(r"(?<!\S)(" + "|".join(FILTER_NAMES) + r"):(?!\S)", re.IGNORECASE)
# Outside filters: a phrase, "(" opening a group at the start of a word, "|", or a word
# (whose last ")" may close a group: see _closing).
_PART = re.compile(r'(-?)"([^"]*)"|(?<![^\s(|])(-?)\(|(\|)|([^\s|]+)')
OR = "OR"  # as zk, Google and FTS5 write it; "or" is a French word


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


class Node(NamedTuple):
    """How the words of a query combine: every child must match, or (``any``, words
    joined by OR) one of them. A child is a position in ``Parsed.words`` or a Node."""

    any: bool
    children: tuple[int | Node, ...]
    negated: bool = False  # -(a OR b): the recaps that match are left out


class Parsed(NamedTuple):
    words: tuple[Word, ...]
    filters: dict[str, str]  # filter name -> value as typed
    # A filter given twice with two values ("basin:sud basin:nord"): (name, first, second).
    clashes: tuple[tuple[str, str, str], ...] = ()
    tree: Node | None = None  # None: every word on its own, all required

    @property
    def either(self) -> frozenset[int]:
        """The positions of the words that are members of an OR group."""
        found: set[int] = set()

        def walk(node: Node, inside: bool) -> None:
            for child in node.children:
                if isinstance(child, Node):
                    walk(child, inside or child.any)
                elif inside:
                    found.add(child)

        if self.tree is not None:
            walk(self.tree, False)
        return frozenset(found)


def parse(text: str, features: Features = ALL) -> Parsed:
    """Read a query: its words, how they combine, and its inline filters. Never fails:
    an OR with nothing to join is the word "or", an unmatched parenthesis is ignored."""
    filters: dict[str, str] = {}
    clashes: list[tuple[str, str, str]] = []

    def take(match: re.Match[str]) -> str:
        name = FILTER_NAMES[match.group(1).lower()]
        value = match.group(3) if match.group(3) is not None else match.group(2)
        if not value.strip():
            return match.group(0)
        first = filters.setdefault(name, value.strip())
        if first != value.strip():
            clashes.append((name, first, value.strip()))
        return " "

    rest = _BARE_FILTER.sub(" ", _FILTER.sub(take, text))
    if rest.count('"') % 2:
        rest = rest.replace('"', " ")
    words: list[Word] = []
    tree = _Reader(words).top(_grouped(_lexemes(rest, features)))
    return Parsed(tuple(words), filters, tuple(clashes), tree)


# -- how words combine: OR, |, parentheses -----------------------------------------------

# A lexeme: a Word, OPEN (True when excluded: "-("), CLOSE, or an operator (OR or |).
_CLOSE = ")"
_BAR = "|"


class _Open(NamedTuple):
    negated: bool


class _Paren(NamedTuple):
    """What stood between a pair of parentheses (words and operators, no parentheses)."""

    negated: bool
    items: tuple[Word | str, ...]


_Lexeme = Word | _Open | str
_Item = Word | _Paren | str


def _lexemes(text: str, features: Features) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    for match in _PART.finditer(text):
        dash, phrase, opened, bar, raw = match.groups()
        if bar:
            out.append(_BAR)
        elif opened is not None:
            out.append(_Open(opened == "-"))
        elif raw == OR:
            out.append(OR)
        elif phrase is not None:
            out += filter(None, [_word(dash, phrase, None, features)])
        else:
            body, closes = _closing(raw)
            out += filter(None, [_word("", None, body, features)])
            out += [_CLOSE] * closes
    return out


def _closing(raw: str) -> tuple[str, int]:
    """A word and the parentheses it closes: its last ")" but those that close a "("
    inside the word (``professionnel(le)s``, ``usager(e)``)."""
    body = raw.rstrip(")")
    closes = len(raw) - len(body)
    inside = body.count("(") - body.count(")")
    kept = min(max(inside, 0), closes)
    return body + ")" * kept, closes - kept


def _grouped(lexemes: list[_Lexeme]) -> list[_Item]:
    """Parentheses read: one level, the ones inside a group are ignored; a ")" with no
    "(" is ignored, a "(" that is not closed closes at the end."""
    out: list[_Item] = []
    group: list[Word | str] | None = None
    negated = False
    depth = 0
    for lexeme in lexemes:
        if isinstance(lexeme, _Open):
            if group is None:
                group, negated, depth = [], lexeme.negated, 0
            depth += 1
        elif lexeme == _CLOSE:
            depth -= 1
            if group is not None and depth == 0:
                out.append(_Paren(negated, tuple(group)))
                group = None
        elif group is not None:
            group.append(lexeme)
        else:
            out.append(lexeme)
    if group is not None:
        out.append(_Paren(negated, tuple(group)))
    return out


def _positive(item: _Item | None) -> bool:
    """Whether an OR may join it: a word to search for, or a group that has one."""
    if isinstance(item, Word):
        return not item.negated
    if isinstance(item, _Paren):
        return not item.negated and any(_positive(i) for i in item.items)
    return False


def _joined(items: list[_Item]) -> list[_Item | list[_Item]]:
    """Runs of items joined by OR or | as lists; an operator that joins nothing (first,
    last, alone, beside an excluded word) is the word "or", or nothing for "|"."""
    tidy: list[_Item] = []
    for item in items:  # a run of operators is one: "a OR | b", "a || b"
        if isinstance(item, str) and tidy and isinstance(tidy[-1], str):
            tidy[-1] = OR if OR in (item, tidy[-1]) else _BAR
        else:
            tidy.append(item)
    out: list[_Item | list[_Item]] = []
    i = 0
    while i < len(tidy):
        item = tidy[i]
        if isinstance(item, str):
            if item == OR:
                out.append(Word(OR, ("or",)))
            i += 1
            continue
        run: list[_Item] = [item]
        while (
            i + 2 < len(tidy)
            and isinstance(tidy[i + 1], str)
            and _positive(run[-1])
            and _positive(tidy[i + 2])
        ):
            run.append(tidy[i + 2])
            i += 2
        out.append(run if len(run) > 1 else item)
        i += 1
    return out


def _plain(item: Word | str) -> Word | str:
    return item._replace(negated=False) if isinstance(item, Word) else item


class _Reader:
    """Builds a query's tree from its items, numbering its words as they come."""

    def __init__(self, words: list[Word]) -> None:
        self.words = words
        self.negate = False  # inside -( ): every word is one whose recaps are left out

    def add(self, word: Word) -> int:
        self.words.append(word._replace(negated=True) if self.negate else word)
        return len(self.words) - 1

    def top(self, items: list[_Item]) -> Node:
        children: list[int | Node] = []
        for entry in _joined(items):
            if isinstance(entry, list):
                children.append(self.either(entry, children))
            elif isinstance(entry, Word):
                children.append(self.add(entry))
            elif isinstance(entry, _Paren) and entry.negated:
                node = self.left_out(entry, children)
                if node is not None:
                    children.append(node)
            elif isinstance(entry, _Paren):  # (a b) alone: as if typed without them
                children += self.inside(entry, children)
        return Node(False, tuple(children))

    def inside(self, paren: _Paren, top: list[int | Node]) -> list[int | Node]:
        """What a group's items make; its excluded words are the query's (``top``)."""
        out: list[int | Node] = []
        for entry in _joined(list(paren.items)):
            if isinstance(entry, list):
                out.append(self.either(entry, top))
            elif isinstance(entry, Word):
                (top if entry.negated else out).append(self.add(entry))
        return out

    def either(self, run: list[_Item], top: list[int | Node]) -> Node:
        members: list[int | Node] = []
        for item in run:
            if isinstance(item, Word):
                members.append(self.add(item))
                continue
            assert isinstance(item, _Paren)
            inner = self.inside(item, top)
            if len(inner) == 1 and isinstance(inner[0], Node) and inner[0].any:
                members += inner[0].children  # (a | b) OR c is a | b | c
            elif len(inner) == 1:
                members.append(inner[0])
            elif inner:
                members.append(Node(False, tuple(inner)))
        return Node(True, tuple(members))

    def left_out(self, paren: _Paren, top: list[int | Node]) -> int | Node | None:
        """-( ): the recaps that match what is inside are left out."""
        self.negate = True
        try:
            inner = self.inside(paren._replace(items=tuple(map(_plain, paren.items))), top)
        finally:
            self.negate = False
        if len(inner) != 1:
            return Node(False, tuple(inner), negated=True) if inner else None
        only = inner[0]
        return only._replace(negated=True) if isinstance(only, Node) else only


def _word(dash: str, phrase: str | None, raw: str | None, features: Features) -> Word | None:
    if phrase is not None:
        tokens = tuple(t.lower() for t in french.tokens(phrase))
        shown = f'{dash}"{phrase}"'
        return Word(shown, tokens, quoted=True, negated=bool(dash)) if tokens else None
    if not raw:
        return None
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
    """Something that must match (or, negated, must not), in any of its alternatives.

    An OR group is one term: the alternatives of its members, and as ``parts`` the
    members that are several terms, each of which must match (``(santé mentale) OR
    handicap``)."""

    text: str
    alts: tuple[Alt, ...]
    negated: bool = False
    parts: tuple[tuple[Term, ...], ...] = ()


def leaves(term: Term) -> Iterator[Alt]:
    """Every alternative of a term, its parts' included: what highlights look for."""
    yield from term.alts
    for part in term.parts:
        for inner in part:
            if not inner.negated:
                yield from leaves(inner)


def build(
    words: Sequence[Word],
    features: Features = ALL,
    groups: Sequence[tuple[Synonym, ...]] = (),
    tree: Node | None = None,
) -> list[Term]:
    """The terms of a query: each word, or run of words that is a glossary entry, and
    each OR group (``tree``, from :func:`parse`; without it, every word on its own)."""
    node = tree if tree is not None else Node(False, tuple(range(len(words))))
    return _Builder(words, features, groups).every(node.children)


class _Builder(NamedTuple):
    words: Sequence[Word]
    features: Features
    groups: Sequence[tuple[Synonym, ...]]

    def every(self, children: Sequence[int | Node], *, plain: bool = False) -> list[Term]:
        """Terms that must all match; ``plain``: inside -( ), words are built as wanted
        (the group is what is left out)."""
        terms: list[Term] = []
        run: list[Word] = []
        for child in children:
            if isinstance(child, int):
                word = self.words[child]
                run.append(word._replace(negated=False) if plain else word)
                continue
            terms += _words(run, self.features, self.groups)
            run = []
            terms.append(self.node(child))
        return terms + _words(run, self.features, self.groups)

    def node(self, node: Node) -> Term:
        if not node.any:  # -(a b): left out when it has both
            inner = self.every(node.children, plain=True)
            text = "(" + " ".join(t.text for t in inner) + ")"
            return Term(text, (), node.negated, (tuple(inner),))
        alts: list[Alt] = []
        parts: list[tuple[Term, ...]] = []
        texts: list[str] = []
        for child in node.children:
            if isinstance(child, int):
                members = self.every([child], plain=True)
            elif child.any:
                members = [self.node(child)]
            else:
                members = self.every(child.children, plain=True)
            if len(members) == 1:
                alts += members[0].alts
                parts += members[0].parts
                texts.append(members[0].text)
            else:
                parts.append(tuple(members))
                texts.append("(" + " ".join(t.text for t in members) + ")")
        return Term(f" {OR} ".join(texts), _unique(alts), node.negated, tuple(parts))


def _words(
    words: Sequence[Word], features: Features, groups: Sequence[tuple[Synonym, ...]]
) -> list[Term]:
    """The terms of words that are each required: a word, or a glossary entry's run."""
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
    alts = [alt_expression(a, features) for a in term.alts if not (exact and a.kind == "stem")]
    alts += [expression(part, features, exact=exact) for part in term.parts]
    return "(" + " OR ".join(alts) + ")"


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
