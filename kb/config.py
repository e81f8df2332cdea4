"""Where the knowledge base and its index live.

The folder: ``--kb-dir``, else ``$KB_DIR``, else ``./recaps`` when it exists.
The index: ``--db``, else ``$KB_DB``, else ``<folder>/.kb/index.sqlite`` (a folder that
carries its own ``.gitignore``, so git never sees the cache).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from kb.errors import ConfigError

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

DEFAULT_FOLDER = "recaps"
INDEX_DIR = ".kb"
INDEX_NAME = "index.sqlite"
DATA_FILE = "kb.yml"


class Location(NamedTuple):
    """A knowledge base: its folder (as the user named it) and its index file.

    Kept as text: the reading commands use ``os.path`` on ``folder`` and ``index_file`` (a
    search never imports pathlib, 10 ms); ``kb_dir`` and ``db`` give them as Paths."""

    folder: str
    index_file: str

    @property
    def kb_dir(self) -> Path:
        from pathlib import Path

        return Path(self.folder)

    @property
    def db(self) -> Path:
        from pathlib import Path

        return Path(self.index_file)

    @property
    def data_file(self) -> str:
        return os.path.join(self.folder, DATA_FILE)

    def shown(self, relpath: str) -> str:
        """A recap's path as the user sees it: the folder as given, then the file."""
        return os.path.join(self.folder, relpath)


def locate(
    kb_dir: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Location:
    """Resolve the knowledge-base folder and index from options, environment, defaults."""
    env = os.environ if environ is None else environ
    folder, origin = named_folder(kb_dir, env)
    if not origin and not os.path.isdir(folder):
        raise ConfigError(
            "no knowledge base here: pass --kb-dir DIR, set KB_DIR, "
            "or run kb from a folder that has a recaps/ folder"
        )
    if not os.path.isdir(folder):
        raise ConfigError(f"{origin} {folder}: not a folder (expected the folder of the recaps)")
    if not folder.isascii():
        _check_utf8(folder, origin or "folder")
    if db is not None:
        index = _path(db)
    elif env.get("KB_DB"):
        index = _path(env["KB_DB"])
    else:
        index = os.path.join(folder, INDEX_DIR, INDEX_NAME)
    return Location(folder, index)


def _check_utf8(path: str, origin: str) -> None:
    """Every path kb shows or stores starts with the folder's: it must be UTF-8 text."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        shown = path.encode("utf-8", "backslashreplace").decode("utf-8")
        raise ConfigError(
            f"{origin} {shown}: the name is not UTF-8 text; rename the folder, "
            "or give kb a link to it with a UTF-8 name"
        ) from None


def named_folder(
    kb_dir: str | os.PathLike[str] | None, environ: Mapping[str, str]
) -> tuple[str, str]:
    """The knowledge-base folder the user names, and where they named it: ``--kb-dir``,
    else ``KB_DIR``, else ``./recaps`` (origin ``""``). Not checked."""
    if kb_dir is not None:
        return _path(kb_dir), "--kb-dir"
    if environ.get("KB_DIR"):
        return _path(environ["KB_DIR"]), "KB_DIR"
    return DEFAULT_FOLDER, ""


def _path(name: str | os.PathLike[str]) -> str:
    """A path as given, tidied as pathlib shows it (``./recaps/`` -> ``recaps``)."""
    return os.path.normpath(os.fspath(name))


def today(*, environ: Mapping[str, str] | None = None) -> dt.date:
    """Today's date: ``$KB_TODAY`` (YYYY-MM-DD) when set, for reproducible output; else the
    clock."""
    import datetime as dt  # lazy: only the commands that speak of today need it

    env = os.environ if environ is None else environ
    text = env.get("KB_TODAY", "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"KB_TODAY {text!r}: expected a date like 2025-09-01") from None
