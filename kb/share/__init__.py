"""Sharing the knowledge base as files: the agenda as iCalendar, the recaps as CSV, JSON
lines or one Markdown document.

``ics`` makes the calendar of the announced meetings (with icalendar); ``export`` the
exports of the recaps; ``files`` writes an export atomically, never as a recap.
Each takes plain data (or an index connection) and returns bytes: no terminal.

May import kb.config, kb.errors, kb.text, kb.recaps, kb.index, kb.search, kb.timeline and
kb.add (its atomic write); icalendar only inside the functions that need it.
"""
