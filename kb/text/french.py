"""French words as kb indexes and queries them: tokens, stems, inclusive forms, elision.

Pure text functions, shared by the index (what is stored), the query side (what is
looked for) and the snippets (what is highlighted), so the three always agree.

- A token is a run of letters and digits, as FTS5's ``unicode61`` tokenizer cuts them.
- A word key is the token in lower case without accents (``Hôpital`` -> ``hopital``).
- A stem is the Snowball French stem of the lower-case token, accents kept while
  stemming (the stemmer needs them: ``isolées`` -> ``isol``) and dropped after.
- An inclusive form (``participant·es``, ``acteur-rices``, ``professionnel-le-s``)
  spans several tokens; it stands for its masculine, feminine, singular and plural
  forms, which the index stores beside the text.
- An elided word (``l'atelier``, ``qu'elles``) is, in a query, the word without its
  article or pronoun.
- A query word typed without accents is also stemmed as if its ending had them
  (``isolees`` as ``isolées``), see :func:`query_stems`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from kb.text.fold import ONE_BYTE, byte_table, one_byte, strip_accents

_TOKEN = re.compile(r"[^\W_]+")

# Separators of inclusive writing: middle dots (and look-alikes), period, hyphen, slash.
_DOTS = "·•⋅‧∙"
# What may follow a separator: feminine and plural endings, longest first. A hyphenated
# compound (centre-ouest, social-santé) never ends in one of these.
_PIECES = [
    *("trices", "trice", "rices", "rice", "euses", "euse", "lles", "lle", "les", "le"),
    *("ères", "ère", "eres", "ere", "nes", "ne", "tes", "te", "ves", "ve", "ses", "se"),
    *("es", "e", "s"),
]
_PIECE = "|".join(_PIECES)
# What an inclusive form is. Compiled when first needed (inclusive_pattern): a search
# that shows no result never needs it, and compiling costs a millisecond at each start.
INCLUSIVE = (
    rf"(?<![^\W_])([^\W\d_]{{2,}})"
    rf"((?:[{_DOTS}/-](?i:{_PIECE})|\.(?:{_PIECE})){{1,3}})"
    rf"(?![^\W_])"
)
_SEPARATORS = _DOTS + "/.-"
_NO_SEPARATORS = str.maketrans("", "", _SEPARATORS)
# The endings alone, for finding inclusive forms in long texts: a search for these fails
# fast at most characters, where INCLUSIVE has to try each word (see _inclusive).
# A class of separators first (a pattern that starts with one is searched for by it;
# in branches, it would make re.search try the whole pattern at every character), then
# the pieces: case-insensitive after a dot or hyphen, lower case after a period.
_ENDING = rf"(?:[{_DOTS}/.-](?:(?<=\.)(?:{_PIECE})|(?<!\.)(?i:{_PIECE})))"
_ENDINGS = re.compile(rf"({_ENDING}{_ENDING}{{0,2}})(?![^\W_])")  # {1,3}, but faster

# Articles and pronouns written with an apostrophe before a vowel.
ELIDED = frozenset(
    ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu")
)
_APOSTROPHES = "'’ʼ"
_ELISION = r"^(" + "|".join(sorted(ELIDED, key=len, reverse=True)) + rf")[{_APOSTROPHES}]"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_Word = TypeVar("_Word", str, bytes)


class _Memo(dict[_Word, str]):
    """A cache of a function of one word: ``map(memo.__getitem__, words)`` runs in C for
    the words already seen. Emptied when large (a corpus has some 10^5 distinct words)."""

    def __init__(self, function: Callable[[_Word], str]) -> None:
        super().__init__()
        self.function: Callable[[_Word], str] = function

    def __missing__(self, word: _Word) -> str:
        if len(self) > 500_000:
            self.clear()
        value: str = self.function(word)
        self[word] = value
        return value


def _key(word: str) -> str:
    return strip_accents(word.lower())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: a C extension, cheap to import

    return Stemmer.Stemmer("french")


def _stem(word: str) -> str:
    return strip_accents(str(_stemmer().stemWord(word.lower())))


_KEYS = _Memo(_key)
_STEMS = _Memo(_stem)
# A token in one-byte codec -> its stem (see stems_text). Latin-1 and cp1252 differ only
# in bytes 0x80-0x9f, control characters in latin-1, never in a token: cp1252 reads both.
_BYTE_STEMS: _Memo[bytes] = _Memo(lambda token: _STEMS[token.decode("cp1252")])


def key(word: str) -> str:
    """A token as the index compares it: lower case, no accents."""
    return _KEYS[word]


def stem(word: str) -> str:
    """The folded Snowball French stem of a token (``hôpitaux`` -> ``hopital``)."""
    return _STEMS[word]


def tokens(text: str) -> list[str]:
    """The tokens of ``text``, as written."""
    return _TOKEN.findall(nfc(text))


class Token(NamedTuple):
    """A token of a text: where it is, its word key and stem, and its inclusive group."""

    start: int
    end: int
    word: str
    stem: str
    group: int = -1  # index into Analysis.groups, or -1


class Group(NamedTuple):
    """An inclusive form: the span it covers and the word keys it stands for."""

    start: int
    end: int
    forms: tuple[str, ...]


class Analysis(NamedTuple):
    text: str  # NFC: offsets refer to it
    tokens: tuple[Token, ...]
    groups: tuple[Group, ...]


def analyse(text: str) -> Analysis:
    """Cut ``text`` into tokens (with stems) and find its inclusive forms."""
    text = nfc(text)
    groups = [
        Group(start, end, tuple(key(f) for f in inclusive_forms(base, endings)))
        for start, end, base, endings in _inclusive(text)
    ]
    out: list[Token] = []
    g = 0
    for m in _TOKEN.finditer(text):
        while g < len(groups) and groups[g].end <= m.start():
            g += 1
        inside = g < len(groups) and groups[g].start <= m.start() < groups[g].end
        word = m.group()
        out.append(Token(m.start(), m.end(), _KEYS[word], _STEMS[word], g if inside else -1))
    return Analysis(text, tuple(out), tuple(groups))


def stems_text(text: str) -> str:
    """The stems of a text in NFC (:func:`nfc`), one per token, in order: the index's
    stem columns."""
    encoded = one_byte(text)  # most texts: tokens cut by a byte table, then split
    if encoded is None:
        return " ".join(map(_STEMS.__getitem__, _TOKEN.findall(text)))
    tokens = encoded[1].translate(_token_table(encoded[0])).split()
    return " ".join(map(_BYTE_STEMS.__getitem__, tokens))


@lru_cache(maxsize=len(ONE_BYTE))
def _token_table(codec: str) -> bytes:
    """Each byte of a token character to itself, any other to a space (no byte of a
    token character is one that ``bytes.split`` takes for a space)."""
    return byte_table(codec, lambda byte, char: byte if _TOKEN.fullmatch(char) else 32)


def forms_text(text: str) -> str:
    """Every form of every inclusive form of a text in NFC: the index's forms column."""
    forms: list[str] = []
    for _, _, base, endings in _inclusive(text):
        forms += inclusive_forms(base, endings)
    return " ".join(map(_KEYS.__getitem__, forms))


_LETTERS_BACK = re.compile(r"[^\W\d_]+")  # read on the reversed text: a base, backwards


def _inclusive(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, base, endings) of each inclusive form of ``text``, left to right: what
    ``inclusive_pattern().finditer`` finds, found from the endings back to the word they
    end (the letters before an ending are matched on the reversed text)."""
    pos = 0
    backwards = ""
    while match := _ENDINGS.search(text, pos):
        end = match.start()
        backwards = backwards or text[::-1]
        letters = _LETTERS_BACK.match(backwards, len(text) - end)
        start = end - (letters.end() - letters.start() if letters else 0)
        if end - start >= 2 and not (start > 0 and text[start - 1].isalnum()):
            yield start, match.end(), text[start:end], match.group(1)
            pos = match.end()
        else:  # not the end of a word of letters: look again from the next character
            pos = end + 1


# -- inclusive writing ----------------------------------------------------------------


@lru_cache(maxsize=16384)
def inclusive_forms(base: str, suffixes: str) -> tuple[str, ...]:
    """The words an inclusive form stands for (lower case): masculine and feminine,
    singular and plural. ``("acteur", "-rices")`` -> ``acteur, acteurs, actrice, actrices``."""
    base = base.lower()
    pieces = suffixes.lower().translate(_NO_SEPARATORS)
    plural = pieces.endswith("s")
    masc = base[:-1] if plural and base.endswith("s") and len(base) > 3 else base
    fem = _feminine(masc, pieces[:-1] if plural else pieces)
    forms = (masc, _plural(masc), fem, _plural(fem))
    return tuple(dict.fromkeys(forms))


def _feminine(masc: str, ending: str) -> str:
    if not ending:
        return masc
    if ending in ("rice", "trice") and masc.endswith("eur"):
        root = masc[:-3]  # acteur -> act-rice, animateur -> animat-rice
        return root + ("rice" if ending == "rice" or root.endswith("t") else "trice")
    if ending == "euse" and masc.endswith("eur"):
        return masc[:-3] + "euse"  # travailleur -> travailleuse
    if ending in ("e", "ère", "ere") and masc.endswith("er"):
        return masc[:-2] + "ère"  # usager -> usagère
    if ending == "ve" and masc.endswith("f"):
        return masc[:-1] + "ve"  # actif -> active
    if ending == "se" and masc.endswith("x"):
        return masc[:-1] + "se"  # heureux -> heureuse
    return masc + ending  # participant-e, professionnel-le, citoyen-ne


def _plural(word: str) -> str:
    return word if word.endswith(("s", "x", "z")) else word + "s"


@lru_cache(maxsize=1)
def inclusive_pattern() -> re.Pattern[str]:
    return re.compile(INCLUSIVE)


def inclusive_query(word: str) -> tuple[str, ...] | None:
    """The forms of a query word written in inclusive writing, else None."""
    word = nfc(word)  # a separator may be composed (U+0387 is a middle dot in NFC)
    if not any(c in word for c in _SEPARATORS):
        return None
    match = inclusive_pattern().fullmatch(word)
    return inclusive_forms(match.group(1), match.group(2)) if match else None


# -- elision --------------------------------------------------------------------------


def drop_elision(word: str) -> str:
    """``l'atelier`` -> ``atelier``, ``qu’elles`` -> ``elles``; other words unchanged."""
    if not any(c in word for c in _APOSTROPHES):
        return word
    match = re.match(_ELISION, word, re.I)  # compiled on first use, then cached by re
    rest = word[match.end() :] if match else word
    return rest if match and _TOKEN.search(rest) else word


def query_stems(word: str) -> tuple[str, ...]:
    """The stems to look for a query word under: its own, and when it is typed without
    any accent, those of its likely accented endings.

    The stemmer needs the accents the text has: ``isolées`` -> ``isol`` (as
    ``isolement``) but ``isolees`` -> ``isole``; ``précarité`` -> ``precar`` but
    ``precarite`` -> ``precarit``. Readers often type without accents, so the last
    ``e`` letters of the word are also tried as ``é`` and ``è`` (``isolées``,
    ``précarité``, ``accès``, ``première``).
    """
    lower = word.lower()
    guesses = [lower]
    if key(lower) == lower:
        for i in range(len(lower) - 1, max(len(lower) - 5, 0), -1):
            if lower[i] == "e":
                guesses += [lower[:i] + "é" + lower[i + 1 :], lower[:i] + "è" + lower[i + 1 :]]
        if lower.endswith(("ee", "ees")):
            guesses.append(lower[: lower.rindex("ee")] + "ée" + lower[lower.rindex("ee") + 2 :])
    return tuple(dict.fromkeys(stem(g) for g in guesses))
