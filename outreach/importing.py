"""The directory's CSV import and export.

``preview`` reads a file and says, for every row, what saving it would do (new,
changed with the fields, unchanged, or an error with the reason) without saving
anything; ``apply`` saves the new and changed rows of the same text in one
transaction. Importing the same file twice changes nothing the second time.
Rows are cleaned as the sign-on form cleans them (signon.forms).
"""

import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.http import HttpResponse

from places.normalize import office_key
from places.states import State
from signon.forms import NameField, parse_phone

from .models import Office

COLUMNS = [
    "city", "state", "mayor_first_name", "mayor_last_name", "email", "phone", "domains",
    "term_ends", "member",
]  # fmt: skip
REQUIRED_COLUMNS = ["city", "state", "mayor_first_name", "mayor_last_name"]
# Fields an import compares and writes (phone_extension comes with phone).
COMPARED = [*COLUMNS, "phone_extension"]
MAX_ROWS = 5000
_YES = {"yes", "y", "true", "1", "member", "x"}
_NO = {"no", "n", "false", "0", ""}


class OfficeRowForm(forms.Form):
    """One row of the file, cleaned like the sign-on form's fields."""

    city = NameField(max_length=100)
    state = forms.ChoiceField(
        choices=State.choices,
        error_messages={
            "invalid_choice": "“%(value)s” is not a state or territory code (IL, TX …)."
        },
    )
    mayor_first_name = NameField(max_length=100)
    mayor_last_name = NameField(max_length=100)
    email = forms.EmailField(max_length=254, required=False)
    phone = forms.CharField(max_length=40, required=False)
    domains = forms.CharField(max_length=500, required=False)
    term_ends = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%m/%d/%Y"])
    member = forms.CharField(required=False)

    def clean_email(self) -> str:
        local, at, domain = self.cleaned_data["email"].rpartition("@")
        return f"{local}@{domain.lower()}" if at else ""

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        e164, self.extension = parse_phone(raw)
        return e164

    def clean_domains(self) -> str:
        domains = self.cleaned_data["domains"].replace(",", " ").replace(";", " ").lower().split()
        for domain in domains:
            domain = domain.removeprefix("@")
            if "." not in domain or not all(part.isascii() for part in domain):
                raise forms.ValidationError(f"“{domain}” is not a domain like city.gov.")
        return " ".join(dict.fromkeys(d.removeprefix("@") for d in domains))

    def clean_member(self) -> bool:
        value = self.cleaned_data["member"].strip().lower()
        if value in _YES:
            return True
        if value in _NO:
            return False
        raise forms.ValidationError("Write yes or no.")

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in COLUMNS}
        values["phone_extension"] = getattr(self, "extension", "") if values["phone"] else ""
        return values


@dataclass
class Row:
    line: int
    outcome: str  # new, changed, unchanged, error
    label: str
    reason: str = ""
    changes: list[str] = field(default_factory=list)
    values: dict | None = None


def _errors(form: forms.Form) -> str:
    return "; ".join(
        f"{name.replace('_', ' ')}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
        for name, errors in form.errors.items()
    )


def preview(text: str) -> tuple[list[Row], str]:
    """Every row's outcome, and a problem with the file as a whole ("" if none)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in headers]
    if missing:
        return [], (
            f"The file has no {', '.join(missing)} column(s). The first line must name the "
            f"columns: {', '.join(COLUMNS)}."
        )
    reader.fieldnames = headers
    parsed: list[tuple[int, OfficeRowForm | None, str]] = []
    for number, record in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            return [], f"The file has more than {MAX_ROWS:,} rows; split it."
        if None in record:
            parsed.append((number, None, "more values than columns"))
            continue
        data = {name: (record.get(name) or "").strip() for name in COLUMNS}
        data["state"] = data["state"].upper()
        parsed.append((number, OfficeRowForm(data), ""))
    keys = [
        office_key(form.cleaned_data["city"], form.cleaned_data["state"])
        for _, form, _ in parsed
        if form is not None and form.is_valid()
    ]
    existing = {office.office_key: office for office in Office.objects.filter(office_key__in=keys)}
    rows, seen = [], {}
    for number, form, problem in parsed:
        if form is None:
            rows.append(Row(number, "error", "", problem))
            continue
        label = f"{form.data['city']}, {form.data['state']}"
        if not form.is_valid():
            rows.append(Row(number, "error", label, _errors(form)))
            continue
        values = form.values()
        key = office_key(values["city"], values["state"])
        if key in seen:
            rows.append(Row(number, "error", label, f"the same city as line {seen[key]}"))
            continue
        seen[key] = number
        office = existing.get(key)
        if office is None:
            rows.append(Row(number, "new", label, values=values))
            continue
        changes = [name for name in COMPARED if getattr(office, name) != values[name]]
        outcome = "changed" if changes else "unchanged"
        rows.append(Row(number, outcome, label, changes=changes, values=values))
    return rows, ""


def apply(text: str) -> dict[str, int]:
    """Save the new and changed rows of this text; the count of each outcome."""
    rows, problem = preview(text)
    if problem:
        raise ValueError(problem)
    counts = {"new": 0, "changed": 0, "unchanged": 0, "error": 0}
    with transaction.atomic():
        for row in rows:
            counts[row.outcome] += 1
            if row.outcome == "new":
                Office.objects.create(**row.values)
            elif row.outcome == "changed":
                office = Office.objects.get(
                    office_key=office_key(row.values["city"], row.values["state"])
                )
                for name, value in row.values.items():
                    setattr(office, name, value)
                office.save()
    return counts


def export_response(offices) -> HttpResponse:
    """The offices as a CSV in the import's own columns: export, edit, import again."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mayors-directory.csv"'
    writer = csv.writer(response)
    writer.writerow([*COLUMNS, "population"])
    for office in offices.select_related("place"):
        phone = office.phone + (f" x{office.phone_extension}" if office.phone_extension else "")
        writer.writerow([
            office.city, office.state, office.mayor_first_name, office.mayor_last_name,
            office.email, phone, office.domains,
            office.term_ends.isoformat() if office.term_ends else "",
            "yes" if office.member else "no", office.population or "",
        ])  # fmt: skip
    return response
