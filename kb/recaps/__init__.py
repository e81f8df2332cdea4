"""Recaps as files and texts: no index, no terminal.

``recap`` parses and checks one Markdown file; ``vocab`` reads ``kb.yml`` (basins,
actions, glossary; built-in defaults in ``defaults.yml``); ``actions`` finds the actions
a recap talks about; ``published`` turns a text as published into a Markdown recap (its
structure), reading its fields with ``facts`` (which date is the workshop's:
``workshop_date``; French dates: ``dates``), each as a ``reading`` with how sure kb is.

May import kb.errors, kb.i18n and kb.text.
"""
