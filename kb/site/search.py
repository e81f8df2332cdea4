"""The static site's search index: Pagefind, run over the recaps' pages.

Pagefind (the ``pagefind-bin`` package ships its binary) reads the pages as a browser
would: each recap's article (``data-pagefind-body``), in French (the pages' ``lang``),
so words are stemmed by Snowball's French rules and accents are ignored. Its bundle
(the index in fragments, the script and the search box) goes beside the pages, in
``pagefind/``. Its file names are hashes of their content: a rebuild of the same recaps
gives the same files.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping

from kb.errors import KbError
from kb.i18n import _

BUNDLE = "pagefind"
PAGES = "recaps/*.html"
# The crumbs above a recap are the site's words, not the recap's.
IGNORED = "nav"


def binary() -> str:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one pagefind-bin installed."""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given:
        return given
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise KbError(
            _("kb site: Pagefind is missing (the pagefind-bin package); reinstall kb")
        ) from None
    return str(get_executable())


def index(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Pagefind's bundle for the recap pages among ``files``, by its path in the site."""
    with tempfile.TemporaryDirectory(prefix="kb-site-") as work:
        site = os.path.join(work, "site")
        for name, data in files.items():
            if name.startswith("recaps/") and name.endswith(".html"):
                path = os.path.join(site, *name.split("/"))
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as handle:
                    handle.write(data)
        os.makedirs(site, exist_ok=True)
        bundle = os.path.join(work, BUNDLE)
        command = [
            binary(),
            "--site", site,
            "--glob", PAGES,
            "--exclude-selectors", IGNORED,
            "--output-path", bundle,
            "--silent",
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise KbError(
                _("kb site: Pagefind could not run ({reason})").format(reason=exc)
            ) from None
        if done.returncode != 0:
            said = " ".join((done.stderr or done.stdout).split())[:300]
            raise KbError(_("kb site: Pagefind failed ({reason})").format(reason=said))
        out: dict[str, bytes] = {}
        for folder, _dirs, names in os.walk(bundle):
            for name in names:
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, work).replace(os.sep, "/")
                with open(path, "rb") as handle:
                    out[rel] = handle.read()
        return out
