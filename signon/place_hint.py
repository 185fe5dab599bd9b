"""The sign-on form's "Did you mean Santa Fe?": asked once, and the signer may keep
what they typed.

A city that matches no place is accepted (a new incorporation, another spelling),
but when a close candidate exists (places.matching) the form stops once with the
question on the City field. The office key of what was asked about goes back in
a hidden field; sending the same city and state again is the answer "keep it".
A city typed all in lower case or capitals that names a place takes the place's
own spelling ("austin" → "Austin"); any other spelling is kept as typed.
"""

from django import forms
from django.core.exceptions import ValidationError

from places import matching, normalize

# The hidden field that carries "already asked about this city".
CHECKED_FIELD = "city_checked"


def checked_field() -> forms.CharField:
    return forms.CharField(required=False, widget=forms.HiddenInput)


def _carelessly_cased(city: str) -> bool:
    """Typed all in lower case or all in capitals (a name's own mixed case is kept)."""
    return city == city.lower() or city == city.upper()


def ask_once(form: forms.Form, city: str, state: str) -> None:
    """Add the "Did you mean …?" error to City, unless it was asked for this city already."""
    key = normalize.office_key(city, state)
    if form.data.get(CHECKED_FIELD) == key:
        return
    found = matching.match(city, state)
    # Settled here: saving the signature need not look the place up again.
    form.instance.matched_place = found.place
    form.instance.place_settled = True
    if found.place is not None and found.place.key == key and _carelessly_cased(city):
        # "austin" or "SAINT LOUIS": the place's own spelling, on the thanks
        # page and, once approved, on the public list.
        form.cleaned_data["city"] = found.place.name
    if found.place is not None or found.did_you_mean is None:
        return
    # Remembered in the page: a second "Sign on" with the same city keeps it.
    form.data = form.data.copy()
    form.data[CHECKED_FIELD] = key
    form.add_error("city", ValidationError(
        f"Did you mean {found.did_you_mean.name}? We found no place called “{city}” in "
        f"{state}. Correct the city, or select “Sign on” again to keep “{city}”.",
        code="did_you_mean",
    ))  # fmt: skip
