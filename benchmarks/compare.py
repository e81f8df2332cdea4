"""Two installs of kb beside `sqlite-utils search`, their runs interleaved: a change's
searches before and after, measured at the same moments of a noisy machine.

    python3 -m venv /tmp/before && /tmp/before/bin/pip install -q <checkout of main>
    python benchmarks/compare.py /tmp/before/bin/kb --runs 5

The second kb is benchmarks/.venv's (run.py installs it); the corpora are run.py's.
"""

from __future__ import annotations

import argparse
import statistics

from run import VENV, corpus, kb_install, once, peer_search

QUERIES = (
    ("addiction", [], True),  # found by meaning
    ("personnes âgées", [], True),  # some words, and meaning
    ("santé mentale quartiers", ["--json"], False),  # meaning scores of the hits
    ("bassin", ["--json"], False),
    ("tramontane", [], True),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the kb script to compare with")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    after = str(kb_install(False))
    print(f"| recaps | search | before | after ({VENV.name}) | sqlite-utils search |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for n in (int(s) for s in args.sizes.split(",")):
        folder = corpus(n)
        where = ["--kb-dir", str(folder), "--db", str(folder.parent / "index.sqlite")]
        peer = peer_search(folder)
        for query, extra, tty in QUERIES:
            took: dict[str, list[float]] = {"before": [], "after": [], "peer": []}
            for _ in range(args.runs):
                took["peer"].append(once([*peer, query])[0])
                for name, kb in (("before", args.before), ("after", after)):
                    took[name].append(once([kb, "search", query, *where, *extra], tty=tty)[0])
            ms = {k: statistics.median(v) * 1000 for k, v in took.items()}
            what = " ".join([query, *extra]) + (" (terminal)" if tty else "")
            print(
                f"| {n:,} | `{what}` | {ms['before']:,.0f} ms ({ms['before'] / ms['peer']:.2f}x)"
                f" | {ms['after']:,.0f} ms ({ms['after'] / ms['peer']:.2f}x)"
                f" | {ms['peer']:,.0f} ms |",
                flush=True,
            )


if __name__ == "__main__":
    main()
