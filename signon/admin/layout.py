"""What makes the desk's lists fit a laptop's screen (1,024 px and up).

Owns ``SelectListFilter`` (a long filter, such as the 56 states, as one select
instead of a column of links; ``static/js/select-filter.js`` follows the choice)
and ``FullWidthChangelist`` (a list without the app sidebar, which is one click
away in the breadcrumbs, so its columns are not clipped).
"""

from django.contrib import admin
from django.http import HttpRequest


class SelectListFilter(admin.ChoicesFieldListFilter):
    """A field's choices as a select; each option's value is the list's URL for it."""

    template = "admin/signon/select_filter.html"


class FullWidthChangelist:
    """A ModelAdmin mixin: the changelist without the navigation sidebar."""

    def changelist_view(self, request: HttpRequest, extra_context=None):
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )
