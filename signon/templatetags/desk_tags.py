"""The staff desk's template tags: the mail backlog on the admin index, the
signature changelist's rows, the options of a long filter drawn as a select.

``mail_backlog`` shows how many e-mail tasks wait for the worker, how long the
oldest has waited, and how many signatures carry a failed e-mail (linked to the
"mail failed" filter), to staff who may see signatures.
"""

from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.safestring import SafeString, mark_safe

from ..admin import rows
from ..tasks import backlog

register = template.Library()


@register.inclusion_tag("admin/signon/includes/mail_backlog.html", takes_context=True)
def mail_backlog(context) -> dict:
    request = context.get("request")
    if request is None or not request.user.has_perm("signon.view_signature"):
        return {"backlog": None}
    url = reverse("admin:signon_signature_changelist") + "?mail=failed"
    return {"backlog": backlog(), "failed_url": url}


@register.filter
def duration_words(age: timedelta) -> str:
    """A waiting time in the largest whole unit: "12 seconds", "3 minutes", "2 hours"."""
    seconds = int(age.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


# Django's own ``{% result_list cl %}`` template (an admin's override of it first, as
# Django looks for one), its rows drawn by signon/admin/rows.py.
@register.inclusion_tag([
    "admin/signon/signature/change_list_results.html",
    "admin/signon/change_list_results.html",
    "admin/change_list_results.html",
])  # fmt: skip
def signature_result_list(cl) -> dict:
    return rows.result_list(cl)


_SELECTED = mark_safe(' class="selected"')


# A long filter's choices (the 57 states), drawn in one pass rather than by two
# template loops (about 2 ms a page); the markup is the loops' own, whitespace and all.
# (rows.format_cell is format_html without its lazy-text wrapper: the same HTML.)
@register.simple_tag
def select_filter_options(choices) -> SafeString:
    return SafeString("".join(
        rows.format_cell('\n    <option value="{}"{}>{}</option>\n  ',
                         iri_to_uri(c["query_string"]), " selected" if c["selected"] else "",
                         c["display"])
        for c in choices
    ))  # fmt: skip


@register.simple_tag
def select_filter_links(choices) -> SafeString:
    return SafeString("".join(
        rows.format_cell('<li{}><a href="{}">{}</a></li>', _SELECTED if c["selected"] else "",
                         iri_to_uri(c["query_string"]), c["display"])
        for c in choices
    ))  # fmt: skip
