"""Where the knowledge base and its index live.

The folder: ``--kb-dir``, else ``$KB_DIR``, else ``./recaps`` when it exists.
The index: ``--db``, else ``$KB_DB``, else ``<folder>/.kb/index.sqlite`` (a folder that
carries its own ``.gitignore``, so git never sees the cache).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from kb.errors import ConfigError

DEFAULT_FOLDER = "recaps"
INDEX_DIR = ".kb"
INDEX_NAME = "index.sqlite"
DATA_FILE = "kb.yml"


class Location(NamedTuple):
    """A knowledge base: its folder (as the user named it) and its index file."""

    kb_dir: Path
    db: Path

    @property
    def data_file(self) -> Path:
        return self.kb_dir / DATA_FILE

    def shown(self, relpath: str) -> str:
        """A recap's path as the user sees it: the folder as given, then the file."""
        return str(self.kb_dir / relpath)


def locate(
    kb_dir: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Location:
    """Resolve the knowledge-base folder and index from options, environment, defaults."""
    env = os.environ if environ is None else environ
    if kb_dir is not None:
        folder, origin = Path(kb_dir), "--kb-dir"
    elif env.get("KB_DIR"):
        folder, origin = Path(env["KB_DIR"]), "KB_DIR"
    else:
        folder, origin = Path(DEFAULT_FOLDER), ""
        if not folder.is_dir():
            raise ConfigError(
                "no knowledge base here: pass --kb-dir DIR, set KB_DIR, "
                "or run kb from a folder that has a recaps/ folder"
            )
    if not folder.is_dir():
        raise ConfigError(f"{origin} {folder}: not a folder (expected the folder of the recaps)")
    if db is not None:
        index = Path(db)
    elif env.get("KB_DB"):
        index = Path(env["KB_DB"])
    else:
        index = folder / INDEX_DIR / INDEX_NAME
    return Location(kb_dir=folder, db=index)


def today(*, environ: Mapping[str, str] | None = None) -> dt.date:
    """Today's date: ``$KB_TODAY`` (YYYY-MM-DD) when set, for reproducible output; else the
    clock."""
    env = os.environ if environ is None else environ
    text = env.get("KB_TODAY", "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"KB_TODAY {text!r}: expected a date like 2025-09-01") from None
