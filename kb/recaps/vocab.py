"""The knowledge base's own data: basins (and, later, actions and a glossary).

Coordinators edit it in ``kb.yml`` beside the recaps; what the file does not define
comes from the built-in defaults below. Reading YAML is only done when the file
changed: the index keeps the parsed vocabulary as JSON (see ``kb.index``).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any, NamedTuple

from kb.errors import ConfigError, NotFoundError
from kb.i18n import N_, _
from kb.text.fold import did_you_mean, fold

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Basin(NamedTuple):
    slug: str
    name: str
    communes: tuple[str, ...] = ()


class Action(NamedTuple):
    """A named action or recurring theme; ``aliases`` are its other names in recaps."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    basins: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it goes by: name first, then aliases."""
        return (self.name, *self.aliases)


class Vocabulary(NamedTuple):
    basins: tuple[Basin, ...] = ()
    actions: tuple[Action, ...] = ()
    # term -> what it stands for ("HD" -> ("Helpdesk",)), as written in kb.yml
    glossary: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # kb.yml's read_links_outside: whether a recap that is a link to a file outside the
    # knowledge-base folder is read (never by default: the web site would publish it).
    links_outside: bool = False

    def basin(self, slug: str) -> Basin | None:
        return next((b for b in self.basins if b.slug == slug), None)

    def basin_name(self, slug: str) -> str:
        found = self.basin(slug)
        return found.name if found else slug

    def action(self, slug: str) -> Action | None:
        return next((a for a in self.actions if a.slug == slug), None)

    def resolve_basin(self, text: str, *, option: str = "--basin") -> str:
        """The slug of the basin named ``text`` (slug or name, any case, accents, spacing)."""
        key = fold(text)
        for b in self.basins:
            if key in (b.slug, fold(b.name)):
                return b.slug
        slugs = [b.slug for b in self.basins]
        raise NotFoundError(
            _("{option} {text!r}: not a known basin{hint}; known basins: {basins}").format(
                option=option, text=text, hint=did_you_mean(text, slugs), basins=", ".join(slugs)
            )
        )

    def resolve_action(self, text: str, *, option: str = "--action") -> str:
        """The slug of the action named ``text``: its slug, name or an alias, any case."""
        key = fold(text)
        for a in self.actions:
            if key == a.slug or key in (fold(n) for n in a.names):
                return a.slug
        names = [a.slug for a in self.actions]
        raise NotFoundError(
            _(
                "{option} {text!r}: not a known action{hint}; "
                "`kb actions` lists them, kb.yml defines them"
            ).format(option=option, text=text, hint=did_you_mean(text, names))
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "basins": [
                {"slug": b.slug, "name": b.name, "communes": list(b.communes)} for b in self.basins
            ],
            "actions": [
                {
                    "slug": a.slug,
                    "name": a.name,
                    "aliases": list(a.aliases),
                    "basins": list(a.basins),
                }
                for a in self.actions
            ],
            "glossary": {term: list(expansions) for term, expansions in self.glossary},
            LINKS_OUTSIDE: self.links_outside,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        return cls(
            basins=tuple(
                Basin(b["slug"], b["name"], tuple(b.get("communes", ()))) for b in data["basins"]
            ),
            actions=tuple(
                Action(a["slug"], a["name"], tuple(a["aliases"]), tuple(a["basins"]))
                for a in data.get("actions", ())
            ),
            glossary=tuple((t, tuple(e)) for t, e in data.get("glossary", {}).items()),
            links_outside=bool(data.get(LINKS_OUTSIDE, False)),
        )


DEFAULTS_FILE = os.path.join(os.path.dirname(__file__), "defaults.yml")
FilePath = str | os.PathLike[str]
LINKS_OUTSIDE = "read_links_outside"
KNOWN_KEYS = ("basins", "actions", "glossary", LINKS_OUTSIDE)


@lru_cache(maxsize=1)
def defaults() -> Vocabulary:
    """kb's built-in vocabulary: kb/defaults.yml, shipped with the package."""
    return _from_data(DEFAULTS_FILE, _read_yaml(DEFAULTS_FILE), base=None)


def load_vocabulary(path: FilePath) -> Vocabulary:
    """Read ``kb.yml`` (if it exists) over the defaults. Raises ConfigError naming the field."""
    if not os.path.lexists(path):  # a link in a loop is not "no kb.yml": it is named
        return defaults()
    return _from_data(path, _read_yaml(path), base=defaults())


def _read_yaml(path: FilePath) -> Any:
    import yaml  # lazy: only when kb.yml changed

    try:
        with open(path, encoding="utf-8-sig") as handle:
            return yaml.load(handle.read(), Loader=yaml.CSafeLoader)
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: not UTF-8 text").format(path=path)) from None
    except FileNotFoundError:  # removed since it was seen, or a link to nothing: none
        return None
    except OSError as exc:
        raise ConfigError(
            _("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or _("cannot be parsed")
        if mark is None:
            message = _("{path}: invalid YAML: {problem}").format(path=path, problem=problem)
        else:
            message = _("{path}: invalid YAML (line {line}): {problem}").format(
                path=path, line=mark.line + 1, problem=problem
            )
        raise ConfigError(message) from None


def _from_data(path: FilePath, data: Any, base: Vocabulary | None) -> Vocabulary:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            _("{path}: expected a mapping with keys {keys}").format(
                path=path, keys=", ".join(KNOWN_KEYS)
            )
        )
    for key in data:
        if key not in KNOWN_KEYS:
            raise ConfigError(
                _("{path}: unknown key {key!r}{hint}; known keys: {keys}").format(
                    path=path,
                    key=key,
                    hint=did_you_mean(str(key), list(KNOWN_KEYS)),
                    keys=", ".join(KNOWN_KEYS),
                )
            )
    basins = _parse_basins(path, data["basins"]) if "basins" in data else None
    if basins is None:
        basins = base.basins if base else ()
    actions = _parse_actions(path, data["actions"], basins) if "actions" in data else None
    if actions is None:
        actions = base.actions if base else ()
    glossary = _parse_glossary(path, data["glossary"]) if "glossary" in data else None
    if glossary is None:
        glossary = base.glossary if base else ()
    links = data.get(LINKS_OUTSIDE, False)
    if not isinstance(links, bool):
        raise ConfigError(
            _("{path}: {key}: expected true or false").format(path=path, key=LINKS_OUTSIDE)
        )
    return Vocabulary(basins=basins, actions=actions, glossary=glossary, links_outside=links)


def _parse_basins(path: FilePath, raw: Any) -> tuple[Basin, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(
            _("{path}: basins must be a non-empty list of basins (slug, name)").format(path=path)
        )
    basins: list[Basin] = []
    for i, item in enumerate(raw):
        where = f"{path}: basins[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(
                _("{where}: expected a mapping with slug, name, communes").format(where=where)
            )
        slug, name = item.get("slug"), item.get("name")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise ConfigError(
                _("{where}.slug: expected lower-case letters, digits and hyphens").format(
                    where=where
                )
            )
        if name is None:
            name = slug
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(_("{where}.name: expected a text").format(where=where))
        communes = item.get("communes", [])
        if not isinstance(communes, list) or not all(isinstance(c, str) for c in communes):
            raise ConfigError(
                _("{where}.communes: expected a list of commune names").format(where=where)
            )
        if any(b.slug == slug for b in basins):
            raise ConfigError(
                _("{where}.slug: {slug!r} is listed twice").format(where=where, slug=slug)
            )
        basins.append(Basin(slug, name.strip(), tuple(communes)))
    return tuple(basins)


def _texts(where: str, value: Any, expected: str) -> tuple[str, ...]:
    """The texts of a list (or of one text); else ``expected`` (a message with ``{where}``)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(_(expected).format(where=where))
    return tuple(v.strip() for v in value)


def _parse_actions(path: FilePath, raw: Any, basins: tuple[Basin, ...]) -> tuple[Action, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(
            _("{path}: actions must be a list of actions (slug, name, aliases)").format(path=path)
        )
    known_basins = [b.slug for b in basins]
    actions: list[Action] = []
    for i, item in enumerate(raw):
        where = f"{path}: actions[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(
                _("{where}: expected a mapping with slug, name, aliases").format(where=where)
            )
        for key in item:
            if key not in ("slug", "name", "aliases", "basins"):
                raise ConfigError(
                    _(
                        "{where}: unknown key {key!r}; known keys: slug, name, aliases, basins"
                    ).format(where=where, key=key)
                )
        slug = item.get("slug")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise ConfigError(
                _("{where}.slug: expected lower-case letters, digits and hyphens").format(
                    where=where
                )
            )
        name = item.get("name", slug)
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(_("{where}.name: expected a text").format(where=where))
        aliases = _texts(
            f"{where}.aliases", item.get("aliases"), N_("{where}: expected a list of names")
        )
        run_by = _texts(
            f"{where}.basins", item.get("basins"), N_("{where}: expected a list of basin slugs")
        )
        for basin in run_by:
            if basin not in known_basins:
                raise ConfigError(
                    _("{where}.basins: {basin!r} is not a known basin{hint}").format(
                        where=where, basin=basin, hint=did_you_mean(basin, known_basins)
                    )
                )
        if any(a.slug == slug for a in actions):
            raise ConfigError(
                _("{where}.slug: {slug!r} is listed twice").format(where=where, slug=slug)
            )
        actions.append(Action(slug, name.strip(), aliases, run_by))
    return tuple(actions)


def _parse_glossary(path: FilePath, raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ConfigError(
            _("{path}: glossary must map a term to what it stands for (HD: Helpdesk)").format(
                path=path
            )
        )
    entries = []
    for term, expansions in raw.items():
        if not isinstance(term, str) or not term.strip():
            raise ConfigError(
                _("{path}: glossary: {term!r} is not a term").format(path=path, term=term)
            )
        expected = N_("{where}: expected a list of texts")
        entries.append((term.strip(), _texts(f"{path}: glossary.{term}", expansions, expected)))
    return tuple(entries)
