"""The queries compiled once per process (signon/compiled.py) answer as their querysets do."""

import pytest

from letters.models import Letter
from signon.compiled import letter_for_sign_on, office_taken_as
from signon.models import Signature

from .conftest import conference_staff, make_signature


@pytest.mark.django_db
def test_the_sign_on_letter_is_the_querysets_letter(letter):
    expected = Letter.objects.with_current_version().get(pk=letter.pk)
    found = letter_for_sign_on(letter.slug)
    assert found.pk == letter.pk
    assert found.current_version_ref() == expected.current_version_ref()
    assert (found.title, found.status, found.deadline) == (
        expected.title, expected.status, expected.deadline,
    )  # fmt: skip
    assert letter_for_sign_on("no-such-letter") is None
    assert letter_for_sign_on("x' OR '1'='1") is None  # a parameter, never SQL


@pytest.mark.django_db
def test_a_draft_is_found_for_staff_only(letter):
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.DRAFT)
    assert letter_for_sign_on(letter.slug) is None
    assert letter_for_sign_on(letter.slug, conference_staff()).pk == letter.pk


@pytest.mark.django_db
def test_an_office_is_taken_by_a_live_signature_of_this_letter_only(letter):
    other = Letter.objects.create(
        slug="another", title="Another letter", salutation="Dear all,", body="Words.",
        status=Letter.Status.OPEN,
    )  # fmt: skip
    assert office_taken_as(letter.pk, "TX:austin") is None
    rejected = make_signature(letter, city="Austin", state="TX")
    Signature.objects.filter(pk=rejected.pk).update(status=Signature.Status.REJECTED)
    make_signature(other, city="Austin", state="TX")
    assert office_taken_as(letter.pk, "TX:austin") is None
    make_signature(letter, city="AUSTIN", state="TX")
    assert office_taken_as(letter.pk, "TX:austin") == "AUSTIN"
    assert office_taken_as(letter.pk, "TX:'; DROP TABLE signon_signature; --") is None
