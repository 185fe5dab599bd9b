"""Verification signals: e-mail confirmed, official domain, conflicts, and their cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signon.models import OfficialDomain, Signature

from .conftest import CHANGELIST, log_in_with_device, make_signature


def listed(client, **params) -> list[str]:
    """The cities in the changelist's rows, for the given filters."""
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return sorted(row.city for row in response.context["cl"].result_list)


def signals(signature: Signature) -> Signature:
    return Signature.objects.with_signals().get(pk=signature.pk)


@pytest.mark.django_db
def test_the_confirmed_filter_and_column_follow_the_confirmation(reviewer_client, letter):
    make_signature(letter, city="Peoria", email_confirmed_at=timezone.now())
    make_signature(letter, city="Joliet")
    assert listed(reviewer_client, confirmed="yes") == ["Peoria"]
    assert listed(reviewer_client, confirmed="no") == ["Joliet"]
    page = reviewer_client.get(CHANGELIST)
    assert 'alt="True"' in page.text and 'alt="False"' in page.text


@pytest.mark.django_db
def test_a_gov_address_counts_as_an_official_domain(reviewer_client, letter):
    gov = make_signature(letter, city="Peoria", contact_email="aide@PeoriaGov.GOV")
    gmail = make_signature(letter, city="Joliet", contact_email="joliet.mayor@gmail.com")
    assert signals(gov).official_domain is True
    assert signals(gmail).official_domain is False
    assert listed(reviewer_client, official="yes") == ["Peoria"]
    assert listed(reviewer_client, official="no") == ["Joliet"]
    page = reviewer_client.get(f"{CHANGELIST}{gov.pk}/change/")
    assert "Yes: peoriagov.gov is a .gov domain" in page.text


@pytest.mark.django_db
def test_a_domain_staff_recorded_for_that_city_counts_only_for_that_city(reviewer_client, letter):
    OfficialDomain.objects.create(domain="CI.Joliet.IL.US", city="joliet", state="IL")
    joliet = make_signature(letter, city="Joliet", contact_email="mayor@ci.joliet.il.us")
    elgin = make_signature(letter, city="Elgin", contact_email="someone@ci.joliet.il.us")
    assert signals(joliet).official_domain is True
    assert signals(elgin).official_domain is False
    assert listed(reviewer_client, official="yes") == ["Joliet"]
    page = reviewer_client.get(f"{CHANGELIST}{joliet.pk}/change/")
    assert "staff recorded ci.joliet.il.us as Joliet, IL" in page.text


@pytest.mark.django_db
def test_the_change_page_offers_to_record_an_unknown_domain_for_the_city(reviewer_client, letter):
    signature = make_signature(letter, city="Joliet", contact_email="mayor@jolietcity.org")
    page = reviewer_client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert "No: jolietcity.org is not .gov nor recorded for Joliet, IL" in page.text
    assert "/admin/signon/officialdomain/add/?domain=jolietcity.org&amp;city=Joliet" in page.text


@pytest.mark.django_db
def test_an_earlier_submission_for_the_same_office_is_a_linked_conflict(reviewer_client, letter):
    earlier = make_signature(letter, city="Saint Louis", state="MO", status="rejected")
    later = make_signature(letter, city="St. Louis", state="MO", contact_email="x@gmail.com")
    other = make_signature(letter, city="Kansas City", state="MO", contact_email="k@kc.gov")
    assert signals(later).same_office_count == 1
    assert signals(earlier).same_office_count == 1
    assert signals(other).same_office_count == 0
    assert listed(reviewer_client, conflict="office") == ["Saint Louis", "St. Louis"]

    page = reviewer_client.get(CHANGELIST)
    assert f"?same_office_as={later.pk}" in page.text
    assert "1 same city" in page.text
    assert listed(reviewer_client, same_office_as=later.pk) == ["Saint Louis"]

    change = reviewer_client.get(f"{CHANGELIST}{later.pk}/change/")
    assert f'href="/admin/signon/signature/{earlier.pk}/change/"' in change.text
    assert "The same city on this letter" in change.text


@pytest.mark.django_db
def test_other_cities_from_the_same_contact_are_a_linked_conflict(reviewer_client, letter):
    first = make_signature(letter, city="Peoria", contact_email="fixer@gmail.com")
    second = make_signature(letter, city="Joliet", contact_email="Fixer@gmail.com")
    third = make_signature(letter, city="Elgin", contact_email="fixer@gmail.com")
    alone = make_signature(letter, city="Aurora", contact_email="aide@aurora-il.org")
    assert signals(first).other_cities_count == 2
    assert signals(alone).other_cities_count == 0
    assert listed(reviewer_client, conflict="contact") == ["Elgin", "Joliet", "Peoria"]
    assert listed(reviewer_client, conflict="none") == ["Aurora"]

    page = reviewer_client.get(CHANGELIST)
    assert "2 other cities by contact" in page.text
    # Linked by row id: the contact's address stays out of the URL.
    assert f"?same_contact_as={first.pk}" in page.text
    assert "same_contact_as=fixer" not in page.text
    assert listed(reviewer_client, same_contact_as=first.pk) == ["Elgin", "Joliet"]

    change = reviewer_client.get(f"{CHANGELIST}{third.pk}/change/")
    assert "Other cities from the same contact e-mail" in change.text
    assert f'href="/admin/signon/signature/{second.pk}/change/"' in change.text


@pytest.mark.django_db
def test_the_same_city_on_another_letter_is_not_a_conflict(letter):
    from letters.models import Letter

    other_letter = Letter.objects.create(
        slug="housing", title="Housing", salutation="Dear all:", body="Text", status="open"
    )
    here = make_signature(letter, contact_email="a@springfield.gov")
    make_signature(other_letter, contact_email="b@springfield.gov")
    assert signals(here).same_office_count == 0
    assert signals(here).other_cities_count == 0


@pytest.mark.django_db
def test_a_bad_conflict_link_shows_no_rows_rather_than_an_error(reviewer_client, letter):
    make_signature(letter)
    assert listed(reviewer_client, same_office_as="999999") == []
    assert reviewer_client.get(CHANGELIST, {"same_office_as": "abc"}).status_code == 200


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_changelist_query_count_does_not_grow_with_the_number_of_rows(reviewer_client, letter):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            make_signature(
                letter, city=f"Town {i}", contact_email=f"aide{i % 3}@town{i}.org",
                email_confirmed_at=timezone.now() if i % 2 else None,
            )  # fmt: skip
        OfficialDomain.objects.create(domain=f"town{start}.org", city=f"Town {start}", state="IL")

    add(2, 0)
    make_signature(letter, city="Town 0", status="rejected")  # a conflict to render
    few = _changelist_queries(reviewer_client)
    add(25, 100)
    many = _changelist_queries(reviewer_client)
    assert Signature.objects.count() == 28
    assert many == few


@pytest.mark.django_db
def test_the_add_page_renders_without_signals_or_decisions(client, admin_user, letter):
    # Signatures come in through the public form: only a superuser adds one by hand.
    log_in_with_device(client, admin_user)
    response = client.get(f"{CHANGELIST}add/")
    assert response.status_code == 200
    assert "Verification" in response.text
    assert "/decide/" not in response.text
