"""Highlights and snippets computed in Python, with the index's own normalisation.

FTS5's ``highlight()`` and ``snippet()`` only see the words as written, so they cannot
mark ``hôpital`` for the query ``hôpitaux`` (a stem), ``professionnel·les`` for
``professionnelles`` (an inclusive form) or ``Conseil de l'Action du Bassin`` for
``CAB`` (the glossary). Here the text is cut with ``kb.text.french.analyse`` and each
alternative of each term is looked for the way the index matched it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from kb.search.hits import MARK_END, MARK_START, SNIPPET_TOKENS
from kb.search.query import Alt, Features, Term, leaves
from kb.text import french

_SENTENCE_END = frozenset(".!?:;\n")


class Span(NamedTuple):
    first: int  # token index
    last: int  # token index, inclusive
    term: int


class Matcher:
    """Finds where the positive terms of a query occur in a text."""

    def __init__(self, terms: Sequence[Term], features: Features) -> None:
        self.alts = [(i, a) for i, t in enumerate(terms) if not t.negated for a in leaves(t)]
        self.forms = features.inclusive
        # What a token must be for any alternative to start there: most tokens of a text
        # are none of these, and are passed over with two set lookups.
        self.words = {a.tokens[0] for _, a in self.alts if a.kind == "word" and a.tokens}
        self.stems = {a.tokens[0] for _, a in self.alts if a.kind == "stem" and a.tokens}
        self.prefixed = any(a.prefix for _, a in self.alts)
        # The alternatives that can start at a token, by its word or stem (and, for a
        # prefix, by what it starts with): a token is tried against these only, so the
        # cost of a text does not grow with the length of the query (a pasted page).
        self.starting: dict[tuple[str, str], list[int]] = {}
        self.prefixes: dict[tuple[str, str], list[int]] = {}
        self.always: list[int] = []  # none: a phrase with no token
        for n, (_, alt) in enumerate(self.alts):
            if not alt.tokens:
                self.always.append(n)
            elif alt.prefix and len(alt.tokens) == 1:
                self.prefixes.setdefault((alt.kind, alt.tokens[0]), []).append(n)
            else:
                self.starting.setdefault((alt.kind, alt.tokens[0]), []).append(n)
        self.longest_prefix = max((len(kind_token[1]) for kind_token in self.prefixes), default=0)

    def spans(self, text: french.Analysis) -> list[Span]:
        found = []
        tokens = text.tokens
        words, stems, anywhere = self.words, self.stems, self.prefixed
        for i, token in enumerate(tokens):
            if not (
                anywhere
                or token.word in words
                or token.stem in stems
                or (self.forms and token.group >= 0)
            ):
                continue
            for n in self._candidates(text, token):
                term, alt = self.alts[n]
                last = self._match(text, i, alt)
                if last is not None:
                    found.append(Span(i, last, term))
        return found

    def _candidates(self, text: french.Analysis, token: french.Token) -> list[int]:
        """The alternatives that may start at ``token``, in the query's order: every one
        :meth:`_match` could accept there, found by lookups rather than tried in turn."""
        found = list(self.always)
        for kind, have in (("word", token.word), ("stem", token.stem)):
            found += self.starting.get((kind, have), ())
            for size in range(1, min(len(have), self.longest_prefix) + 1):
                found += self.prefixes.get((kind, have[:size]), ())
        if self.forms and token.group >= 0:  # an inclusive form matches its whole group
            for form in text.groups[token.group].forms:
                found += self.starting.get(("word", form), ())
                found += self.prefixes.get(("word", form), ())
        return sorted(set(found)) if len(found) > 1 else found

    def _match(self, text: french.Analysis, i: int, alt: Alt) -> int | None:
        tokens = text.tokens
        token = tokens[i]
        if alt.kind == "word" and self.forms and len(alt.tokens) == 1 and token.group >= 0:
            group = text.groups[token.group]
            if alt.tokens[0] in group.forms and (i == 0 or tokens[i - 1].group != token.group):
                last = i
                while last + 1 < len(tokens) and tokens[last + 1].group == token.group:
                    last += 1
                return last
        n = len(alt.tokens)
        if i + n > len(tokens):
            return None
        for j, want in enumerate(alt.tokens):
            tok = tokens[i + j]
            have = tok.stem if alt.kind == "stem" else tok.word
            if not (have == want or (alt.prefix and j == n - 1 and have.startswith(want))):
                return None
        return i + n - 1


def mark(text: str, matcher: Matcher) -> str:
    """The whole text with every match between markers."""
    analysis = french.analyse(text)
    return _render(analysis, matcher.spans(analysis), 0, len(analysis.tokens) - 1, whole=True)


def snippet(text: str, matcher: Matcher, size: int = SNIPPET_TOKENS) -> str:
    """About ``size`` tokens of the text around the best cluster of matches, marked;
    ``…`` where it is cut."""
    analysis = french.analyse(text)
    tokens = analysis.tokens
    spans = matcher.spans(analysis)
    if len(tokens) <= size:
        return _render(analysis, spans, 0, len(tokens) - 1, whole=True)
    first = _best_window(analysis, spans, size)
    last = min(first + size, len(tokens)) - 1
    # Never cut an inclusive form (usager·es) in two.
    while first > 0 and tokens[first].group >= 0 and tokens[first - 1].group == tokens[first].group:
        first -= 1
    while (
        last + 1 < len(tokens)
        and tokens[last].group >= 0
        and tokens[last + 1].group == tokens[last].group
    ):
        last += 1
    return _render(analysis, spans, first, last, whole=False)


def _best_window(analysis: french.Analysis, spans: list[Span], size: int) -> int:
    """The first token of the window to show: the first one with the most distinct
    terms, started at the sentence that holds its first match if it is close, else a
    few tokens before that match."""
    tokens = analysis.tokens
    start_at = _most_terms(spans, len(tokens) - size + 1, size)
    inside = [s.first for s in spans if start_at <= s.first and s.last < start_at + size]
    if not inside:
        return start_at
    first = min(inside)
    # Any start between start_at and the first match keeps every match of the window.
    for start in range(first, max(start_at, first - 8) - 1, -1):
        if start == 0 or _SENTENCE_END & set(
            analysis.text[tokens[start - 1].end : tokens[start].start]
        ):
            return min(start, len(tokens) - size)
    return min(max(start_at, first - 4), len(tokens) - size)


def _most_terms(spans: list[Span], starts: int, size: int) -> int:
    """The first of ``starts`` windows of ``size`` tokens with the most distinct terms
    whole inside it. One pass: a span enters the window when its last token does and
    leaves when its first token does (not a count of every span at every start, which
    grows as the text times its matches)."""
    entering = sorted(range(len(spans)), key=lambda k: spans[k].last)
    leaving = sorted(range(len(spans)), key=lambda k: spans[k].first)
    inside = [False] * len(spans)
    counts: dict[int, int] = {}
    best, start_at, entered, left = -1, 0, 0, 0
    for start in range(starts):
        while left < len(leaving) and spans[leaving[left]].first < start:
            k = leaving[left]
            left += 1
            if inside[k]:
                inside[k] = False
                counts[spans[k].term] -= 1
                if not counts[spans[k].term]:
                    del counts[spans[k].term]
        while entered < len(entering) and spans[entering[entered]].last < start + size:
            k = entering[entered]
            entered += 1
            if spans[k].first >= start:  # one that started before the window never enters
                inside[k] = True
                counts[spans[k].term] = counts.get(spans[k].term, 0) + 1
        if len(counts) > best:
            best, start_at = len(counts), start
    return start_at


def _render(
    analysis: french.Analysis, spans: list[Span], first: int, last: int, *, whole: bool
) -> str:
    text, tokens = analysis.text, analysis.tokens
    if not tokens:
        return text
    begin = 0 if whole or first == 0 else tokens[first].start
    end = len(text) if whole or last == len(tokens) - 1 else tokens[last].end
    marks = _merged(
        [(tokens[s.first].start, tokens[s.last].end) for s in spans if first <= s.first <= last]
    )
    out = []
    at = begin
    for start, stop in marks:
        stop = min(stop, end)
        out += [text[at:start], MARK_START, text[start:stop], MARK_END]
        at = stop
    out.append(text[at:end])
    return ("…" if begin > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, stop in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((start, stop))
    return out
