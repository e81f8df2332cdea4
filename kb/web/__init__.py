"""A read-only web site over the index, for partners who do not use a terminal.

``app`` is the Starlette application (search with counts per basin, action and year, a
page per recap, the timeline, the agenda and its calendar file); ``server`` listens on a
socket and runs it with uvicorn; ``templates/`` holds every page's text (French: the
partners' language) and ``static/`` its style sheet. It answers each request as the
command line does (kb.index.fresh: the index brought in line with the folder first) and
never writes to the recaps.

May import anything in kb but kb.cli; starlette, jinja2, markdown_it and uvicorn. Nothing
in kb imports it but kb.cli's ``serve`` and kb.site (its templates and page data), lazily.
"""
