"""Floors the benchmarks compare kb with. ``yaml DIR``: parse every recap's frontmatter
with PyYAML's C loader in one process (what any indexer of these files must at least do)."""

import os
import sys

import yaml

if sys.argv[1] == "yaml":
    for entry in os.scandir(sys.argv[2]):
        with open(entry.path, encoding="utf-8") as handle:
            text = handle.read()
        yaml.load(text[4 : text.index("\n---\n", 4)], Loader=yaml.CSafeLoader)
