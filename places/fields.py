"""Typed names, places and phone numbers as every form takes them: the sign-on form,
the staff desk and the directory import clean them the same way."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

from . import normalize


class NameField(forms.CharField):
    """A typed name or place, cleaned by normalize.clean_text before the length check."""

    def to_python(self, value):
        return normalize.clean_text(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # No maxlength in the page: a browser cuts pasted text silently at the
        # limit; the server refuses it instead, with a message naming the limit.
        attrs.pop("maxlength", None)
        return attrs


def parse_phone(raw: str) -> tuple[str, str]:
    """A typed phone number as (E.164, extension), or ValidationError (sign-on form and admin)."""
    message = "Enter a phone number we can call, e.g. (202) 555-0143 or +1 202 555 0143 x12."
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, (number.extension or "")[:10]
