"""The staff export: every field staff need about each signature, as a CSV file.

Written with the public list's one CSV writer (``public_list.csv_download``),
so its cells are neutralized the same way. Phone numbers are written in a form
that starts with no formula character: national format for North American
numbers ("(202) 555-0143"), and the international one for others, whose
leading "+" is neutralized like any other cell.
"""

from collections.abc import Iterable

import phonenumbers
from django.http import HttpResponse
from django.utils import timezone

from .public_list import csv_download

COLUMNS = [
    ("id", lambda s: s.pk),
    ("letter", lambda s: s.letter.slug),
    ("status", lambda s: s.get_status_display()),
    ("mayor first name", lambda s: s.mayor_first_name),
    ("mayor last name", lambda s: s.mayor_last_name),
    ("city", lambda s: s.city),
    ("state", lambda s: s.state),
    ("contact first name", lambda s: s.contact_first_name),
    ("contact last name", lambda s: s.contact_last_name),
    ("contact e-mail", lambda s: s.contact_email),
    ("contact phone", lambda s: phone_for_export(s.contact_phone)),
    ("extension", lambda s: s.contact_phone_extension),
    ("e-mail confirmed at", lambda s: _when(s.email_confirmed_at)),
    ("official domain", lambda s: "yes" if s.official_domain else "no"),
    ("other submissions for this city", lambda s: s.same_office_count),
    ("other cities from this contact", lambda s: s.other_cities_count),
    ("how verified", lambda s: s.review_note),
    ("decision reason", lambda s: s.decision_reason),
    ("reviewed by", lambda s: s.reviewed_by.get_username() if s.reviewed_by else ""),
    ("reviewed at", lambda s: _when(s.reviewed_at)),
    ("approved at", lambda s: _when(s.approved_at)),
    ("submitted at", lambda s: _when(s.created_at)),
]


def phone_for_export(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def csv_response(signatures: Iterable, filename: str) -> HttpResponse:
    """Signatures (annotated ``with_signals()``) as a UTF-8 CSV download Excel opens cleanly."""
    rows = ([read(signature) for _, read in COLUMNS] for signature in signatures)
    return csv_download(filename, [name for name, _ in COLUMNS], rows)
