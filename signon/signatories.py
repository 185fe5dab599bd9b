"""The public list of a letter's signatories, grouped by state.

The list can hold every U.S. city, so the page's list is built from plain
tuples (``values_list()``), not model instances, and each state's lines are
rendered in Python rather than in a template loop: at 20,000 names the template
engine's per-variable cost and Django's per-row dicts are most of a render.
"""

from dataclasses import dataclass
from html import escape
from itertools import groupby
from operator import itemgetter

from django.utils.safestring import SafeString, mark_safe

from letters.models import Letter

from .models import Signature
from .states import State

PUBLIC_FIELDS = ("mayor_first_name", "mayor_last_name", "city", "state", "approved_at")

# Joins a group's lines before the one escaping pass; no name can contain NUL
# (PostgreSQL text refuses it), so it marks exactly the line breaks.
_NUL = "\0"


@dataclass(frozen=True)
class StateGroup:
    code: str
    name: str
    count: int
    items_html: SafeString  # the group's <li> lines, every value escaped

    @property
    def html(self) -> SafeString:
        """The group's whole section: one string, no template loop per state."""
        code, name = self.code, escape(self.name)
        return mark_safe(  # noqa: S308 -- code is a USPS code, the rest escaped
            f'<section class="signatories__state" aria-labelledby="state-{code}">\n'
            f'<h3 id="state-{code}" class="signatories__state-name">{name} '
            f'<span class="signatories__state-count">({self.count:,})</span></h3>\n'
            f'<ul class="signatories__list">\n{self.items_html}\n</ul>\n</section>\n'
        )


def public_rows(letter: Letter) -> list[dict]:
    """Approved signatories in state-code, then city order, as dicts of public fields."""
    return list(
        _public_list(letter)
        .order_by("office_key", "mayor_last_name", "mayor_first_name")
        .values(*PUBLIC_FIELDS)
    )


def public_groups(letter: Letter) -> list[StateGroup]:
    """The approved signatories grouped under their state's name, states in name order.

    One query; within a state, in city order (the office key starts with the
    state's code, and approved office keys are unique per letter).
    """
    rows = (
        _public_list(letter)
        .order_by("office_key")
        .values_list("state", "mayor_first_name", "mayor_last_name", "city")
    )
    groups = []
    for code, members in groupby(rows, key=itemgetter(0)):
        lines = [f"Mayor {first} {last}, {city}, {state}" for state, first, last, city in members]
        html = escape(_NUL.join(lines)).replace(_NUL, "</li>\n<li>")
        groups.append(
            StateGroup(
                code=code,
                name=State(code).label,
                count=len(lines),
                items_html=mark_safe(f"<li>{html}</li>"),  # noqa: S308 -- escaped just above
            )
        )
    return sorted(groups, key=lambda group: group.name)


def _public_list(letter: Letter):
    return Signature.objects.for_public_display().filter(letter=letter)
