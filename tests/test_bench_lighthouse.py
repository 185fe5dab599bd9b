"""`make bench`'s Lighthouse line (scripts/bench_lighthouse.py), read from small JSON reports.

Lighthouse itself is not run here (it is installed for the bench only): these check that
the printed score is the median of the runs, the figures beside it are their medians, and
the verdict follows issue 17's targets. tests/data/lighthouse/letter-1400.json is a real
Lighthouse 13.5.0 report of the letter page at 1,400 names, trimmed to what is read.
"""

import copy
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "bench_lighthouse", ROOT / "scripts" / "bench_lighthouse.py"
)
bench_lighthouse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_lighthouse)

REPORT = json.loads((ROOT / "tests" / "data" / "lighthouse" / "letter-1400.json").read_text())


def report(score: float, tbt: float = 100, lcp: float = 1500, cls: float = 0, si: float = 1300):
    """The trimmed real report with another score and figures."""
    made = copy.deepcopy(REPORT)
    made["categories"]["performance"]["score"] = score
    for audit, value in (
        ("total-blocking-time", tbt),
        ("largest-contentful-paint", lcp),
        ("cumulative-layout-shift", cls),
        ("speed-index", si),
    ):
        made["audits"][audit]["numericValue"] = value
    return made


def test_a_real_report_prints_its_score_figures_and_verdict():
    line = bench_lighthouse.line("letter page", 1400, bench_lighthouse.summarize([REPORT]))

    assert line == (
        "Lighthouse (mobile, simulated throttling), letter page: 0.99 (median of 1 runs: 0.99); "
        "medians TBT 126 ms, LCP 1.4 s, CLS 0.000, SI 1.3 s; target >= 0.95: met"
    )


def test_the_score_and_each_figure_are_the_median_of_the_runs_not_the_first_or_mean():
    runs = [
        report(0.86, tbt=610, lcp=1400, cls=0.02, si=1200),
        report(0.96, tbt=90, lcp=2600, cls=0.0, si=1800),
        report(0.93, tbt=470, lcp=1900, cls=0.1, si=1500),
    ]

    summary = bench_lighthouse.summarize(runs)

    assert summary["median"] == 0.93
    assert summary["scores"] == [0.86, 0.96, 0.93]
    assert summary["figures"] == {
        "total-blocking-time": 470,
        "largest-contentful-paint": 1900,
        "cumulative-layout-shift": 0.02,
        "speed-index": 1500,
    }
    line = bench_lighthouse.line("letter page", 1400, summary)
    assert "0.93 (median of 3 runs: 0.86, 0.96, 0.93)" in line
    assert "medians TBT 470 ms, LCP 1.9 s, CLS 0.020, SI 1.5 s" in line
    assert line.endswith("target >= 0.95: NOT met")


@pytest.mark.parametrize(
    ("page", "n", "scores", "verdict"),
    [
        ("letter page", 1400, [0.95, 0.94, 0.97], "target >= 0.95: met"),
        ("letter page", 1400, [0.94, 0.99, 0.90], "target >= 0.95: NOT met"),
        ("letter page", 20000, [0.91, 0.90, 0.60], "target >= 0.90: met"),
        ("letter page", 20000, [0.89, 0.99, 0.80], "target >= 0.90: NOT met"),
        ("sign form", 1400, [0.96, 0.95, 0.80], "target >= 0.95: met"),
        ("sign form", 1400, [0.94, 0.94, 1.00], "target >= 0.95: NOT met"),
    ],
)
def test_the_verdict_compares_the_median_with_the_issues_target_for_that_size(
    page, n, scores, verdict
):
    line = bench_lighthouse.line(page, n, bench_lighthouse.summarize([report(s) for s in scores]))

    assert line.endswith(verdict)


def test_an_even_number_of_runs_meeting_the_target_exactly_on_average_is_met():
    summary = bench_lighthouse.summarize([report(0.94), report(0.96)])

    assert bench_lighthouse.met(summary, 0.95)


def test_a_size_without_a_target_prints_the_score_and_no_verdict():
    line = bench_lighthouse.line("sign form", 20000, bench_lighthouse.summarize([report(0.5)]))

    assert "0.50 (median of 1 runs: 0.50)" in line
    assert "target" not in line
    assert "met" not in line


def test_failed_runs_are_left_out_of_the_median_and_reported():
    broken = copy.deepcopy(REPORT)
    broken["runtimeError"] = {"code": "NO_FCP", "message": "The page did not paint any content."}
    broken["categories"]["performance"]["score"] = None
    runs = [report(0.97), {"failure": "exit 1: Chrome crashed"}, broken, report(0.99)]

    line = bench_lighthouse.line("letter page", 1400, bench_lighthouse.summarize(runs))

    assert "0.98 (median of 2 runs: 0.97, 0.99)" in line
    assert "2 failed (exit 1: Chrome crashed)" in line
    assert line.endswith("target >= 0.95: met")


def test_no_run_with_a_score_is_not_met():
    runs = [{"failure": "no report after 300 s"}] * 3

    line = bench_lighthouse.line("letter page", 20000, bench_lighthouse.summarize(runs))

    assert "no score in 3 runs; 3 failed (no report after 300 s)" in line
    assert line.endswith("target >= 0.90: NOT met")


def test_the_bench_pins_lighthouse_exactly_in_a_lock_without_download_addresses():
    folder = ROOT / "scripts" / "lighthouse"
    package = json.loads((folder / "package.json").read_text())
    lock_text = (folder / "package-lock.json").read_text()
    lock = json.loads(lock_text)

    pinned = package["devDependencies"]["lighthouse"]
    assert pinned[0].isdigit(), "an exact version, not a range"
    assert lock["packages"]["node_modules/lighthouse"]["version"] == pinned
    assert "resolved" not in lock_text
    assert ".tgz" not in lock_text, "no tarball address: npm ci takes them from its own config"


def test_a_run_whose_trace_failed_is_tried_once_more(monkeypatch):
    no_trace = {"runtimeError": {"code": "NO_NAVSTART", "message": "no trace"}}
    outcomes = [no_trace, report(0.97)]
    monkeypatch.setattr(bench_lighthouse, "_run_once", lambda url, timeout: outcomes.pop(0))
    assert bench_lighthouse._score(bench_lighthouse.run("http://x/")) == 0.97

    outcomes[:] = [no_trace, no_trace, report(0.99)]
    failed = bench_lighthouse.run("http://x/")
    assert failed == no_trace
    assert outcomes == [report(0.99)]  # two attempts, no more
