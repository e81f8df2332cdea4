"""Following basins and actions through time, read from the index.

``entries`` is the timeline (recaps, announced meetings, editions without a recap, what
each recap says about an action); ``summaries`` the summary per basin and per action;
``agenda`` the meetings announced, each once, with where it stands.
"Today" is always a parameter, so what is upcoming is reproducible.

May import kb.errors, kb.text, kb.recaps, kb.index and kb.search.filters.
"""
