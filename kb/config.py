"""Where the knowledge base and its index live.

The folder: ``--kb-dir``, else ``$KB_DIR``, else ``./recaps`` when it exists.
The index: ``--db``, else ``$KB_DB``, else ``<folder>/.kb/index.sqlite`` (a folder that
carries its own ``.gitignore``, so git never sees the cache) when kb can write there,
else (a read-only folder) ``$XDG_CACHE_HOME/kb/<folder's key>/index.sqlite``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from kb.errors import ConfigError
from kb.i18n import _

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
    # Who chose the index: "" (kb, beside the recaps), "cache" (kb, in the user's cache:
    # the folder cannot be written), "--db" or "KB_DB" (the user).
    origin: str = ""

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


def leads_out(folder: str, relpath: str) -> bool:
    """Whether the recap file ``relpath`` of ``folder`` is a link (or a chain of them) to
    a file outside the folder."""
    path = os.path.join(folder, relpath)
    if not os.path.islink(path):  # the walk follows no link to a folder: only the file
        return False
    root = os.path.realpath(folder)
    return os.path.commonpath([root, os.path.realpath(path)]) != root


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
            _(
                "no knowledge base here: pass --kb-dir DIR, set KB_DIR, "
                "or run kb from a folder that has a recaps/ folder"
            )
        )
    if not os.path.isdir(folder):
        raise ConfigError(
            _("{origin} {folder}: not a folder (expected the folder of the recaps)").format(
                origin=origin, folder=folder
            )
        )
    if not folder.isascii():
        _check_utf8(folder, origin or "folder")
    if db is not None:
        return Location(folder, _path(db), "--db")
    if env.get("KB_DB"):
        return Location(folder, _path(env["KB_DB"]), "KB_DB")
    index = os.path.join(folder, INDEX_DIR, INDEX_NAME)
    if _writable(folder, index):
        return Location(folder, index)
    return Location(folder, cache_index(folder, env), "cache")


def _writable(folder: str, index: str) -> bool:
    """Whether kb can keep the index at ``index``, in ``<folder>/.kb``: write the file
    (and its journal, and a new file renamed over it), or make the folder."""
    index_dir = os.path.dirname(index)
    if os.access(index_dir, os.W_OK):
        return os.access(index, os.W_OK) or not os.path.lexists(index)
    return not os.path.lexists(index_dir) and os.access(folder, os.W_OK)


def cache_index(folder: str, environ: Mapping[str, str]) -> str:
    """Where the index of a folder kb cannot write goes: the user's cache, under a key
    of the folder's real path (the same folder however it is named)."""
    import hashlib  # lazy: a read-only folder is rare

    base = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
        base = environ.get("LOCALAPPDATA", "") if os.name == "nt" else ""
        base = base or os.path.join(os.path.expanduser("~"), ".cache")
    real = os.path.realpath(folder).encode("utf-8", "surrogateescape")
    return os.path.join(base, "kb", hashlib.sha256(real).hexdigest()[:16], INDEX_NAME)


def _check_utf8(path: str, origin: str) -> None:
    """Every path kb shows or stores starts with the folder's: it must be UTF-8 text."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        shown = path.encode("utf-8", "backslashreplace").decode("utf-8")
        raise ConfigError(
            _(
                "{origin} {folder}: the name is not UTF-8 text; rename the folder, "
                "or give kb a link to it with a UTF-8 name"
            ).format(origin=origin, folder=shown)
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
        raise ConfigError(
            _("KB_TODAY {value!r}: expected a date like 2025-09-01").format(value=text)
        ) from None
