"""Run every benchmark and write the report: ``python bench/run_all.py docs/performance.md``.

``make bench`` calls this. Benchmark-only packages (the Alipay SDKs compared in section 2) are
installed by ``bench_sdk.ensure_sdk`` into ``.venv/bench-sdks/`` when missing; if pip cannot get
them, that section says so instead of showing a number. Takes about 2–3 minutes and ~2 GB of
temporary disk (the 1M-row journal), removed afterwards. The packaging figures that
``make package`` wrote to ``docs/performance-packaging.md`` are quoted as section 6.
"""

from __future__ import annotations

import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import AFTER, REPO, TARGETS, Section, machine_lines, work_dir

PACKAGING = REPO / "docs" / "performance-packaging.md"


def _guarded(title: str, fn: Callable[[Section], object]) -> Section:
    section = Section(title)
    try:
        fn(section)
    except Exception as exc:  # a broken benchmark is reported, not hidden
        traceback.print_exc()
        section.add(f"- **Not measured**: this benchmark failed: `{type(exc).__name__}: {exc}`", "")
    return section


def _load() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def packaging_section(path: Path = PACKAGING) -> Section:
    """The packaging figures ``make package`` wrote, quoted as they are (not measured here)."""
    s = Section("6. Packaging (from `make package`, not measured by this run)")
    rel = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    if not path.exists():
        s.add(
            f"- **Not measured**: `{rel}` is missing; `make package` writes it (bundle size"
            " and start-up of the PyInstaller build).",
            "",
        )
        return s
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    if lines and re.match(r"#+\s*packaging\s*$", lines[0], re.IGNORECASE):
        lines = lines[1:]  # its own title; ours is above
    # Its headings go below this section's.
    lines = [re.sub(r"^#{1,2}(?=\s)", "###", x) for x in lines]
    while lines and not lines[0].strip():
        lines = lines[1:]
    s.add(
        f"Quoted unchanged from `{rel}`, which `make package` (`packaging/smoke_test.sh`)"
        " rewrites; `make bench` does not rebuild the bundle, so these figures come from the"
        " build and date named in the text below (with what it records of the machine), not"
        ' from this run, and carry no ratio against this run\'s baselines. Its "GUI ready"'
        ' (bundled binary, process start to "GUI started" in the log, real keyring) is not'
        " measured the same way as the cold start in section 4.",
        "",
        *lines,
        "",
    )
    return s


# Issue #13's "before": the report of 2026-11-23 (commit 78bb16d, same 2-core machine), the last
# one written before the counter-speed work. Absolute times on this shared machine are noise:
# the ratios in the targets table are the comparison that counts.
BEFORE = {
    "start": "571 ms (≈4.8× bare, measured apart)",
    "start_imports": "239 ms",
    "start_runtime": "112 ms",
    "start_window": "131 ms",
    "start_built": "571 ms (the same window)",
    "scan": "24.5 / 82.6 ms",
    "scan_gui": "not measured",
    "redeem": "2.268 ms (1.33× floor)",
    "logging": "185.7 / 287.0 µs",
    "journal_bytes": "1,481 bytes",
    "day_page": "1.865 / 2.403 ms",
    "reversible": "4.070 / 7.340 ms",
    "totals": "2.438 / 3.815 ms",
}
WHERE = (
    ("start", "GUI cold start to ready-to-scan, p50 (section 4)"),
    ("start_imports", "… the interpreter, importing pos_app.app and Qt"),
    ("start_runtime", "… `Runtime.open` (now: after the first paint; the simulator and keyring"
     " come up behind the window)"),
    ("start_window", "… the first window: before, the main window imported, built and shown;"
     " now, the start window (settings, logging, translations included)"),
    ("start_built", "the full counter (main window) in place, p50"),
    ("scan", "scan → card painted, p50 / p99 (section 4)"),
    ("scan_gui", "… its GUI share, p50 / p99"),
    ("redeem", "redeem p50, ours (section 1)"),
    ("logging", "… of which logging, p50 / p99 (before: file write; now: queueing)"),
    ("journal_bytes", "journal bytes per operation at 1M rows (section 3)"),
    ("day_page", "day_page(today) first 100 rows, p50 / p99"),
    ("reversible", "reversible(limit=200), p50 / p99"),
    ("totals", "totals(today), p50 / p99"),
)  # fmt: skip


def issue_13_section() -> Section:
    """Each target against its figure of this run, and the before → after table."""
    s = Section("Counter speed (issue #13): targets and where the time goes")
    s.add("Targets, each a ratio or figure from this run (sections below say how each is taken):")
    s.add("")
    s.table(
        ["figure", "this run", "target", ""],
        [[f, v, g, "met" if ok else "**missed**"] for f, v, g, ok in TARGETS],
    )
    s.add(
        "Where the time goes, before (report of 2026-11-23, commit 78bb16d) and after (this run):",
        "",
    )
    s.table(
        ["figure", "before", "after"],
        [[text, BEFORE.get(key, "—"), AFTER.get(key, "not measured")] for key, text in WHERE],
    )
    return s


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REPO / "docs" / "performance.md"
    started = time.monotonic()
    load_start = _load()
    import bench_gui
    import bench_journal
    import bench_overhead
    import bench_sdk
    import bench_store

    with work_dir("machine") as probe:
        machine = machine_lines(probe)
    print("\n".join(machine), flush=True)
    s1 = _guarded("1. Local overhead per operation vs. the physical floor", bench_overhead.run)
    s2 = _guarded("2. Against the SDKs users would pick instead", bench_sdk.run)
    s3 = Section("3. Scale of the undo log: 1,000,000 rows")
    s5 = Section("5. Throughput of one terminal")
    try:
        bench_journal.run(s3, s5)
    except Exception as exc:
        traceback.print_exc()
        for s in (s3, s5):
            s.add(f"- **Not measured**: the benchmark failed: `{type(exc).__name__}: {exc}`", "")
    s4 = _guarded("4. GUI (offscreen)", bench_gui.run)
    s7 = _guarded("7. Store database: 8 tills, one PostgreSQL", bench_store.run)
    sections = [issue_13_section(), s1, s2, s3, s4, s5, packaging_section(), s7]
    elapsed = time.monotonic() - started
    problems = [p for s in sections for p in s.problems]
    head = [
        "# Performance",
        "",
        "Generated by `make bench` (`bench/run_all.py`); do not edit by hand. Every ratio is"
        " against a baseline measured in the same run on the machine below. Times are"
        " `time.perf_counter_ns` wall-clock; p50/p99 are nearest-rank percentiles over n"
        " samples after warm-up. Loopback only (127.0.0.1). How each figure is taken:"
        " `bench/README.md`.",
        "",
        "## Machine",
        "",
        *machine,
        f"- Whole run: {elapsed / 60:.1f} minutes; load average (1/5/15 min) {load_start} at"
        f" the start, {_load()} at the end ({os.cpu_count()} cores shared with whatever else"
        " runs: a load near or above the core count means other work competed with these"
        " figures)",
        "",
        "## Problems found in pos_app (for their owners)",
        "",
        *([f"- {p}" for p in problems] or ["- none"]),
        "",
    ]
    text = "\n".join(head) + "\n" + "\n".join(s.markdown() for s in sections)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(f"\nwrote {out} in {elapsed:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
