"""Floors the benchmarks compare kb with, each in one process.

``yaml DIR``: parse every recap's frontmatter with PyYAML's C loader (what any indexer of
these files must at least do; shown beside the rebuild, no longer its target).

``frontmatter-fts DIR DB``: what a user would otherwise build, the pattern most
Markdown-to-SQLite sites use: python-frontmatter reads each file, sqlite-utils writes one
row per recap (its metadata and body) to a fresh DB and indexes title and body with FTS5's
porter tokenizer. No French analysis: the rebuild's target is measured against it.
"""

import os
import sys

if sys.argv[1] == "yaml":
    import yaml

    for entry in os.scandir(sys.argv[2]):
        with open(entry.path, encoding="utf-8") as handle:
            text = handle.read()
        yaml.load(text[4 : text.index("\n---\n", 4)], Loader=yaml.CSafeLoader)

elif sys.argv[1] == "frontmatter-fts":
    import frontmatter
    import sqlite_utils

    folder, path = sys.argv[2], sys.argv[3]
    if os.path.exists(path):
        os.remove(path)

    def rows():
        for entry in os.scandir(folder):
            if not entry.name.endswith(".md"):
                continue
            post = frontmatter.load(entry.path)
            # The title is the first "# " line; sqlite-utils stores dates as ISO text
            # and lists as JSON by itself.
            title = post.get("title") or post.content.partition("\n")[0].lstrip("# ").strip()
            yield {"id": entry.name[:-3], **post.metadata, "title": title, "body": post.content}

    db = sqlite_utils.Database(path)
    db["recaps"].insert_all(rows(), pk="id")
    db["recaps"].enable_fts(["title", "body"], tokenize="porter")
