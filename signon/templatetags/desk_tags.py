"""The staff desk's template tags: the mail backlog on the admin index, the
signature changelist's rows.

``mail_backlog`` shows how many e-mail tasks wait for the worker, how long the
oldest has waited, and how many signatures carry a failed e-mail (linked to the
"mail failed" filter), to staff who may see signatures.
"""

from datetime import timedelta

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.urls import reverse

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


@register.tag(name="signature_result_list")
def signature_result_list(parser, token):
    """Django's ``{% result_list cl %}`` (same template, same headers), its rows drawn
    by signon/admin/rows.py."""
    return InclusionAdminNode(
        parser, token, func=rows.result_list, template_name="change_list_results.html",
        takes_context=False,
    )  # fmt: skip
