"""A recap: one Markdown file with YAML frontmatter. Load it, check it, split it.

Parsing never touches the index; it takes the file's bytes and its path and either
returns a :class:`Recap` or raises :class:`RecapError` with a message that names the
field and what is expected.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from kb.errors import RecapError
from kb.i18n import N_, _, number
from kb.recaps.vocab import Vocabulary
from kb.text.fold import did_you_mean
from kb.text.shown import clean, quoted

REQUIRED = ("date", "basin")
# What a text of the knowledge base is: a recap of one Atelier du Changement (the
# default: a file without ``kind:`` is one), or another document of the network.
WORKSHOP = "workshop"
KINDS = (
    WORKSHOP,
    "concertation",
    "report",
    "colloquium",
    "news",
    "presentation",
    "press",
    "newsletter",
)
# How each kind is named where text shows it (JSON and options keep the slugs above).
KIND_NAMES = {
    WORKSHOP: N_("workshop"),
    "concertation": N_("concertation"),
    "report": N_("activity report"),
    "colloquium": N_("colloquium"),
    "news": N_("news item"),
    "presentation": N_("presentation page"),
    "press": N_("press article"),
    "newsletter": N_("newsletter index"),
}
FIELDS = (
    "date",
    "basin",
    "kind",
    "title",
    "edition",
    "participants",
    "team",
    "support_group",
    "actions",
    "tags",
    "next_meeting",
    "next_meeting_place",
    "source",
    "published",
)
LIST_FIELDS = ("team", "support_group", "actions", "tags")
TEXT_FIELDS = ("title", "next_meeting_place", "source")
# Scalars the frontmatter loader builds one by one with PyYAML's constructors.
SCALAR_TAGS = ("int", "null", "bool", "timestamp", "float")
# The largest edition or number of participants a recap may state.
MAX_NUMBER = 1_000_000

_HEADING = re.compile(r"(#{1,6})[ \t]+(.*)")  # see _heading
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_MARKED = frozenset("#`~ \t")  # how a heading or a fence line can start
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)")
# A line's Markdown mark (heading, bullet, quote, number), with the newline before it:
# a pattern that starts with a literal is searched for by it, where ``^`` with re.M
# would be tried at every character. to_plain puts a newline before the first line.
_LINE_MARK = re.compile(r"\n[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|>[ \t]?|\d+[.)][ \t]+)")
_TRAILING = re.compile(r"[ \t]+$", re.M)
_BLANKS = re.compile(r"\n{3,}")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Section:
    """A heading and the text under it; position 0 is the introduction (no heading)."""

    position: int
    heading: str
    text: str  # plain text, Markdown syntax removed: what is indexed and quoted


@dataclass(frozen=True)
class Recap:
    id: str
    path: str  # relative to the knowledge-base folder, with forward slashes
    date: str
    basin: str
    title: str
    body: str  # Markdown, as in the file
    edition: int | None = None
    participants: int | None = None
    team: list[str] = field(default_factory=list)
    support_group: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    next_meeting: str | None = None
    next_meeting_place: str | None = None
    source: str | None = None
    published: str | None = None
    kind: str = WORKSHOP
    sections: tuple[Section, ...] = ()

    @property
    def plain(self) -> str:
        """The whole body as plain text, headings included (title excluded)."""
        return "\n\n".join(
            f"{s.heading}\n\n{s.text}" if s.heading else s.text for s in self.sections
        )


class NotUtf8Error(RecapError):
    """The bytes are not UTF-8: ``byte`` (as ``0x..``) at ``offset`` is the first that is
    not (kb add then tries Windows-1252)."""

    def __init__(self, path: str, byte: str, offset: int) -> None:
        super().__init__(
            path,
            _("not UTF-8 text (byte {byte} at offset {offset}); save it as UTF-8").format(
                byte=byte, offset=offset
            ),
        )
        self.byte, self.offset = byte, offset


def decode(data: bytes, shown: str) -> str:
    """Bytes of a recap as text: UTF-8 (a BOM is accepted), CRLF as LF."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise RecapError(shown, _("not a text file (it contains NUL bytes)"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(shown, f"0x{data[exc.start]:02x}", exc.start) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise RecapError(shown, _("the file is empty; a recap starts with '---', date: and basin:"))
    return text


def parse_recap(data: bytes, relpath: str, vocab: Vocabulary, *, shown: str | None = None) -> Recap:
    """Parse and check one recap file. ``relpath`` is relative to the knowledge base."""
    shown = shown or relpath
    text = decode(data, shown)
    meta, body = _split_frontmatter(text, shown)
    values = _check_fields(meta, shown, vocab)
    stem = relpath.rsplit("/", 1)[-1].removesuffix(".md")
    expected = recap_id(values)
    if stem != expected and values.get("kind", WORKSHOP) != WORKSHOP:
        raise RecapError(
            shown,
            _(
                "file name does not match its kind {kind}, date {date} and basin {basin}: "
                "rename it {name}.md, or fix kind/date/basin"
            ).format(
                kind=values["kind"], date=values["date"], basin=values["basin"], name=expected
            ),
        )
    if stem != expected:
        raise RecapError(
            shown,
            _(
                "file name does not match its date {date} and basin {basin}: "
                "rename it {name}.md, or fix date/basin"
            ).format(date=values["date"], basin=values["basin"], name=expected),
        )
    title, sections = split_sections(body)
    return Recap(
        id=stem,
        path=relpath,
        title=values.pop("title", None) or title or stem,
        body=body,
        sections=sections,
        **values,
    )


def recap_id(values: dict[str, Any]) -> str:
    """A recap's id, its file name without ``.md``: ``<date>-<basin>`` for a workshop,
    ``<kind>-<date>-<basin>`` for another kind (``concertation-2025-03-25-centre-ouest``):
    never the id of a workshop of the same day and basin."""
    kind = values.get("kind") or WORKSHOP
    day = f"{values['date']}-{values['basin']}"
    return day if kind == WORKSHOP else f"{kind}-{day}"


def _split_frontmatter(text: str, shown: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        raise RecapError(
            shown, _("no frontmatter: a recap starts with a '---' line, then date: and basin:")
        )
    import frontmatter  # lazy: parsing is only needed when a file changed
    import yaml

    try:
        # parse, not loads: loads passes the fields to Post() as keyword arguments, which
        # fails (TypeError) on a field named content or handler, or on a key like 2025.
        # Without a closing '---' line, parse finds no fields.
        metadata, content = frontmatter.parse(text, handler=_handler())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is None:
            message = _("invalid YAML in the frontmatter: {problem}").format(problem=problem)
        else:
            message = _("invalid YAML in the frontmatter at line {line}: {problem}").format(
                line=mark.line + 2, problem=problem
            )
        raise RecapError(shown, message) from None
    except (ValueError, OverflowError) as exc:  # a value PyYAML's constructors refuse
        problem = str(exc).split(":")[0]  # "Exceeds the limit (4300 digits) for integer ..."
        raise RecapError(
            shown, _("invalid value in the frontmatter: {problem}").format(problem=problem)
        ) from None
    if not metadata:
        raise RecapError(
            shown,
            _("the frontmatter must be fields like date: and basin: between two '---' lines"),
        )
    return dict(metadata), content.strip("\n") + "\n"


@lru_cache(maxsize=1)
def _handler() -> Any:
    """python-frontmatter's YAML handler, loading with :func:`_loader`."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    class Handler(YAMLHandler):
        def load(self, fm: str, **kwargs: Any) -> Any:
            return yaml.load(fm, Loader=_loader())

    return Handler()


@lru_cache(maxsize=1)
def _loader() -> type:
    """PyYAML's C safe loader, keeping dates as text so kb checks them and names the field.

    A frontmatter of text fields, numbers and lists of texts (nearly every recap's) is
    built straight from the node tree: PyYAML's generic constructor costs as much again
    as the C parser. Anything else is left to that constructor."""
    import yaml

    tag = "tag:yaml.org,2002:"
    mapping, text, listed = f"{tag}map", f"{tag}str", f"{tag}seq"
    scalars = {f"{tag}{t}" for t in SCALAR_TAGS}

    class Loader(yaml.CSafeLoader):
        def construct_document(self, node: yaml.Node) -> Any:
            if node.tag != mapping or not isinstance(node, yaml.MappingNode):
                return super().construct_document(node)
            out: dict[str, Any] = {}
            for key, value in node.value:
                if key.tag != text or not isinstance(key, yaml.ScalarNode):
                    return super().construct_document(node)
                if value.tag == text and isinstance(value, yaml.ScalarNode):
                    out[key.value] = value.value
                elif value.tag in scalars and isinstance(value, yaml.ScalarNode):
                    out[key.value] = self.construct_object(value)
                elif value.tag == listed and all(
                    item.tag == text and isinstance(item, yaml.ScalarNode) for item in value.value
                ):
                    out[key.value] = [item.value for item in value.value]
                else:
                    return super().construct_document(node)
            return out

    Loader.add_constructor(
        f"{tag}timestamp",
        lambda loader, node: loader.construct_scalar(cast("yaml.ScalarNode", node)),
    )
    return Loader


def _check_fields(meta: dict[str, Any], shown: str, vocab: Vocabulary) -> dict[str, Any]:
    for key in meta:
        if key not in FIELDS:
            raise RecapError(
                shown,
                _("unknown field {field}{hint}; known fields: {fields}").format(
                    field=quoted(key),
                    hint=did_you_mean(_word(key), list(FIELDS)),
                    fields=", ".join(FIELDS),
                ),
            )
    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            raise RecapError(shown, _("missing required field {field!r}").format(field=key))
    out: dict[str, Any] = {"date": _check_date(meta["date"], shown)}
    basin = meta["basin"]
    slugs = [b.slug for b in vocab.basins]
    if not isinstance(basin, str) or basin not in slugs:
        raise RecapError(
            shown,
            _("basin {basin} is not a known basin{hint}; known basins: {basins}").format(
                basin=quoted(basin), hint=did_you_mean(_word(basin), slugs), basins=", ".join(slugs)
            ),
        )
    out["basin"] = basin
    kind = meta.get("kind")
    if kind is not None and kind != WORKSHOP:
        if not isinstance(kind, str) or kind not in KINDS:
            raise RecapError(
                shown,
                _("kind: expected one of {kinds}, got {value}{hint}").format(
                    kinds=", ".join(KINDS),
                    value=quoted(kind),
                    hint=did_you_mean(_word(kind), list(KINDS)),
                ),
            )
        out["kind"] = kind
    for key, low in (("edition", 1), ("participants", 0)):
        if meta.get(key) is not None:
            out[key] = _check_int(key, meta[key], low, shown)
    for key in LIST_FIELDS:
        if meta.get(key) is not None:
            out[key] = _check_list(key, meta[key], shown)
    known_actions = [a.slug for a in vocab.actions]
    for slug in out.get("actions", []):
        if slug not in known_actions:
            raise RecapError(
                shown,
                _(
                    "actions: {action!r} is not a known action{hint}; kb.yml lists the actions"
                ).format(action=slug, hint=did_you_mean(slug, known_actions)),
            )
    for key in TEXT_FIELDS:
        if meta.get(key) is not None:
            if not isinstance(meta[key], str):
                raise RecapError(
                    shown,
                    _("{field}: expected a text, got {value}").format(
                        field=key, value=quoted(meta[key])
                    ),
                )
            out[key] = meta[key].strip()
    if meta.get("next_meeting") is not None:
        out["next_meeting"] = _check_when(meta["next_meeting"], shown)
    if meta.get("published") is not None:
        out["published"] = _check_date(meta["published"], shown, field="published")
    return out


def _word(value: object) -> str:
    """A key or value as a word to suggest a spelling for ('' for what is not text)."""
    return value if isinstance(value, str) else ""


def _check_date(value: Any, shown: str, *, field: str = "date") -> str:
    if isinstance(value, dt.datetime):
        raise RecapError(
            shown,
            _("{field}: expected a date like 2025-02-20, got a date and time {value}").format(
                field=field, value=value
            ),
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise RecapError(
        shown,
        _("{field}: expected an ISO date like 2025-02-20, got {value}").format(
            field=field, value=quoted(value)
        ),
    )


def _check_when(value: Any, shown: str) -> str:
    """next_meeting: an ISO date, or an ISO date and time (kept to the minute)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).isoformat()
            return dt.datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            pass
    raise RecapError(
        shown,
        _(
            "next_meeting: expected an ISO date or date and time like 2025-06-12 or "
            "2025-06-12T14:00, got {value}"
        ).format(value=quoted(value)),
    )


def _check_int(key: str, value: Any, low: int, shown: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise RecapError(
            shown,
            _("{field}: expected a whole number >= {low}, got {value}").format(
                field=key, low=low, value=quoted(value)
            ),
        )
    if value > MAX_NUMBER:  # SQLite stores integers up to 2**63 - 1: a count stays far below
        raise RecapError(
            shown,
            _("{field}: expected a whole number from {low} to {high}, got a larger one").format(
                field=key, low=low, high=number(MAX_NUMBER)
            ),
        )
    return value


def _check_list(key: str, value: Any, shown: str) -> list[str]:
    if isinstance(value, str):
        raise RecapError(
            shown,
            _("{field}: expected a list like [a, b], got the text {value}").format(
                field=key, value=quoted(value)
            ),
        )
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RecapError(
            shown,
            _("{field}: expected a list of texts, got {value}").format(
                field=key, value=quoted(value)
            ),
        )
    return [v.strip() for v in value]


_FRONTMATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)


def body_of(text: str) -> str:
    """The Markdown after the frontmatter, without the leading ``#`` title line."""
    body = _FRONTMATTER.sub("", text, count=1).lstrip("\n")
    first, _, rest = body.partition("\n")
    if _heading(first)[0] == 1 and first.startswith("# "):
        body = rest.lstrip("\n")
    return body


def _heading(line: str) -> tuple[int, str]:
    """A Markdown heading's level and text, without the closing ``#``s; (0, "") for
    another line."""
    match = _HEADING.fullmatch(line)
    if match is None:
        return 0, ""
    # The closing sequence: spaces, #s, spaces (a lazy pattern tried it at each character).
    return len(match.group(1)), match.group(2).rstrip(" \t").rstrip("#").rstrip(" \t")


def split_sections(body: str) -> tuple[str | None, tuple[Section, ...]]:
    """The first ``#`` heading (the title) and the sections: intro, then one per ``##``.

    Deeper headings (``###``) stay inside their section; headings in fenced code are text.
    """
    title: str | None = None
    chunks: list[tuple[str, list[str]]] = [("", [])]
    in_fence = False
    for line in body.split("\n"):
        if line[:1] not in _MARKED:  # most lines: neither a heading nor a fence
            chunks[-1][1].append(line)
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
        level, text = (0, "") if in_fence else _heading(line)
        if level == 1 and title is None and len(chunks) == 1:
            title = to_plain(text)
            continue
        if level == 2:
            chunks.append((to_plain(text), []))
            continue
        chunks[-1][1].append(line)
    sections = tuple(
        Section(i, heading, to_plain("\n".join(lines)).strip())
        for i, (heading, lines) in enumerate(chunks)
    )
    if not sections[0].text and len(sections) > 1:
        sections = sections[1:]
    return title, sections


def to_plain(markdown: str) -> str:
    """Markdown as plain text: links keep their text, emphasis and line marks go."""
    # Each substitution only where its pattern can match: a scan for a literal is
    # much cheaper than a regex substitution, and most texts have no link or emphasis.
    text = clean(_LINE_MARK.sub("\n", "\n" + markdown)[1:])
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "**" in text or "__" in text:
        text = _EMPHASIS.sub("", text)
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING.sub("", text)
    return _BLANKS.sub("\n\n", text) if "\n\n\n" in text else text


def check_frontmatter(data: bytes, vocab: Vocabulary, *, shown: str) -> dict[str, Any]:
    """The checked fields of a recap file's frontmatter (what ``parse_recap`` checks, with
    the same messages), before its name is known: ``kb add`` names the file from them."""
    meta, _ = _split_frontmatter(decode(data, shown), shown)
    return _check_fields(meta, shown, vocab)
