"""The knowledge base's own data: basins (and, later, actions and a glossary).

Coordinators edit it in ``kb.yml`` beside the recaps; what the file does not define
comes from the built-in defaults below. Reading YAML is only done when the file
changed: the index keeps the parsed vocabulary as JSON (see ``kb.index``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import ConfigError, NotFoundError
from kb.text import did_you_mean, fold

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Basin:
    slug: str
    name: str
    communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    basins: tuple[Basin, ...] = field(default_factory=tuple)

    def basin(self, slug: str) -> Basin | None:
        return next((b for b in self.basins if b.slug == slug), None)

    def basin_name(self, slug: str) -> str:
        found = self.basin(slug)
        return found.name if found else slug

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "basins": [
                {"slug": b.slug, "name": b.name, "communes": list(b.communes)} for b in self.basins
            ]
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        return cls(
            basins=tuple(
                Basin(b["slug"], b["name"], tuple(b.get("communes", ()))) for b in data["basins"]
            )
        )


DEFAULT_BASINS = (
    Basin(
        "nord",
        "Nord",
        (
            "Berchem-Sainte-Agathe",
            "Bruxelles (Laeken, Neder-Over-Heembeek, Haren)",
            "Ganshoren",
            "Jette",
            "Koekelberg",
        ),
    ),
    Basin("nord-est", "Nord-Est", ("Evere", "Saint-Josse-ten-Noode", "Schaerbeek")),
    Basin(
        "centre-ouest",
        "Centre-Ouest",
        ("Anderlecht", "Bruxelles (Pentagone)", "Molenbeek-Saint-Jean"),
    ),
    Basin("sud", "Sud", ("Forest", "Ixelles", "Saint-Gilles", "Uccle", "Watermael-Boitsfort")),
    Basin(
        "sud-est",
        "Sud-Est",
        ("Auderghem", "Etterbeek", "Woluwe-Saint-Lambert", "Woluwe-Saint-Pierre"),
    ),
)

DEFAULTS = Vocabulary(basins=DEFAULT_BASINS)

KNOWN_KEYS = ("basins",)


def load_vocabulary(path: Path) -> Vocabulary:
    """Read ``kb.yml`` (if it exists) over the defaults. Raises ConfigError naming the field."""
    if not path.exists():
        return DEFAULTS
    import yaml  # lazy: only when kb.yml changed

    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=yaml.CSafeLoader)
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}") from None
    if data is None:
        return DEFAULTS
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with keys {', '.join(KNOWN_KEYS)}")
    for key in data:
        if key not in KNOWN_KEYS:
            raise ConfigError(
                f"{path}: unknown key {key!r}{did_you_mean(str(key), list(KNOWN_KEYS))}; "
                f"known keys: {', '.join(KNOWN_KEYS)}"
            )
    basins = _parse_basins(path, data["basins"]) if "basins" in data else DEFAULT_BASINS
    return Vocabulary(basins=basins)


def _parse_basins(path: Path, raw: Any) -> tuple[Basin, ...]:
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
