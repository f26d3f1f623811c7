"""Helpers shared by the throughput benchmarks (``pipeline.py``, ``crawl.py``, ``dedupe.py``).

Where the benchmark pages are (the location ``extraction.py`` defines, so one file says where ``../shared`` is),
reading a folder of saved pages, measuring a tree of processes from ``/proc`` (Linux only), and printing and
writing the figures. Nothing here reads settings or starts anything at import time.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from extraction import DEFAULT_DATA  # noqa: E402

#: ../shared/benchmarks/extraction/scrapinghub, as the extraction benchmark finds it.
SCRAPINGHUB = DEFAULT_DATA

RESULTS = ROOT / "benchmarks" / "results"
PAGE_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm")
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------------- pages


@dataclass
class Page:
    """A saved page: its id (file name without suffix), the URL it was fetched from, and its raw bytes."""

    id: str
    url: str
    html: bytes


def page_files(folder: Path) -> list[Path]:
    """The pages of ``folder``: a benchmark folder with ``html/`` inside, or a plain folder of pages."""
    folder = Path(folder)
    if (folder / "html").is_dir():
        folder = folder / "html"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(PAGE_SUFFIXES))


def _page_id(path: Path) -> str:
    name = path.name
    for suffix in PAGE_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.lower().endswith(".gz") else data


def load_pages(folder: Path, limit: int | None = None) -> list[Page]:
    """Every page of ``folder`` as bytes, with the URL from ``ground-truth.json`` when the folder has one."""
    files = page_files(folder)[:limit] if limit else page_files(folder)
    urls: dict[str, str] = {}
    for candidate in (Path(folder) / "ground-truth.json", Path(folder).parent / "ground-truth.json"):
        if candidate.is_file():
            truth = json.loads(candidate.read_text(encoding="utf-8"))
            urls = {k: (v.get("url") or "") for k, v in truth.items()}
            break
    pages = []
    for path in files:
        page_id = _page_id(path)
        url = urls.get(page_id) or f"https://bench.invalid/{page_id}.html"
        pages.append(Page(page_id, url, read_page(path)))
    return pages


def missing_data_message(folder: Path, what: str) -> str:
    return (
        f"no pages found in {folder} ({what} reads the scrapinghub pages of ../shared at run time; "
        "pass --data DIR for any folder of .html or .html.gz pages)"
    )


# --------------------------------------------------------------------------------------------------- /proc


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's list; threads can fork too)."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        text = _read(f"/proc/{pid}/task/{tid}/children")
        if text:
            out.extend(int(c) for c in text.split())
    return out


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants alive now."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children_of(current))
    return tree


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one live process (not its children)."""
    text = _read(f"/proc/{pid}/stat")
    if text is None:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_bytes(pid: int) -> int:
    text = _read(f"/proc/{pid}/statm")
    return int(text.split()[1]) * _PAGE_SIZE if text else 0


def pss_bytes(pid: int) -> int:
    """Proportional set size: pages shared between forked workers are counted once over the tree."""
    text = _read(f"/proc/{pid}/smaps_rollup")
    if not text:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class TreeSample:
    peak_rss: int = 0  # bytes, sum over the tree at the worst sample
    peak_pss: int = 0
    max_processes: int = 0
    cpu_by_pid: dict[int, float] = field(default_factory=dict)  # last value seen per process

    @property
    def cpu_seen(self) -> float:
        return sum(self.cpu_by_pid.values())


class TreeSampler(threading.Thread):
    """Samples a process and its descendants every ``interval`` seconds: summed RSS and PSS, process count.

    Summed RSS counts pages a forked worker shares with its parent twice (an upper bound); PSS splits them.
    A peak shorter than the interval can be missed; ``ru_maxrss`` of the waited process is the exact peak of
    the largest single process and is reported beside it.
    """

    def __init__(self, pid: int, interval: float = 0.2, progress: Callable[[], int] | None = None) -> None:
        """``progress``: called at each sample (pages done so far, say); its values go to ``series``."""
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.progress = progress
        self.result = TreeSample()
        #: (``time.monotonic()``, CPU seconds of the tree so far, ``progress()``) at each sample.
        self.series: list[tuple[float, float, int]] = []
        self._samples = 0
        self._stop_event = threading.Event()

    def sample(self) -> None:
        pids = process_tree(self.pid)
        rss = alive = 0
        for pid in pids:
            value = rss_bytes(pid)
            if not value:
                continue
            alive += 1
            rss += value
            cpu = cpu_seconds(pid)
            if cpu is not None:
                self.result.cpu_by_pid[pid] = cpu
        self._samples += 1
        # PSS walks the page tables (smaps_rollup): a few ms for a large process. Read it at a new RSS peak
        # and every fifth sample only, so the sampler stays a small load on a small machine.
        if rss > self.result.peak_rss or self._samples % 5 == 0:
            pss = sum(pss_bytes(pid) for pid in pids)
            self.result.peak_pss = max(self.result.peak_pss, pss)
        self.result.peak_rss = max(self.result.peak_rss, rss)
        self.result.max_processes = max(self.result.max_processes, alive)
        done = self.progress() if self.progress is not None else 0
        self.series.append((time.monotonic(), self.result.cpu_seen, done))

    def run(self) -> None:
        next_at = time.monotonic()
        while not self._stop_event.is_set():
            self.sample()
            next_at += self.interval  # on a fixed grid, however long a sample took
            self._stop_event.wait(max(0.0, next_at - time.monotonic()))

    def stop(self) -> TreeSample:
        self._stop_event.set()
        self.join()
        return self.result


@dataclass
class ChildRun:
    """How a child process ran: exit status, wall time, CPU (with its waited-for descendants), memory."""

    pid: int
    returncode: int
    wall: float
    started: float  # time.monotonic() just before the child was started
    cpu: float  # user + system of the child and all its descendants (see run_measured)
    maxrss_single: int  # bytes: the largest single process of the tree (ru_maxrss)
    tree: TreeSample
    stdout: str = ""
    stderr: str = ""
    series: list[tuple[float, float, int]] = field(default_factory=list)  # TreeSampler.series


def become_subreaper() -> bool:
    """Make orphaned descendants (a worker pool's fork server and the workers it forked, whose parent exits
    first) children of this process instead of init, so their CPU time is reaped, and counted, here."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(36, 1, 0, 0, 0) == 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def run_measured(
    command: list[str],
    cwd: Path = ROOT,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    interval: float = 0.2,
    stream_stderr: bool = False,
    linger: float = 30.0,
    progress: Callable[[], int] | None = None,
) -> ChildRun:
    """Run ``command`` and measure its whole process tree.

    CPU: ``RUSAGE_CHILDREN`` of this process before and after, with this process a child subreaper, so every
    descendant is counted once it exits, also those whose parent did not wait for them (``os.wait4`` on the
    child alone misses a fork server's workers). Descendants still running when the child exits get
    ``linger`` seconds to finish. Memory: the :class:`TreeSampler` and the child's ``ru_maxrss``. Time: the
    system's monotonic clock (``time.monotonic()``, which other processes read too).
    """
    import resource
    import tempfile

    become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=None if stream_stderr else err)
        sampler = TreeSampler(proc.pid, interval, progress)
        sampler.start()
        deadline = started + timeout if timeout else None
        while True:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
            if pid == proc.pid:
                break
            if pid:
                continue  # an orphaned descendant, reaped: its CPU time is now in RUSAGE_CHILDREN
            if deadline and time.monotonic() > deadline:
                for child in reversed(process_tree(proc.pid)):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child, 9)
            time.sleep(0.01)
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree = sampler.stop()
        others = set(tree.cpu_by_pid) - {proc.pid}
        until = time.monotonic() + linger
        while others and time.monotonic() < until:
            try:
                if os.wait4(-1, os.WNOHANG)[0]:
                    continue
            except ChildProcessError:
                break
            if not any(os.path.exists(f"/proc/{p}") for p in others):
                break
            time.sleep(0.05)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            pid=proc.pid,
            returncode=proc.returncode,
            wall=wall,
            started=started,
            cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            maxrss_single=usage.ru_maxrss * 1024,
            tree=tree,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            series=sampler.series,
        )


# --------------------------------------------------------------------------------------------------- output


def mib(value: float) -> str:
    return f"{value / (1 << 20):.0f}"


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    """What the figures depend on besides the code: the machine, its load, the code's version."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
            )
        except OSError:
            return ""
        return done.stdout.rstrip()

    versions = {}
    for name in ("scrapy", "trafilatura", "twisted", "lxml", "langdetect", "rensa", "numpy"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            continue
    load = _read("/proc/loadavg")
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "loadavg_at_start": load.split()[:3] if load else None,
        "python": platform.python_version(),
        "git_head": git("rev-parse", "--short", "HEAD"),
        "git_dirty_files": [
            line[3:] for line in git("status", "--porcelain").splitlines() if line[:2] != "??"
        ],
        "versions": versions,
    }


def write_report(path: Path, report: dict[str, Any], quiet: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    if not quiet:
        print(f"figures written to {path}")
