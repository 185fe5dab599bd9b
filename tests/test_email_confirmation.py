"""The contact's e-mail confirmation: a button page, a POST, and tokens that fail clearly."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from signon.models import Signature
from signon.tokens import make_token

from .conftest import make_signature


def confirm_url(signature: Signature) -> str:
    return reverse("signon:confirm-email", kwargs={"token": make_token(signature.confirmation_id)})


@pytest.mark.django_db
def test_opening_the_link_shows_a_button_and_confirms_nothing(client, letter):
    signature = make_signature(letter)
    response = client.get(confirm_url(signature))
    assert response.status_code == 200
    assert "Confirm my e-mail address" in response.text
    assert '<form method="post">' in response.text
    assert "Mayor Ada Lovelace of Springfield, IL" in response.text
    assert "chris.aide" not in response.text
    assert response["Cache-Control"].startswith("max-age=0")
    signature.refresh_from_db()
    assert signature.email_confirmed_at is None


@pytest.mark.django_db
def test_pressing_the_button_confirms_the_address(client, letter):
    signature = make_signature(letter)
    response = client.post(confirm_url(signature))
    assert response.status_code == 302
    assert response["Location"] == reverse("signon:confirm-email-done")
    signature.refresh_from_db()
    assert signature.email_confirmed_at is not None
    done = client.get(response["Location"])
    assert "your e-mail address is confirmed" in done.text


@pytest.mark.django_db
def test_a_used_link_says_so_and_changes_nothing(client, letter):
    signature = make_signature(letter)
    url = confirm_url(signature)
    client.post(url)
    signature.refresh_from_db()
    first_confirmation = signature.email_confirmed_at

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "This link was already used" in response.text
        assert "already confirmed" in response.text
        assert "<form" not in response.text
    signature.refresh_from_db()
    assert signature.email_confirmed_at == first_confirmation


@pytest.mark.django_db
def test_a_link_older_than_72_hours_has_expired(client, letter, time_machine):
    signature = make_signature(letter)
    now = timezone.now()
    time_machine.move_to(now - timedelta(hours=72, minutes=1))
    url = confirm_url(signature)
    time_machine.move_to(now)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "This confirmation link has expired" in response.text
        assert "Nothing was changed" in response.text
    signature.refresh_from_db()
    assert signature.email_confirmed_at is None


@pytest.mark.django_db
def test_a_link_inside_72_hours_still_works(client, letter, time_machine):
    signature = make_signature(letter)
    now = timezone.now()
    time_machine.move_to(now - timedelta(hours=71))
    url = confirm_url(signature)
    time_machine.move_to(now)
    assert client.post(url).status_code == 302
    signature.refresh_from_db()
    assert signature.email_confirmed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: ("a" if token[0] != "a" else "b") + token[1:],  # id changed
        lambda token: token.split(":")[0],  # signature cut off
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_is_refused_with_a_clear_page(client, letter, tamper):
    signature = make_signature(letter)
    token = tamper(make_token(signature.confirmation_id))
    url = reverse("signon:confirm-email", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This confirmation link is not valid" in response.text
    signature.refresh_from_db()
    assert signature.email_confirmed_at is None


@pytest.mark.django_db
def test_a_token_made_for_another_purpose_does_not_confirm(client, letter):
    from django.core import signing

    signature = make_signature(letter)
    token = signing.TimestampSigner(salt="something-else").sign(str(signature.confirmation_id))
    url = reverse("signon:confirm-email", kwargs={"token": token})
    assert client.post(url).status_code == 400
    signature.refresh_from_db()
    assert signature.email_confirmed_at is None


@pytest.mark.django_db
def test_the_token_carries_only_the_random_id(letter):
    signature = make_signature(letter)
    token = make_token(signature.confirmation_id)
    value = token.split(":")[0]
    assert value == str(signature.confirmation_id)
    for private in ("chris", "springfield", "+1217"):
        assert private not in token.lower()
