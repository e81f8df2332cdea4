"""kb: a command-line knowledge base for the recaps of the Ateliers du Changement.

The recaps (Markdown files in a folder) are the source of truth; the index is a cache.
Layers, each importing only from those above it (pyproject.toml's import-linter contracts
hold them: ``lint-imports``, run by .ci/run):

- kb.i18n: what kb says, in the reader's language; imports nothing of kb.

- kb.errors, kb.config: what a user can act on; where the folder and the index live.
- kb.text: folding, cleaning and French analysis of text.
- kb.recaps: one recap file (parse, check), kb.yml, actions, import of published text.
- kb.index: the SQLite index (schema, sync, the folder's snapshot, per-file work).
- kb.search and kb.timeline: what the index answers (the agenda too).
- kb.add: adding a recap (check, write atomically, index).
- kb.share: files to share: the agenda as iCalendar, exports as CSV, JSON lines, Markdown.
- kb.base: the knowledge base as one object (``KnowledgeBase``): every question the
  command line and the web sites ask, which call nothing else of the layers above.
- kb.web: the read-only web site (Starlette, Jinja2, uvicorn); never imports kb.cli.
- kb.cli: the command line; the only part that uses typer or rich.
"""

__version__ = "0.1.0"
