"""Contact details are staff-only: no public page ever shows them."""

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data, make_signature

PRIVATE = {
    "contact_first_name": "Quimby",
    "contact_last_name": "Xanthopoulos",
    "contact_email": "quimby.private@springfield.il.gov",
    "contact_phone": "+12175550199",
}


def public_urls(letter) -> list[str]:
    return [
        reverse("signon:index"),
        letter.get_absolute_url(),
        reverse("signon:sign", kwargs={"slug": letter.slug}),
        reverse("signon:thanks", kwargs={"slug": letter.slug}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Signature.Status))
def test_contact_details_never_appear_on_a_public_page(client, letter, status):
    make_signature(letter, status=status, **PRIVATE)
    for url in public_urls(letter):
        html = client.get(url).text
        for value in (*PRIVATE.values(), "555-0199", "217) 555"):
            assert value not in html, (url, value)


@pytest.mark.django_db
def test_the_submitters_own_thanks_page_shows_no_contact_details(client, letter):
    client.post(reverse("signon:sign", kwargs={"slug": letter.slug}),
                form_data(contact_first_name="Quimby", contact_last_name="Xanthopoulos",
                          contact_email="quimby.private@springfield.il.gov",
                          contact_phone="(217) 555-0199"))  # fmt: skip
    html = client.get(reverse("signon:thanks", kwargs={"slug": letter.slug})).text
    assert "Mayor Ada Lovelace of Springfield, IL" in html
    for value in ("Quimby", "Xanthopoulos", "quimby.private", "555-0199"):
        assert value not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Signature.Status.PENDING, Signature.Status.REJECTED, Signature.Status.WITHDRAWN]
)
def test_only_approved_signatures_are_listed(client, letter, status):
    make_signature(letter, mayor_first_name="Hidden", mayor_last_name="Mayor", status=status)
    make_signature(letter, mayor_first_name="Listed", mayor_last_name="Mayor", city="Peoria",
                   status=Signature.Status.APPROVED)  # fmt: skip
    html = client.get(letter.get_absolute_url()).text
    assert "Mayor Listed Mayor, Peoria, IL" in html
    assert "Hidden" not in html
    assert "<strong>1</strong> mayor has signed" in html


@pytest.mark.django_db
def test_the_public_query_loads_no_contact_columns(letter):
    make_signature(letter, status=Signature.Status.APPROVED)
    signature = Signature.objects.for_public_display().get()
    deferred = signature.get_deferred_fields()
    assert {"contact_first_name", "contact_last_name", "contact_email", "contact_phone"} <= deferred
