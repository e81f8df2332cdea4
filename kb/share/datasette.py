"""Datasette's metadata for the index: the index opens (or is published) in Datasette as
it is, its tables named and described, searchable and faceted.

Datasette (not a dependency of kb) reads the SQLite file itself; this says what each table
holds, that ``recaps_fr`` is the full-text index of ``recaps`` (its rowid is ``recaps.n``),
and which facets to show. ``recaps_browse`` is a view of the recaps with their year and
every action linked to them (kb.index.schema): the facets by basin, action and year,
which a table's columns alone cannot give. The texts are French, as the site's.
"""

from __future__ import annotations

import os
from typing import Any

from kb.config import Location
from kb.recaps.vocab import Vocabulary

TITLE = "Ateliers du Changement — comptes rendus"
SEARCH = {"fts_table": "recaps_fr", "fts_pk": "n"}
HIDDEN = ("meta", "files", "recaps_fr_vocab", "vectors", "means")  # meaning, as bytes


def database_name(loc: Location) -> str:
    """The name Datasette gives the index: its file name without the extension."""
    return os.path.splitext(os.path.basename(loc.index_file))[0]


def metadata(loc: Location, vocab: Vocabulary) -> dict[str, Any]:
    """The metadata document (``datasette INDEX --metadata FILE``)."""
    basins = ", ".join(f"{b.slug} ({b.name})" for b in vocab.basins)
    tables: dict[str, Any] = {
        "recaps_browse": {
            "title": "Comptes rendus",
            "description": (
                "Un compte rendu par ligne, avec son année et toutes les actions dont il "
                "parle. La recherche porte sur le titre et le texte (accents et majuscules "
                f"ignorés). Bassins : {basins}."
            ),
            "facets": ["basin", {"array": "actions"}, "year"],
            "sort_desc": "date",
            "label_column": "title",
            **SEARCH,
        },
        "recaps": {
            "title": "Comptes rendus (champs)",
            "description": (
                "Les champs de chaque compte rendu tels que l'en-tête les donne (listes en "
                "JSON) ; path : le fichier dans le dossier des comptes rendus."
            ),
            "facets": ["basin", {"array": "actions"}],
            "sort_desc": "date",
            "label_column": "title",
            **SEARCH,
        },
        "sections": {
            "title": "Sections",
            "description": "Les sections (## titre) de chaque compte rendu, dans l'ordre.",
            "facets": ["recap_id"],
        },
        "recap_actions": {
            "title": "Actions par compte rendu",
            "description": (
                "Les actions dont parle chaque compte rendu : nommées dans l'en-tête ou "
                "dans un titre de section (sections : leurs positions, en JSON)."
            ),
            "facets": ["action"],
        },
        "recaps_fr": {
            "title": "Index plein texte",
            "description": (
                "L'index plein texte (FTS5) des comptes rendus : mots, racines françaises "
                "et formes inclusives ; rowid = recaps.n."
            ),
        },
        **{name: {"hidden": True} for name in HIDDEN},
    }
    return {
        "title": TITLE,
        "description": (
            "L'index de kb : une copie des comptes rendus des Ateliers du Changement, "
            "refaite à partir des fichiers."
        ),
        "databases": {database_name(loc): {"tables": tables}},
    }
