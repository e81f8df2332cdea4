"""Benchmarks of kb as whole processes, on generated corpora. Run on purpose:

    python benchmarks/run.py                 # 1,000 and 10,000 recaps
    python benchmarks/run.py --sizes 100000  # the large one (generation takes minutes)

kb is measured from a regular (non-editable) install in benchmarks/.venv, made on first
use from this checkout, as users have it. Each figure is the median of --runs runs, and
is given beside a floor measured in the same run (the same machine, the same moment), so
ratios stay meaningful on a noisy machine; each search also beside its peer, `sqlite-utils
search` on a porter FTS5 table of the same files (target: kb <= 1.25x). Ends with the
judged set's pass rates (tests/search/relevance/mixed.py). Writes benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import os
import pty
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
VENV = HERE / ".venv"
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

RARE, COMMON, PREFIX, PHRASE = "tramontane", "bassin", "accompagn*", '"santé mentale"'
# A word no generated recap has: found by meaning alone (kb/search/meaning.py).
MEANING = "addiction"
WORDS = "santé mentale quartiers"  # several words: what proximity re-ranks
# The peer of a search (issue 22's target: kb search <= 1.25x it): sqlite-utils' own CLI
# on a porter FTS5 table of the same files, as many results as kb shows by default.
PEER_TARGET = 1.25


def kb_install(rebuild: bool) -> Path:
    """A regular install of this checkout in benchmarks/.venv; returns its kb script."""
    kb = VENV / "bin" / "kb"
    if rebuild or not kb.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", str(ROOT)], check=True)
    return kb


def corpus(n: int) -> Path:
    folder = DATA / str(n) / "recaps"
    done = DATA / str(n) / "complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        generate(n, folder)
        done.write_text("")
        print(f"  generated {n} recaps in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def once(cmd: list[str], *, tty: bool = False) -> tuple[float, int]:
    """Wall time (s) and peak memory (KB) of one run of ``cmd``."""
    # KB_PAGER=cat: on the terminal, kb prints as it would without a pager (a long
    # output would otherwise wait in less for a key).
    env = dict(os.environ, COLUMNS="100", LINES="50", KB_PAGER="cat")
    if not tty:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    else:
        master, slave = pty.openpty()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=env)
        os.close(slave)
        reader = threading.Thread(target=_drain, args=(master,))
        reader.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        reader.join()
        os.close(master)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # rg -l exits 1 when nothing matches
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def median(
    cmd: list[str], runs: int, *, tty: bool = False, before: Callable[[], object] | None = None
) -> tuple[float, int]:
    times, peak = [], 0
    for _ in range(runs):
        if before is not None:
            before()
        elapsed, rss = once(cmd, tty=tty)
        times.append(elapsed)
        peak = max(peak, rss)
    return statistics.median(times), peak


def interleaved(
    cmd: list[str], floors: list[list[str]], runs: int, *, tty: bool = False
) -> tuple[float, list[float], int]:
    """Medians of ``cmd`` and of each of its floors, their runs interleaved so that all
    see the same moments of a noisy machine; and the peak memory of ``cmd``."""
    times: list[float] = []
    floor_times: list[list[float]] = [[] for _ in floors]
    peak = 0
    for _ in range(runs):
        for floor, taken in zip(floors, floor_times, strict=True):
            taken.append(once(floor)[0])
        elapsed, rss = once(cmd, tty=tty)
        times.append(elapsed)
        peak = max(peak, rss)
    return statistics.median(times), [statistics.median(t) for t in floor_times], peak


def paired(
    cmd: list[str], floor: list[str], runs: int, *, tty: bool = False
) -> tuple[float, float, int]:
    """Medians of ``cmd`` and of its floor, their runs interleaved; the peak of ``cmd``."""
    took, (floor_took,), peak = interleaved(cmd, [floor], runs, tty=tty)
    return took, floor_took, peak


class Table:
    def __init__(self, n: int) -> None:
        self.n = n
        self.rows: list[str] = []

    def add(
        self, what: str, seconds: float, floor: tuple[str, float] | None = None, extra: str = ""
    ) -> None:
        ratio = f"{seconds / floor[1]:.2f}x {floor[0]}" if floor else ""
        row = f"| {self.n:,} | {what} | {seconds * 1000:,.0f} ms | {ratio} | {extra} |"
        self.rows.append(row)
        print(row, flush=True)


def modify(folder: Path, share: float, counter: list[int]) -> None:
    """Edit ``share`` of the files in place (a line appended): the 1%-changed case."""
    files = sorted(folder.iterdir())
    step = max(1, int(1 / share))
    counter[0] += 1
    for path in files[counter[0] % step :: step]:
        with path.open("a", encoding="utf-8") as out:
            out.write(f"\nAjout {counter[0]}.\n")


def yaml_floor(folder: Path) -> list[str]:
    """PyYAML's C loader over every frontmatter, in one process (shown beside the rebuild)."""
    return [str(VENV / "bin" / "python"), str(HERE / "floors.py"), "yaml", str(folder)]


def fts_floor(folder: Path, db: Path) -> list[str]:
    """The rebuild's floor: what a user would otherwise build, in one process (a fresh DB
    each run): python-frontmatter, sqlite-utils insert_all, FTS5 with porter."""
    py = str(VENV / "bin" / "python")
    return [py, str(HERE / "floors.py"), "frontmatter-fts", str(folder), str(db)]


def peer_search(folder: Path) -> list[str]:
    """``sqlite-utils search`` on a porter FTS5 table of the corpus's files (title and
    body, built once per corpus with sqlite-utils, as fts_floor does), 10 results; the
    query is added last."""
    db = folder.parent / "peer.sqlite"
    if not db.exists():
        subprocess.run(fts_floor(folder, db), check=True)
    return [str(VENV / "bin" / "sqlite-utils"), "search", str(db), "recaps", "--limit", "10"]


def peer_note(kb: float, peer: float) -> str:
    ratio = kb / peer
    verdict = "within" if ratio <= PEER_TARGET else "ABOVE"
    return (
        f"sqlite-utils search: {peer * 1000:,.0f} ms (kb = {ratio:.2f}x, {verdict} the "
        f"{PEER_TARGET}x target)"
    )


def bench(n: int, kb: Path, runs: int) -> list[str]:
    folder = corpus(n)
    db = folder.parent / "index.sqlite"
    py = str(VENV / "bin" / "python")
    base = [str(kb)]
    where = ["--kb-dir", str(folder), "--db", str(db)]
    table = Table(n)
    rebuild_runs = 1 if n >= 100_000 else max(1, runs // 2)

    # The first index computes every section's meaning vectors; later rebuilds carry them.
    db.unlink(missing_ok=True)
    first, first_peak = median([*base, "index", *where], 1)
    table.add(
        "kb index, first (every meaning vector computed)",
        first,
        extra=f"{n / first:,.0f} recaps/s, peak {first_peak / 1024:.0f} MB",
    )
    floor_db = folder.parent / "floor.sqlite"
    rebuild, (floor_fts, floor_yaml), peak = interleaved(
        [*base, "index", "--rebuild", *where],
        [fts_floor(folder, floor_db), yaml_floor(folder)],
        rebuild_runs,
    )
    floor_db.unlink(missing_ok=True)
    table.add(
        "kb index --rebuild",
        rebuild,
        ("python-frontmatter + sqlite-utils FTS5 porter", floor_fts),
        f"{n / rebuild:,.0f} recaps/s, peak {peak / 1024:.0f} MB; YAML C loader over every "
        f"frontmatter: {floor_yaml * 1000:,.0f} ms (kb = {rebuild / floor_yaml:.2f}x)",
    )

    stat_floor = [
        py,
        "-c",
        "import os, sys, sqlite3, rich.console; [e.stat() for e in os.scandir(sys.argv[1])]",
        str(folder),
    ]
    nochange, floor_stat, _ = paired([*base, "index", *where], stat_floor, runs)
    table.add("kb index, nothing changed", nochange, ("import stack + stat every file", floor_stat))
    counter = [0]
    changed, _ = median(
        [*base, "index", *where], max(1, runs // 2), before=lambda: modify(folder, 0.01, counter)
    )
    table.add("kb index, 1% of files changed", changed, ("import stack + stat", floor_stat))
    # Files changed less than 2 s before a sync are re-read by the next one (kb/index/sync.py,
    # RACY_NS): let that window pass so the searches below measure a settled index.
    time.sleep(2.1)
    subprocess.run([*base, "index", *where], capture_output=True, check=False)

    import_floor = [py, "-c", "import sqlite3, rich.console, rich.table"]
    # The floor of any typer program that answers from SQLite: kb's one parser is typer's.
    typer_floor = [py, "-c", "import sqlite3, typer, rich.console, rich.table"]
    peer = peer_search(folder)
    for label, query in (
        ("rare word", RARE),
        ("word in every recap", COMMON),
        ("prefix", PREFIX),
        ("phrase", PHRASE),
        ("several words", WORDS),
    ):
        search = [*base, "search", query, *where]
        tty, (floor_import, peer_tty), _ = interleaved(
            search, [import_floor, [*peer, query]], runs, tty=True
        )
        as_json, (floor_json, peer_json), _ = interleaved(
            [*search, "--json"], [import_floor, [*peer, query]], runs
        )
        word = query.strip('"*').split()[0]
        beside_rg, rg, _ = paired(search, ["rg", "-l", "-i", word, str(folder)], runs, tty=True)
        table.add(
            f"kb search {query} ({label}, terminal)",
            tty,
            ("import sqlite3, rich", floor_import),
            f"rg -l: {rg * 1000:,.0f} ms (kb = {beside_rg / rg:.2f}x rg, runs interleaved); "
            + peer_note(tty, peer_tty),
        )
        table.add(
            f"kb search {query} --json ({label})",
            as_json,
            ("import sqlite3, rich", floor_json),
            peer_note(as_json, peer_json),
        )
        if query == RARE:
            beside_typer, floor_typer, _ = paired(search, typer_floor, runs, tty=True)
            table.add(
                f"kb search {query} ({label}, terminal)",
                beside_typer,
                ("import sqlite3, typer, rich", floor_typer),
            )
    # Meaning: a word in no recap, found by meaning, beside the same search by words only
    # and the peer (which finds nothing). The --json lines above pay for meaning scores.
    meant = [*base, "search", MEANING, *where]
    by_meaning, (words_only, peer_meant), _ = interleaved(
        meant, [[*meant, "--words-only"], [*peer, MEANING]], runs, tty=True
    )
    table.add(
        f"kb search {MEANING} (found by meaning, terminal)",
        by_meaning,
        ("--words-only", words_only),
        peer_note(by_meaning, peer_meant),
    )
    # What kb says comes from a French catalogue when the language is French: a search in
    # French against the same search in LANG=C (both through env, runs interleaved).
    rare = [*base, "search", RARE, *where]
    unset = ["env", *(f"--unset={v}" for v in ("KB_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"))]
    french, english, _ = paired(
        [*unset, "LANG=fr_BE.UTF-8", *rare], [*unset, "LANG=C", *rare], runs, tty=True
    )
    table.add(f"kb search {RARE}, LANG=fr_BE.UTF-8 (terminal)", french, ("LANG=C", english))
    stack = ("import sqlite3, rich", floor_import)
    if drop_caches():
        cold_rg, _ = median(["rg", "-l", "-i", COMMON, str(folder)], 3, before=drop_caches)
        cold_kb, _ = median([*base, "search", COMMON, *where], 3, tty=True, before=drop_caches)
        table.add(f"kb search {COMMON}, cold cache", cold_kb, ("rg -l, cold cache", cold_rg))
    for args in (["list", "--basin", "sud"], ["timeline", "--basin", "sud"]):
        help_ok = subprocess.run([*base, args[0], "--help"], capture_output=True).returncode == 0
        if help_ok:
            took, _ = median([*base, *args, *where], runs, tty=True)
            table.add(f"kb {' '.join(args)} (terminal)", took, stack)
    corpus_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    index_mb = db.stat().st_size / 1e6
    import sqlite3

    with sqlite3.connect(db) as conn:
        vectors = conn.execute("SELECT sum(length(vector) + length(words)) FROM vectors")
        vectors_mb = (vectors.fetchone()[0] or 0) / 1e6
    table.rows.append(
        f"| {n:,} | index size | {index_mb:,.1f} MB | "
        f"{index_mb / corpus_mb:.2f}x corpus ({corpus_mb:,.1f} MB) | "
        f"meaning vectors: {vectors_mb:,.1f} MB |"
    )
    print(table.rows[-1])
    return table.rows


def installed_size() -> str:
    """What kb and its dependencies take once installed (benchmarks/.venv's packages
    without pip and setuptools, which a venv brings)."""
    site = next((VENV / "lib").glob("python*/site-packages"))
    tools = ("pip", "setuptools", "pkg_resources", "_distutils_hack")
    total = 0
    for path in site.rglob("*"):
        top = path.relative_to(site).parts[0]
        if path.is_file() and not any(top == t or top.startswith(f"{t}-") for t in tools):
            total += path.stat().st_size
    return f"installed size of kb and its dependencies: {total / 1e6:,.1f} MB"


def relevance() -> str:
    """How well search finds, beside how fast: the pass rates of the judged set over the
    bundled recaps and 300 distractors (tests/search/relevance/mixed.py), run from this
    checkout with the benchmark's Python."""
    return subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "tests.search.relevance.mixed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reinstall", action="store_true", help="reinstall kb first")
    parser.add_argument("--out", default=str(HERE / "results.md"))
    args = parser.parse_args()
    kb = kb_install(args.reinstall)
    if not shutil.which("rg"):
        raise SystemExit("rg (ripgrep) is needed for the comparison: apt-get install ripgrep")
    header = [
        "| recaps | what | median | ratio to the floor | notes |",
        "| ---: | --- | ---: | --- | --- |",
    ]
    print("\n".join(header))
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        rows += bench(n, kb, args.runs)
    found = relevance()
    size = installed_size()
    print(f"\n{size}\n\n{found}")
    stamp = time.strftime("%Y-%m-%d")
    Path(args.out).write_text(
        f"Measured {stamp} with `python benchmarks/run.py --sizes {args.sizes} "
        f"--runs {args.runs}` ({os.cpu_count()} cores).\n\n"
        + "\n".join(header + rows)
        + f"\n\n{size[0].upper()}{size[1:]}.\n"
        + "\n\nJudged queries (`python -m tests.search.relevance.mixed`):\n\n"
        + f"```text\n{found}\n```\n"
    )


if __name__ == "__main__":
    main()
