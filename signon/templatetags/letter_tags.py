"""How the public pages say a letter's status, a date and a signatory: one filter each.

- ``public_status``: the letter's status as the public sees it (an open letter
  past its deadline is closed), with its badge and, when the deadline closed
  it, when. Every template that words the status branches on this.
- ``conference_time``: a moment in the conference's time zone, in the one form
  every sentence uses ("June 1, 2030, at 5:00 PM EDT"); ``:"day"`` gives the
  day alone ("June 1, 2030").
- ``signatory``: a public row as "Mayor First Last, City, ST"
  (``public_list.signatory_line``).
"""

import datetime
from dataclasses import dataclass

from django import template
from django.utils import dateformat

from letters.models import Letter

from ..public_list import signatory_line

register = template.Library()

CONFERENCE_TIME = r"F j, Y, \a\t g:i A T"
CONFERENCE_DAY = "F j, Y"

# The badge on the list of letters: (Bootstrap class, words), by public status.
BADGES = {
    Letter.Status.DRAFT: ("text-bg-warning", "Draft: not public"),
    Letter.Status.OPEN: ("text-bg-success", "Open for signatures"),
    Letter.Status.DELIVERED: ("text-bg-primary", "Delivered to Congress"),
    Letter.Status.CLOSED: ("text-bg-secondary", "Closed"),
}


@dataclass(frozen=True)
class PublicStatus:
    value: str
    # The deadline, when passing it is what closed the letter (it was never closed by hand).
    closed_at: datetime.datetime | None

    @property
    def badge_class(self) -> str:
        return BADGES[self.value][0]

    @property
    def label(self) -> str:
        return BADGES[self.value][1]

    def __str__(self) -> str:
        return self.value


@register.filter
def public_status(letter: Letter) -> PublicStatus:
    status = letter.public_status
    by_deadline = letter.status == Letter.Status.OPEN and status == Letter.Status.CLOSED
    return PublicStatus(value=status, closed_at=letter.deadline if by_deadline else None)


@register.filter(expects_localtime=True)
def conference_time(value: datetime.date | None, part: str = "") -> str:
    """The moment as the public pages say it, in the conference's time zone."""
    if value is None:
        return ""
    return dateformat.format(value, CONFERENCE_DAY if part == "day" else CONFERENCE_TIME)


@register.filter
def signatory(row: dict) -> str:
    return signatory_line(row)
