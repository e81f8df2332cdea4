"""The folder's snapshot taken in line (one process) or by two child processes (forked
workers, kb.index.folder.Pending): from what size the children pay. Run on purpose:

    python benchmarks/snapshot.py --sizes 1000,3000,10000,100000

Each figure is the median of --runs runs, the two ways interleaved, with the folder's
listing kept beside the index (as kb has it once the folder has been still for 2 s).
kb.index.fresh starts the children from PARALLEL_FROM files (kb/index/folder.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402

from kb.index import folder as snap  # noqa: E402


def corpus(n: int, data: Path) -> Path:
    folder = data / str(n) / "recaps"
    done = data / str(n) / "complete"
    if not done.exists():
        generate(n, folder)
        done.write_text("")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000,100000")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--data", default=str(HERE / ".data"))
    args = parser.parse_args()
    print("| files | in line | two children | children / in line |")
    print("| ---: | ---: | ---: | ---: |")
    for n in (int(s) for s in args.sizes.split(",")):
        folder = corpus(n, Path(args.data))
        listing = str(folder.parent / "snapshot.listing")
        time.sleep(2.1)  # the listing is kept once the folder has been still for 2 s
        assert (
            snap.snapshot(folder, listing)[1]
            == snap.Pending(str(folder), listing=listing).result()[1]
        )
        serial, forked = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            snap.snapshot(folder, listing)
            serial.append(time.perf_counter() - started)
            started = time.perf_counter()
            snap.Pending(str(folder), listing=listing).result()
            forked.append(time.perf_counter() - started)
        one, two = statistics.median(serial), statistics.median(forked)
        print(
            f"| {n:,} | {one * 1000:.1f} ms | {two * 1000:.1f} ms | {two / one:.2f} |", flush=True
        )


if __name__ == "__main__":
    main()
