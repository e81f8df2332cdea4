"""Writing the static site into its folder: only the files whose bytes changed, and
never into a folder that holds anything else.

kb keeps the list of the files it wrote in the folder's MANIFEST. A folder is used when it
does not exist yet, is empty, or holds only files that list names; anything else (a recap,
the knowledge base itself, a file someone put there) is refused before anything is
written. A file that is no longer part of the site is removed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.config import Location
from kb.errors import KbError, UsageError
from kb.i18n import _

MANIFEST = ".kb-site.json"
# What says that a folder holds recaps, or is a knowledge base.
RECAP_SUFFIX = ".md"
KB_FILES = ("kb.yml", ".kb")


@dataclass
class Written:
    """What a build did in the folder, by path in the site."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def check(out: str, loc: Location) -> list[str]:
    """The files kb wrote in ``out`` before (its manifest), after checking that ``out``
    can take the site: UsageError otherwise, naming what is in the way."""
    where = os.path.realpath(out)
    kb = os.path.realpath(loc.folder)
    index = os.path.realpath(loc.index_file)
    if (
        os.path.commonpath([where, kb]) in (where, kb)
        or os.path.commonpath([where, index]) == where
    ):
        raise UsageError(
            _(
                "{out}: is or holds the knowledge base {folder}; give kb site a folder of its own"
            ).format(out=out, folder=loc.folder)
        )
    if not os.path.exists(out):
        return []
    if not os.path.isdir(out):
        raise UsageError(_("{out}: not a folder; give kb site a folder").format(out=out))
    known = _manifest(out)
    for name in _present(out):
        if name in known:
            continue
        base = os.path.basename(name)
        if base.endswith(RECAP_SUFFIX) or base in KB_FILES:
            message = _(
                "{out}: holds recaps ({name}); kb site writes only into an empty folder or "
                "a site it wrote"
            )
        else:
            message = _(
                "{out}: holds {name}, which kb did not write; kb site writes only into an "
                "empty folder or a site it wrote"
            )
        raise UsageError(message.format(out=out, name=name))
    return sorted(known)


def _manifest(out: str) -> set[str]:
    path = os.path.join(out, MANIFEST)
    if not os.path.exists(path):
        return set()
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        files = data["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(
            _("{path}: not kb's list of the site's files; give kb site another folder").format(
                path=path
            )
        ) from None
    return {f for f in files if _safe(f)}


def _safe(name: str) -> bool:
    """A path inside the folder (a manifest edited by hand could name ../x)."""
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "" not in parts


def _present(out: str) -> list[str]:
    """The files in ``out`` (links too, never followed), by path in the site, but the
    manifest; folders that hold nothing are not counted."""
    found = []
    for folder, dirs, names in os.walk(out):
        dirs.sort()
        for name in sorted(names) + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            rel = os.path.relpath(os.path.join(folder, name), out).replace(os.sep, "/")
            if rel != MANIFEST:
                found.append(rel)
    return found


def write(out: str, files: Mapping[str, bytes], before: list[str]) -> Written:
    """Write ``files`` into ``out``: each whole (a temporary file, then a rename), only
    when its bytes differ; remove the files of ``before`` that are no longer in it. The
    manifest names every file kb may have written at each step, so that an interrupted
    build leaves a folder the next build takes."""
    from kb.add import write_atomic

    done = Written()
    root = Path(out)
    try:
        root.mkdir(parents=True, exist_ok=True)
        _write_manifest(root, sorted(set(before) | set(files)))
        for name in sorted(files):
            path = root.joinpath(*name.split("/"))
            data = files[name]
            if path.is_file() and path.read_bytes() == data:
                done.unchanged.append(name)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data, mode=_mode(), exclusive=False)
            done.written.append(name)
        for name in sorted(set(before) - set(files)):
            path = root.joinpath(*name.split("/"))
            if path.is_file() or path.is_symlink():
                path.unlink()
                done.removed.append(name)
                _prune(path.parent, root)
        _write_manifest(root, sorted(files))
    except OSError as exc:
        raise KbError(
            _("{out}: cannot be written ({reason})").format(
                out=exc.filename or out, reason=exc.strerror
            )
        ) from None
    return done


def _write_manifest(root: Path, names: list[str]) -> None:
    from kb import __version__
    from kb.add import write_atomic

    text = json.dumps({"kb": __version__, "files": names}, indent=1, ensure_ascii=False)
    data = (text + "\n").encode("utf-8")
    path = root / MANIFEST
    if not (path.is_file() and path.read_bytes() == data):
        write_atomic(path, data, mode=_mode(), exclusive=False)


def _prune(folder: Path, root: Path) -> None:
    """Remove the folders a removal left empty, up to the site's."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
