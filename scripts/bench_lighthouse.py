"""`make bench`'s Lighthouse row: run the pinned CLI and turn its JSON reports into a line.

Lighthouse (scripts/lighthouse/package.json, installed there by scripts/bench with `npm ci`,
never by `make test`) runs with its defaults: mobile form factor, simulated throttling,
the performance category only. Lighthouse is noisy, so each page is measured
BENCH_LIGHTHOUSE_RUNS times; the line shows the median score with every run's score, the
median of each figure that explains it (total blocking time, largest contentful paint,
cumulative layout shift, speed index), the target and whether it is met.

`summarize` and `line` read reports already parsed from JSON, so the tests call them with
small fixtures (tests/test_bench_lighthouse.py); `run` is the only part that needs the CLI.
"""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = HERE / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
# Issue 17's table: the letter page and the sign form at 1,400, the letter page at 20,000.
TARGETS = {
    "letter page": {1400: 0.95, 20000: 0.90},
    "sign form": {1400: 0.95},
}
# The figures behind the score: audit id, label, unit as printed.
FIGURES = (
    ("total-blocking-time", "TBT", "ms"),
    ("largest-contentful-paint", "LCP", "s"),
    ("cumulative-layout-shift", "CLS", ""),
    ("speed-index", "SI", "s"),
)


def chrome_path() -> str | None:
    """The browser Lighthouse drives: $CHROME_PATH, else Debian's Chromium."""
    if os.environ.get("CHROME_PATH"):
        return os.environ["CHROME_PATH"]
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def run(url: str, timeout: float = 300, attempts: int = 2) -> dict:
    """One Lighthouse run of url; its parsed report, or {"failure": why} if it did not finish.

    On a busy machine Lighthouse now and then fails to record its trace (NO_NAVSTART):
    such a run is tried again, and counts as failed only if every attempt failed.
    """
    for _attempt in range(attempts):
        report = _run_once(url, timeout)
        if _score(report) is not None:
            break
    return report


def _run_once(url: str, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as folder:
        out = Path(folder) / "report.json"
        try:
            done = subprocess.run(
                [str(CLI), url, "--quiet", "--only-categories=performance",
                 "--output=json", f"--output-path={out}", f"--chrome-flags={CHROME_FLAGS}"],
                env={**os.environ, "CHROME_PATH": chrome_path() or ""},
                capture_output=True, text=True, timeout=timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"failure": f"no report after {timeout:.0f} s"}
        if done.returncode != 0 or not out.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"failure": f"exit {done.returncode}: {last[:160]}"}
        return json.loads(out.read_text())


def _score(report: dict) -> float | None:
    if "failure" in report or report.get("runtimeError"):
        return None
    return report.get("categories", {}).get("performance", {}).get("score")


def _failure(report: dict) -> str:
    if "failure" in report:
        return report["failure"]
    if report.get("runtimeError"):
        error = report["runtimeError"]
        return f"{error.get('code', 'error')}: {error.get('message', '')}"[:160]
    return "no performance score"


def summarize(reports: list[dict]) -> dict:
    """Median score and median of each figure over the runs that produced a score."""
    scored = [report for report in reports if _score(report) is not None]
    return {
        "runs": len(reports),
        "scores": [_score(report) for report in scored],
        "median": statistics.median(_score(report) for report in scored) if scored else None,
        "figures": {
            audit: statistics.median(report["audits"][audit]["numericValue"] for report in scored)
            for audit, _label, _unit in FIGURES
            if scored
        },
        "failures": [_failure(report) for report in reports if _score(report) is None],
    }


def met(summary: dict, target: float) -> bool:
    """At least one run scored, and the median score reaches the target."""
    return summary["median"] is not None and round(summary["median"], 4) >= target


def _figure(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "s":
        return f"{value / 1000:.1f} s"
    return f"{value:.3f}"


def line(page: str, n: int, summary: dict) -> str:
    """The printed line: median score, each run's score, the figures, target and verdict."""
    target = TARGETS.get(page, {}).get(n)
    head = f"Lighthouse (mobile, simulated throttling), {page}: "
    if summary["median"] is None:
        text = head + f"no score in {summary['runs']} runs"
    else:
        scores = ", ".join(f"{score:.2f}" for score in summary["scores"])
        figures = ", ".join(
            f"{label} {_figure(summary['figures'][audit], unit)}" for audit, label, unit in FIGURES
        )
        text = (
            head + f"{summary['median']:.2f} (median of {len(summary['scores'])} runs: "
            f"{scores}); medians {figures}"
        )
    if summary["failures"]:
        text += f"; {len(summary['failures'])} failed ({summary['failures'][0]})"
    if target is not None:
        text += f"; target >= {target:.2f}: {'met' if met(summary, target) else 'NOT met'}"
    return text
