"""Shared helpers of the benchmarks: timing statistics, the machine, temp folders, Markdown.

Benchmarks are scripts, not tests: they print figures and ratios against a baseline measured in
the same run, and never assert a time. Every loop here is bounded.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib.metadata
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
# Benchmark-only packages (the SDKs users would pick instead) live here, one folder each, so
# that they never become dependencies of pos_app and never overwrite each other: both install
# a top-level ``alipay`` package.
SDK_ROOT = VENV / "bench-sdks"

ns = time.perf_counter_ns

# The simulator's Nagle/delayed-ACK stall as these benchmarks measured it before the simulator
# set TCP_NODELAY; history quoted in the report, not re-measured (the shipped simulator is what
# every section measures now).
STALL_BEFORE = {
    "reverse_ms": "47.9",
    "b2b_ms": "44.0",
    "redeems_per_s": "20",
    "where": "`docs/performance.md` as of commit c9eda2f, 2-core AMD EPYC",
}


@dataclass
class Stats:
    """Latencies of one thing, in nanoseconds."""

    name: str
    samples: list[int]

    @property
    def n(self) -> int:
        return len(self.samples)

    def pct(self, p: float) -> float:
        """The p-th percentile (nearest rank), in nanoseconds."""
        ordered = sorted(self.samples)
        if not ordered:
            return float("nan")
        k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return float(ordered[k])

    @property
    def p50(self) -> float:
        return self.pct(50)

    @property
    def p99(self) -> float:
        return self.pct(99)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples) if self.samples else float("nan")


def measure(name: str, fn: Callable[[], object], *, n: int, warmup: int = 20) -> Stats:
    """Time ``fn`` ``n`` times after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        t0 = ns()
        fn()
        samples.append(ns() - t0)
    return Stats(name, samples)


def ms(value_ns: float, digits: int = 3) -> str:
    return f"{value_ns / 1e6:.{digits}f}"


def us(value_ns: float, digits: int = 1) -> str:
    return f"{value_ns / 1e3:.{digits}f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def verdict(ok: bool, margin: str = "") -> str:
    """ "met" or "**missed**", with how much room was left or by how much it was missed."""
    word = "met" if ok else "**missed**"
    return f"{word} ({margin})" if margin else word


# --------------------------------------------------------------------------- output


# Issue #13's targets and "where the time goes" figures, filled by the benchmarks of this run
# and written by run_all.py at the top of the report: (figure, this run, target, met).
TARGETS: list[tuple[str, str, str, bool]] = []
# figure -> this run's value (text), for the before/after table.
AFTER: dict[str, str] = {}


def target(figure: str, value: str, goal: str, met: bool) -> None:
    TARGETS.append((figure, value, goal, met))


@dataclass
class Section:
    """One benchmark's part of docs/performance.md, printed as it is built."""

    title: str
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # slow things in pos_app, for the owner

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
            self.lines.append(line)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.add("| " + " | ".join(header) + " |")
        self.add("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.add("| " + " | ".join(row) + " |")
        self.add("")

    def problem(self, text: str) -> None:
        self.problems.append(text)
        self.add(f"> **Performance problem in pos_app:** {text}", "")

    def markdown(self) -> str:
        return "\n".join([f"## {self.title}", "", *self.lines, ""])


# --------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _filesystem(path: Path) -> str:
    """Type of the file system holding ``path`` (durable commits depend on it)."""
    best = ("", "?")
    with contextlib.suppress(OSError):
        target = str(path.resolve())
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            mount, kind = parts[1], parts[2]
            if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(
                mount
            ) >= len(best[0]):
                best = (mount, kind)
    return f"{best[1]} (mounted at {best[0] or '?'})"


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_lines(work_dir: Path) -> list[str]:
    import sqlite3

    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    try:
        rev = subprocess.run(  # noqa: S603 - fixed argv
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = "?"
    try:  # code measured that is not in that commit (others may be editing the tree)
        dirty = subprocess.run(  # noqa: S603 - fixed argv
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "pos_app", "bench"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        dirty = []
    changed = sorted({x[3:].strip() for x in dirty if x[3:].strip()})
    if changed:
        rev = f"{rev or '?'}, plus uncommitted changes to {', '.join(changed[:8])}" + (
            f" and {len(changed) - 8} more" if len(changed) > 8 else ""
        )
    libs = ", ".join(
        f"{d} {version_of(d)}"
        for d in ("cryptography", "requests", "urllib3", "PySide6-Essentials", "keyring")
    )
    return [
        f"- Date: {_dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}"
        f" (commit {rev or '?'})",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical cores; memory {mem or '?'}",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}"
        f" ({sys.executable})",
        f"- SQLite: {sqlite3.sqlite_version}; bench files on {_filesystem(work_dir)}",
        f"- Libraries: {libs}; OpenSSL {_openssl()}",
    ]


def _openssl() -> str:
    try:
        from cryptography.hazmat.backends.openssl import backend

        return str(backend.openssl_version_text())
    except Exception:  # pragma: no cover - informational only
        return "?"


# --------------------------------------------------------------------------- temp space


@contextlib.contextmanager
def work_dir(prefix: str) -> Iterator[Path]:
    """A temp folder on the same disk as /tmp (not tmpfs where avoidable), removed after."""
    base = os.environ.get("POS_BENCH_TMP") or None
    path = Path(tempfile.mkdtemp(prefix=f"pos-bench-{prefix}-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def quiet_keyring() -> None:
    """No OS keyring in the benchmarks: training mode takes its keys from the simulator."""
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
