"""The directory's admin: offices edited one by one, imported from a CSV with a preview
(nothing is saved until staff confirm what every row will do), exported as CSV.
Every import is in each office's history, with who and when."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from places.normalize import office_key
from signon.forms import NameField, parse_phone

from .. import importing
from ..models import Office

_PAYLOAD_SALT = "outreach.import-preview"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Columns: {', '.join(importing.COLUMNS)}. UTF-8, first line the column names.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is over 2 MB; split it.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("Save the file as UTF-8 CSV and upload it again.") from None


class OfficeAdminForm(forms.ModelForm):
    city = NameField(max_length=100)
    mayor_first_name = NameField(label="Mayor’s first name", max_length=100)
    mayor_last_name = NameField(label="Mayor’s last name", max_length=100)
    phone = forms.CharField(max_length=40, required=False, help_text="Not displayed publicly.")

    class Meta:
        model = Office
        fields = [
            "city", "state", "mayor_first_name", "mayor_last_name", "email", "phone", "domains",
            "term_ends", "member",
        ]  # fmt: skip

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            self.instance.phone_extension = ""
            return ""
        e164, self.instance.phone_extension = parse_phone(raw)
        return e164

    def clean_domains(self) -> str:
        return _domains(self.cleaned_data["domains"])


def _domains(value: str) -> str:
    row = importing.OfficeRowForm()
    row.cleaned_data = {"domains": value}
    return row.clean_domains()


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeAdminForm
    list_display = ["__str__", "mayor_name", "member", "population", "term_ends", "updated_at"]
    list_filter = ["member", "state"]
    search_fields = ["city", "mayor_first_name", "mayor_last_name"]
    list_select_related = ["place"]
    readonly_fields = ["place", "office_key", "created_at", "updated_at"]
    actions = ["export_csv"]
    change_list_template = "admin/outreach/office/change_list.html"

    @admin.display(description="Mayor", ordering="mayor_last_name")
    def mayor_name(self, obj: Office) -> str:
        return obj.mayor_name

    @admin.display(description="Population", ordering="place__population")
    def population(self, obj: Office) -> str:
        return f"{obj.population:,}" if obj.population else "—"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="outreach_office_import"), *super().get_urls()]

    @admin.action(description="Export selected offices as CSV (contact data)",
                  permissions=["change"])  # fmt: skip
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        return importing.export_response(queryset)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → preview of every row → confirm; the confirmed text is the previewed one."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import mayors’ offices",
            "columns": importing.COLUMNS,
        }
        if request.method == "POST" and "payload" in request.POST:
            try:
                text = signing.loads(request.POST["payload"], salt=_PAYLOAD_SALT, max_age=3600)
            except signing.BadSignature:
                messages.error(request, "That preview had expired. Upload the file again.")
                return HttpResponseRedirect(request.path)
            rows, problem = importing.preview(text)
            if problem:
                messages.error(request, problem)
                return HttpResponseRedirect(request.path)
            counts = importing.apply(text)
            self._log_import(request, rows)
            messages.success(
                request,
                f"Imported: {counts['new']} new, {counts['changed']} changed, "
                f"{counts['unchanged']} unchanged, {counts['error']} skipped with errors.",
            )
            return HttpResponseRedirect(reverse("admin:outreach_office_changelist"))
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"]
            rows, problem = importing.preview(text)
            if problem:
                form.add_error("file", problem)
            else:
                counts = {outcome: 0 for outcome in ["new", "changed", "unchanged", "error"]}
                for row in rows:
                    counts[row.outcome] += 1
                context.update(
                    rows=rows,
                    counts=counts,
                    payload=signing.dumps(text, salt=_PAYLOAD_SALT, compress=True),
                    title="Import mayors’ offices: preview",
                )
        context["form"] = form
        return TemplateResponse(request, "admin/outreach/office/import.html", context)

    def _log_import(self, request: HttpRequest, rows: list[importing.Row]) -> None:
        """Each office the import added or changed gets a history entry: who, when, what."""
        for outcome, flag in [("new", ADDITION), ("changed", CHANGE)]:
            keys = {
                office_key(row.values["city"], row.values["state"]): row
                for row in rows
                if row.outcome == outcome
            }
            for office in Office.objects.filter(office_key__in=keys):
                row = keys[office.office_key]
                message = "Imported from CSV" + (
                    f": {', '.join(row.changes)}" if row.changes else " (new)"
                )
                LogEntry.objects.log_actions(
                    request.user.pk, [office], flag, change_message=message, single_object=True
                )
