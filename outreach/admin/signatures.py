"""The directory signal on the review desk: a column, a filter and a bulk approval of
the signatures that match the directory. Signon knows nothing of the directory, so
outreach replaces the signature admin with a subclass of signon's that adds them."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from signon.admin.signatures import SignatureAdmin
from signon.models import Signature

from .. import verification


@admin.display(description="Directory")
def directory_column(obj: Signature):
    verdict, text = verification.directory_verdict(obj)
    return format_html('<span class="signon-directory signon-directory--{}">{}</span>',
                       verdict, text)  # fmt: skip


class DirectoryFilter(admin.SimpleListFilter):
    title = "directory"
    parameter_name = "directory"

    def lookups(self, request, model_admin):
        return [("match", "Matches the directory"), ("mismatch", "Different mayor")]

    def queryset(self, request, queryset):
        if self.value() == "match":
            return verification.matching_directory(queryset)
        if self.value() == "mismatch":
            return (
                verification.with_directory(queryset)
                .filter(directory_first__isnull=False)
                .exclude(pk__in=verification.mayor_matches(queryset).values("pk"))
            )
        return queryset


@admin.action(description="Approve selected pending signatures that match the directory",
              permissions=["review"])  # fmt: skip
def approve_matching_directory(modeladmin, request: HttpRequest, queryset):
    pending = queryset.filter(status=Signature.Status.PENDING)
    matching = list(verification.matching_directory(pending).values_list("pk", flat=True))
    skipped = queryset.count() - len(matching)
    # The matching ones go through the same summary and confirmation as any bulk
    # approval (the page posts back to this action with the matching ones only).
    response = None
    if matching:
        response = modeladmin.approve_selected(request, Signature.objects.filter(pk__in=matching))
    if skipped and response is None:
        modeladmin.message_user(
            request,
            f"{skipped} selected signature(s) left as they were: not pending, or not "
            "matching the directory.",
            messages.WARNING,
        )
    return response


class DirectorySignatureAdmin(SignatureAdmin):
    """Signon's review desk, with what the directory says about each signature."""

    list_display = [
        *(name for name in SignatureAdmin.list_display if name != "contact_display"),
        directory_column, "contact_display",
    ]  # fmt: skip
    actions = [*SignatureAdmin.actions, approve_matching_directory]

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        filters.insert(filters.index("letter"), DirectoryFilter)
        return filters

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return verification.with_directory(super().get_queryset(request))


admin.site.unregister(Signature)
admin.site.register(Signature, DirectorySignatureAdmin)
