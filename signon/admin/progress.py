"""A letter's progress, for staff on its admin page: the figures and their chart.

Owns what the panel says: sign-ons per day by their status now (an SVG bar
chart drawn on the server, with the same figures as a table), how long staff
took from submission to decision (median and 90th percentile), and how old the
pending queue is. Two figures come from the places app once it can give them
(issue 14): whom the signatories represent (``population``) and the share of
member-size cities signed (``member_share``); each is shown when given.

Two queries whatever the letter's size: the counts per day and status, and
the decision times.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from letters.models import Letter

from ..models import Signature

# The chart's bars, bottom to top, in the Okabe–Ito palette (safe for every
# common colour-blindness); the table beside it carries the same figures.
STATUS_COLOURS = {
    Signature.Status.APPROVED: "#009E73",
    Signature.Status.PENDING: "#E69F00",
    Signature.Status.REJECTED: "#D55E00",
    Signature.Status.WITHDRAWN: "#56B4E9",
    Signature.Status.HELD: "#CC79A7",
}
# The chart shows at most this many days, the latest ones.
MAX_DAYS = 90
CHART_HEIGHT = 160


@dataclass
class Day:
    day: datetime.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Progress:
    days: list[Day]
    decided: int
    median_decision: datetime.timedelta | None
    p90_decision: datetime.timedelta | None
    pending: int
    oldest_pending: datetime.timedelta | None
    median_pending: datetime.timedelta | None
    earlier_days: int = 0
    population: int | None = None
    member_share: tuple[int, int] | None = None

    @property
    def total(self) -> int:
        return sum(day.total for day in self.days)

    @property
    def member_percent(self) -> str:
        if not self.member_share or not self.member_share[1]:
            return ""
        signed, of = self.member_share
        return f"{100 * signed / of:.0f}%"


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (linear between ranks)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def letter_progress(
    letter: Letter,
    now: datetime.datetime | None = None,
    population: int | None = None,
    member_share: tuple[int, int] | None = None,
) -> Progress:
    """The letter's figures as of ``now``; days counted in the conference's time zone."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    signatures = Signature.objects.filter(letter=letter)
    per_day: dict[datetime.date, Day] = {}
    for row in (
        signatures.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        per_day.setdefault(row["day"], Day(row["day"])).counts[row["status"]] = row["n"]
    days: list[Day] = []
    earlier = 0
    if per_day:
        first, last = min(per_day), max(max(per_day), timezone.localdate(now, zone))
        start = max(first, last - datetime.timedelta(days=MAX_DAYS - 1))
        earlier = sum(1 for day in per_day if day < start)
        span = (last - start).days + 1
        dates = (start + datetime.timedelta(days=i) for i in range(span))
        days = [per_day.get(day) or Day(day) for day in dates]

    # Decisions and the queue: plain durations in seconds.
    decisions, waiting = [], []
    for status, created, reviewed in signatures.values_list("status", "created_at", "reviewed_at"):
        if status == Signature.Status.PENDING:
            waiting.append((now - created).total_seconds())
        elif reviewed is not None and status != Signature.Status.HELD:
            decisions.append((reviewed - created).total_seconds())

    def seconds(value: float | None) -> datetime.timedelta | None:
        return None if value is None else datetime.timedelta(seconds=round(value))

    return Progress(
        days=days,
        earlier_days=earlier,
        decided=len(decisions),
        median_decision=seconds(statistics.median(decisions) if decisions else None),
        p90_decision=seconds(percentile(decisions, 0.9) if decisions else None),
        pending=len(waiting),
        oldest_pending=seconds(max(waiting) if waiting else None),
        median_pending=seconds(statistics.median(waiting) if waiting else None),
        population=population,
        member_share=member_share,
    )


def duration(value: datetime.timedelta | None) -> str:
    """A duration as staff say it: "45 min", "5 h 20 min", "3.5 days"."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{value.total_seconds() / 86400:.1f} days"


def short_day(day: datetime.date) -> str:
    """A day as the chart labels it, "Mar 2" (no leading zero, on any C library)."""
    return f"{day:%b} {day.day}"


def chart_svg(progress: Progress) -> SafeString:
    """Sign-ons per day, stacked by status: an image for sighted staff, the table for all."""
    days = progress.days
    highest = max((day.total for day in days), default=0)
    if not highest:
        return mark_safe("")
    # Bars as wide as about 560 units allow, within limits; room on the right
    # for the last day's label.
    gap, left, bottom = 2, 32, 20
    bar = min(28, max(4, 560 // len(days) - gap))
    width = left + len(days) * (bar + gap) + 24
    height = CHART_HEIGHT + bottom + 8
    scale = CHART_HEIGHT / highest
    parts = [
        # The axis: zero and the highest day.
        f'<text x="{left - 6}" y="{8 + CHART_HEIGHT}" class="progress-chart__axis" '
        f'text-anchor="end">0</text>',
        f'<text x="{left - 6}" y="{8 + 10}" class="progress-chart__axis" '
        f'text-anchor="end">{highest}</text>',
        f'<line x1="{left}" y1="{8 + CHART_HEIGHT}" x2="{width}" y2="{8 + CHART_HEIGHT}" '
        f'stroke="#666"/>',
    ]
    for index, day in enumerate(days):
        x = left + index * (bar + gap)
        y = 8 + CHART_HEIGHT
        for status, colour in STATUS_COLOURS.items():
            n = day.counts.get(status, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colour}">'
                f"<title>{short_day(day.day)}: {n} {escape(status.label.lower())}</title></rect>"
            )
        if index == 0 or index == len(days) - 1 or day.day.day == 1:
            parts.append(
                f'<text x="{x + bar / 2}" y="{height - 4}" class="progress-chart__axis" '
                f'text-anchor="middle">{short_day(day.day)}</text>'
            )
    summary = (
        f"Sign-ons per day, {short_day(days[0].day)} to {short_day(days[-1].day)}: "
        f"{progress.total} in all, at most {highest} in a day. The table below gives each day."
    )
    return mark_safe(  # noqa: S308 -- numbers, dates and constant labels, escaped
        f'<svg class="progress-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(summary)}">' + "".join(parts) + "</svg>"
    )


def render_panel(progress: Progress) -> SafeString:
    context = {
        "progress": progress,
        "chart": chart_svg(progress),
        "statuses": [(status, status.label, colour) for status, colour in STATUS_COLOURS.items()],
        "rows": [
            (day.day, [day.counts.get(status, 0) for status in STATUS_COLOURS], day.total)
            for day in progress.days
            if day.total
        ],
        "median_decision": duration(progress.median_decision),
        "p90_decision": duration(progress.p90_decision),
        "oldest_pending": duration(progress.oldest_pending),
        "median_pending": duration(progress.median_pending),
    }
    return render_to_string("admin/signon/letter/progress.html", context)
