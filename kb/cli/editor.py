"""Running the reader's editor ($VISUAL, else $EDITOR) on a file: ``kb add``'s template
and ``kb open``."""

from __future__ import annotations

import os
import shlex
import subprocess

from kb.errors import KbError, UsageError
from kb.i18n import _


def run_editor(path: str | os.PathLike[str]) -> int:
    """Run $VISUAL (else $EDITOR) on ``path``; its exit status."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    try:
        command = shlex.split(editor, posix=os.name != "nt")
    except ValueError:
        raise UsageError(
            _("the editor command {command!r} cannot be read (unbalanced quotes)").format(
                command=editor
            )
        ) from None
    if not command:
        raise UsageError(_("no editor: set VISUAL or EDITOR (export EDITOR=nano)"))
    argv = [*command, os.fspath(path)]
    try:
        return subprocess.run(argv, check=False).returncode
    except OSError as exc:
        raise KbError(
            _("cannot run the editor {editor!r} ({reason}); set VISUAL or EDITOR").format(
                editor=argv[0], reason=exc.strerror
            )
        ) from None
