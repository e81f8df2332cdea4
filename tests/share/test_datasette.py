"""`kb datasette`: the index opens in Datasette as it is, with the metadata kb prints:
tables named and described, full-text search, facets by basin, action and year.
Datasette's own test client, no server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

datasette_app = pytest.importorskip("datasette.app")


def metadata(run: Run, kb_dir: Path) -> dict[str, Any]:
    result = run("datasette", "--kb-dir", str(kb_dir))
    assert result.exit_code == 0, result.stderr
    assert "datasette " in result.stderr and "--metadata metadata.json" in result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def ask(index: Path, meta: dict[str, Any], *paths: str) -> list[Any]:
    """Each path's answer from Datasette over ``index`` (JSON, else the HTML text)."""

    async def asking() -> list[Any]:
        ds = datasette_app.Datasette(files=[str(index)], metadata=meta)
        answers = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
            answers.append(response.json() if ".json" in path else response.text)
        return answers

    return asyncio.run(asking())


def counts(data: dict[str, Any], facet: str) -> dict[str, int]:
    return {str(r["value"]): r["count"] for r in data["facet_results"][facet]["results"]}


def test_the_index_searches_and_facets_in_datasette(run: Run, kb_dir: Path) -> None:
    meta = metadata(run, kb_dir)
    index = kb_dir / ".kb" / "index.sqlite"
    assert list(meta["databases"]) == ["index"]  # Datasette names a database by its file
    browse, narrowed, found, page, tables = ask(
        index,
        meta,
        "/index/recaps_browse.json?_shape=objects",
        "/index/recaps_browse.json?_shape=objects&basin=centre-ouest&year=2024",
        # No accent, as a partner types: the index ignores them.
        "/index/recaps_browse.json?_shape=objects&_search=epiceries",
        "/index/recaps_browse",
        "/index.json",
    )
    # The facets of the metadata, without asking: by basin, action (every action linked,
    # from the frontmatter or a heading) and year.
    assert counts(browse, "basin") == {"centre-ouest": 3, "sud": 1, "sud-est": 1}
    assert counts(browse, "year") == {"2025": 2, "2024": 2, "2023": 1}
    actions = counts(browse, "actions")
    assert actions["helpdesk"] == 1 and actions["plan-d-actions"] == 3
    assert [r["id"] for r in narrowed["rows"]] == ["2024-02-22-centre-ouest"]
    assert [r["id"] for r in found["rows"]] == ["2024-10-10-sud-est"]
    # Named and described; the search box is there; kb's own tables are hidden (and the
    # full-text tables, as Datasette hides them).
    assert "Comptes rendus" in page and "toutes les actions dont il parle" in page
    assert 'name="_search"' in page
    shown = {t["name"] for t in tables["tables"] if not t["hidden"]}
    assert shown == {"recaps", "sections", "recap_actions"}
    assert "recaps_browse" in {v["name"] for v in tables["views"]}


def test_the_search_uses_the_recaps_full_text_table(run: Run, kb_dir: Path) -> None:
    meta = metadata(run, kb_dir)
    table = meta["databases"]["index"]["tables"]["recaps"]
    assert (table["fts_table"], table["fts_pk"]) == ("recaps_fr", "n")
    (found,) = ask(
        kb_dir / ".kb" / "index.sqlite",
        meta,
        "/index/recaps.json?_shape=objects&_search=helpdesk&_facet=basin",
    )
    assert [r["id"] for r in found["rows"]] == ["2025-02-20-centre-ouest"]
    assert counts(found, "basin") == {"centre-ouest": 1}


def test_the_metadata_names_the_database_as_datasette_does(run: Run, kb_dir: Path) -> None:
    index = kb_dir.parent / "partage" / "adc.sqlite"
    result = run("datasette", "--kb-dir", str(kb_dir), "--db", str(index))
    assert result.exit_code == 0, result.stderr
    meta = json.loads(result.stdout)
    assert list(meta["databases"]) == ["adc"]
    (found,) = ask(index, meta, "/adc/recaps_browse.json?_search=helpdesk&_shape=objects")
    assert [r["id"] for r in found["rows"]] == ["2025-02-20-centre-ouest"]
    assert "year" in found["facet_results"]  # the metadata applied: its facets are there
