"""The SQLite index: a disposable cache of the knowledge-base folder.

``schema`` opens it and applies the numbered migrations; ``sync`` brings it in line with
the folder; ``folder`` takes the folder's snapshot (a stat of each file, in child
processes beside a query); ``prepare`` is the per-file work of a sync (read, parse,
analyse); ``fts`` is the full-text table (words, stems, inclusive forms); ``fresh``
answers a question from an index synced first (every command, every web page).

May import kb.config, kb.errors, kb.text and kb.recaps.
"""
