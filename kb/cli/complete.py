"""Shell completion of option values: basin and action slugs, recap ids.

Part of the typer app (``kb --install-completion``): the shell runs ``kb`` with
``_KB_COMPLETE`` set, and typer answers with these. Values are read
from the index as it is, opened read-only and never synced (a completion must be quick,
and writes nothing: kb.base's ``ids`` and ``stored_vocabulary``); without an index,
basins and actions come from kb.yml or the defaults, and no id is offered. A completion
never fails: whatever goes wrong, it offers nothing, so that no traceback ever lands on
the shell's command line.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from kb.base import KnowledgeBase

Offers = list[tuple[str, str]]  # (value, what it is: shown by zsh, fish and PowerShell)


def basins(ctx: typer.Context) -> Offers:
    """Basin slugs (typer keeps those that start with what is typed)."""
    return _offer(ctx, lambda kb: [(b.slug, b.name) for b in kb.stored_vocabulary().basins])


def actions(ctx: typer.Context) -> Offers:
    """Action slugs (typer keeps those that start with what is typed)."""
    return _offer(ctx, lambda kb: [(a.slug, a.name) for a in kb.stored_vocabulary().actions])


def recap_ids(ctx: typer.Context, incomplete: str) -> Offers:
    """Recap ids of the index that start with ``incomplete``, with their titles."""
    return _offer(ctx, lambda kb: kb.ids(incomplete))


def _offer(ctx: typer.Context, find: Callable[[KnowledgeBase], Offers]) -> Offers:
    try:
        params = ctx.params
        return find(KnowledgeBase.open(params.get("kb_dir"), params.get("db")))
    except Exception:  # never a traceback on the shell's command line: offer nothing
        return []
