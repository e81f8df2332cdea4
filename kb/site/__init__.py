"""The static site (`kb site OUT/`): the web site's pages as files, for any web host.

``pages`` renders kb.web's templates with the data of the same functions, every address
made relative to the page (so the folder works where it is put, even opened from the
disk); ``search`` runs Pagefind over the recaps' pages (search in the browser, French
stems, accents ignored); ``output`` writes into the folder only what changed, and
refuses a folder that holds anything kb did not write there (a manifest lists it).

May import anything in kb but kb.cli; jinja2, markdown_it (through kb.web.app) and the
Pagefind binary of the ``pagefind-bin`` package. Nothing in kb imports it but kb.cli's
``site``, lazily.
"""
