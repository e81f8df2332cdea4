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
            f"{option} {text!r}: not a known basin{did_you_mean(text, slugs)}; "
            f"known basins: {', '.join(slugs)}"
        )

    def resolve_action(self, text: str, *, option: str = "--action") -> str:
        """The slug of the action named ``text``: its slug, name or an alias, any case."""
        key = fold(text)
        for a in self.actions:
            if key == a.slug or key in (fold(n) for n in a.names):
                return a.slug
        names = [a.slug for a in self.actions]
        raise NotFoundError(
            f"{option} {text!r}: not a known action{did_you_mean(text, names)}; "
            "`kb actions` lists them, kb.yml defines them"
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
        )


DEFAULTS_FILE = os.path.join(os.path.dirname(__file__), "defaults.yml")
FilePath = str | os.PathLike[str]
KNOWN_KEYS = ("basins", "actions", "glossary")


@lru_cache(maxsize=1)
def defaults() -> Vocabulary:
    """kb's built-in vocabulary: kb/defaults.yml, shipped with the package."""
    return _from_data(DEFAULTS_FILE, _read_yaml(DEFAULTS_FILE), base=None)


def load_vocabulary(path: FilePath) -> Vocabulary:
    """Read ``kb.yml`` (if it exists) over the defaults. Raises ConfigError naming the field."""
    if not os.path.exists(path):
        return defaults()
    return _from_data(path, _read_yaml(path), base=defaults())


def _read_yaml(path: FilePath) -> Any:
    import yaml  # lazy: only when kb.yml changed

    try:
        with open(path, encoding="utf-8-sig") as handle:
            return yaml.load(handle.read(), Loader=yaml.CSafeLoader)
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}") from None


def _from_data(path: FilePath, data: Any, base: Vocabulary | None) -> Vocabulary:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with keys {', '.join(KNOWN_KEYS)}")
    for key in data:
        if key not in KNOWN_KEYS:
            raise ConfigError(
                f"{path}: unknown key {key!r}{did_you_mean(str(key), list(KNOWN_KEYS))}; "
                f"known keys: {', '.join(KNOWN_KEYS)}"
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
    return Vocabulary(basins=basins, actions=actions, glossary=glossary)


def _parse_basins(path: FilePath, raw: Any) -> tuple[Basin, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: basins must be a non-empty list of basins (slug, name)")
    basins: list[Basin] = []
    for i, item in enumerate(raw):
        where = f"{path}: basins[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping with slug, name, communes")
        slug, name = item.get("slug"), item.get("name")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise ConfigError(f"{where}.slug: expected lower-case letters, digits and hyphens")
        if name is None:
            name = slug
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}.name: expected a text")
        communes = item.get("communes", [])
        if not isinstance(communes, list) or not all(isinstance(c, str) for c in communes):
            raise ConfigError(f"{where}.communes: expected a list of commune names")
        if any(b.slug == slug for b in basins):
            raise ConfigError(f"{where}.slug: {slug!r} is listed twice")
        basins.append(Basin(slug, name.strip(), tuple(communes)))
    return tuple(basins)


def _texts(where: str, value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of {what}")
    return tuple(v.strip() for v in value)


def _parse_actions(path: FilePath, raw: Any, basins: tuple[Basin, ...]) -> tuple[Action, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: actions must be a list of actions (slug, name, aliases)")
    known_basins = [b.slug for b in basins]
    actions: list[Action] = []
    for i, item in enumerate(raw):
        where = f"{path}: actions[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping with slug, name, aliases")
        for key in item:
            if key not in ("slug", "name", "aliases", "basins"):
                raise ConfigError(
                    f"{where}: unknown key {key!r}; known keys: slug, name, aliases, basins"
                )
        slug = item.get("slug")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise ConfigError(f"{where}.slug: expected lower-case letters, digits and hyphens")
        name = item.get("name", slug)
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}.name: expected a text")
        aliases = _texts(f"{where}.aliases", item.get("aliases"), "names")
        run_by = _texts(f"{where}.basins", item.get("basins"), "basin slugs")
        for basin in run_by:
            if basin not in known_basins:
                raise ConfigError(
                    f"{where}.basins: {basin!r} is not a known basin"
                    f"{did_you_mean(basin, known_basins)}"
                )
        if any(a.slug == slug for a in actions):
            raise ConfigError(f"{where}.slug: {slug!r} is listed twice")
        actions.append(Action(slug, name.strip(), aliases, run_by))
    return tuple(actions)


def _parse_glossary(path: FilePath, raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: glossary must map a term to what it stands for (HD: Helpdesk)")
    entries = []
    for term, expansions in raw.items():
        if not isinstance(term, str) or not term.strip():
            raise ConfigError(f"{path}: glossary: {term!r} is not a term")
        entries.append((term.strip(), _texts(f"{path}: glossary.{term}", expansions, "texts")))
    return tuple(entries)
