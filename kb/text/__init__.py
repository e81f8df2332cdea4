"""Text functions that know nothing of recaps.

``fold`` makes comparison keys (accents, case, close matches); ``shown`` cleans what is
shown on a terminal; ``french`` is the French analysis shared by the index, the queries
and the highlights (tokens, stems, inclusive forms, elision).

May import the standard library, PyStemmer and kb.i18n only.
"""
