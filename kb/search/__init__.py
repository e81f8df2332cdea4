"""Reading the index: search, list and show.

``query`` turns what a reader types into FTS5 expressions; ``ranking`` runs the
French-aware search (ranking, any-word fallback, did you mean); ``snippets`` marks the
matches in the sections shown; ``raw`` is ``--raw`` (FTS5 syntax as typed); ``filters``
are the basin, action and date filters; ``hits`` the results; ``lookup`` is
``kb list`` and ``kb show``; ``facets`` counts recaps per basin, action and year.

May import kb.config, kb.errors, kb.text, kb.recaps and kb.index.
"""
