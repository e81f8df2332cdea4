"""The work a rebuild does, in instructions counted by valgrind's callgrind, beside the
YAML floor of run.py (frontmatter parsing alone: a yardstick, not the rebuild's target,
which run.py measures in wall time against python-frontmatter + sqlite-utils FTS5).
Run on purpose; valgrind runs programs some 40x slower:

    python benchmarks/work.py                # 10,000 recaps: about 8 minutes
    python benchmarks/work.py --size 1000    # about 1 minute

Wall times on this machine move by a third from one run to the next; instruction counts
do not move at all, whatever else the machine is doing. Their ratio says how far the
rebuild can get on N cores at best: its instructions, spread evenly over N cores, against
the floor's in one process (it assumes both run at the same instructions per second).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import corpus, kb_install, yaml_floor  # noqa: E402


def instructions(cmd: list[str]) -> list[int]:
    """Instructions executed by each process of ``cmd`` (its children included)."""
    with tempfile.TemporaryDirectory() as out:
        log = Path(out) / "log"
        subprocess.run(
            [
                *("valgrind", "--tool=callgrind", "--trace-children=yes"),
                f"--callgrind-out-file={out}/callgrind.%p",
                f"--log-file={log}",
                *cmd,
            ],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        return [
            int(n.replace(",", "")) for n in re.findall(r"Collected : ([\d,]+)", log.read_text())
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--cores", type=int, default=2, help="cores to assume (default 2)")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is needed: apt-get install valgrind")
    kb = kb_install(False)
    folder = corpus(args.size)
    with tempfile.TemporaryDirectory() as tmp:
        rebuild = [str(kb), "index", "--rebuild", "--kb-dir", str(folder), "--db", f"{tmp}/i.db"]
        kb_counts = instructions(rebuild)
    floor = instructions(yaml_floor(folder))
    total, base = sum(kb_counts), sum(floor)
    print(f"{args.size:,} recaps, instructions (valgrind --tool=callgrind)")
    print(f"  kb index --rebuild: {total / 1e9:.2f} G in {len(kb_counts)} processes", end=" ")
    print(f"({', '.join(f'{n / 1e9:.2f}' for n in sorted(kb_counts, reverse=True))} G)")
    print(f"  YAML C loader over every frontmatter: {base / 1e9:.2f} G")
    print(f"  ratio: {total / base:.2f}x the floor's work", end="; ")
    print(f"on {args.cores} cores at best {total / base / args.cores:.2f}x its time")


if __name__ == "__main__":
    main()
