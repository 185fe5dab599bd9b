"""signon.signals: the contact's domain sorted into tiers that mean what they say.

The city's own recorded domain, a domain that names the city, another government's
domain (amber, not green) and anything else; a mayor's name equal to the contact's
is flagged. Each tier's text says how it was derived.
"""

import pytest

from signon import signals
from signon.models import OfficialDomain, Signature

from .conftest import make_signature


def tier(address: str, city: str, state: str, recorded: bool = False) -> str:
    return signals.domain_signal(address, city, state, recorded=recorded).tier


def test_a_laredo_submission_from_dc_gov_is_another_government_not_the_city():
    signal = signals.domain_signal("john.smith@dc.gov", "Laredo", "TX", recorded=False)
    assert signal.tier == signals.GOVERNMENT
    assert not signal.green
    assert "does not name Laredo" in signal.evidence


def test_a_round_rock_submission_from_austintexas_gov_is_not_green():
    signal = signals.domain_signal("aide@austintexas.gov", "Round Rock", "TX", recorded=False)
    assert signal.tier == signals.GOVERNMENT
    assert not signal.green


def test_austins_own_office_from_austintexas_gov_names_the_city():
    signal = signals.domain_signal("aide@austintexas.gov", "Austin", "TX", recorded=False)
    assert signal.tier == signals.NAMES_CITY
    assert signal.green
    assert "spells “Austin”" in signal.evidence and "not yet recorded" in signal.evidence


def test_a_domain_that_names_the_city_need_not_be_gov():
    assert tier("mayor@cityoftulsa.org", "Tulsa", "OK") == signals.NAMES_CITY
    assert (
        "not a government domain"
        in signals.domain_signal("mayor@cityoftulsa.org", "Tulsa", "OK", recorded=False).evidence
    )


@pytest.mark.parametrize(
    ("address", "city", "state"),
    [
        ("a@ci.springfield.il.us", "Springfield", "IL"),
        ("a@stlouis-mo.gov", "St. Louis", "MO"),
        ("a@roundrocktexas.gov", "Round Rock", "TX"),
        ("a@city-of-tulsa.org", "Tulsa", "OK"),
        ("a@cityofada.org", "Ada", "OK"),
        ("a@elpasotexas.gov", "El Paso", "TX"),
    ],
)
def test_common_municipal_domains_name_their_city(address, city, state):
    assert tier(address, city, state) == signals.NAMES_CITY


@pytest.mark.parametrize(
    ("address", "city", "state"),
    [
        # Short names only count when they fill the label (with a municipal prefix).
        ("a@canada.gov", "Ada", "OK"),
        ("a@adacity.com", "Ada", "OK"),
        # A name inside another name is not that city.
        ("a@northaustin.gov", "Austin", "TX"),
        ("a@austinite.org", "Austin", "TX"),
    ],
)
def test_a_city_name_inside_another_word_does_not_name_the_city(address, city, state):
    assert tier(address, city, state) != signals.NAMES_CITY


def test_a_recorded_domain_is_the_citys_own_whatever_its_name():
    signal = signals.domain_signal("a@kcmo.org", "Kansas City", "MO", recorded=True)
    assert signal.tier == signals.OWN
    assert "recorded in Official domains" in signal.evidence


def test_a_state_locality_domain_is_government_and_a_plain_us_domain_is_not():
    assert tier("a@co.kern.ca.us", "Bakersfield", "CA") == signals.GOVERNMENT
    assert tier("a@something.us", "Bakersfield", "CA") == signals.OTHER
    assert tier("a@gmail.com", "Bakersfield", "CA") == signals.OTHER


@pytest.mark.django_db
def test_the_queryset_knows_which_domains_staff_recorded(letter):
    OfficialDomain.objects.create(domain="kcmo.org", city="Kansas City", state="MO")
    make_signature(letter, city="Kansas City", state="MO", contact_email="a@KCMO.org")
    signature = Signature.objects.with_signals().get()
    assert signals.signature_domain_signal(signature).tier == signals.OWN


def test_a_domain_the_mayors_directory_recorded_is_the_citys_own_and_says_where_from():
    signal = signals.domain_signal(
        "aide@rrtx.gov", "Round Rock", "TX", recorded=True, by_directory=True
    )
    assert signal.tier == signals.OWN
    assert "listed in the mayors’ directory" in signal.evidence


@pytest.mark.django_db
def test_a_mayor_typed_with_the_contacts_own_name_is_flagged(letter):
    autofilled = make_signature(
        letter, mayor_first_name="Chris", mayor_last_name="AIDE ", contact_first_name="chris",
        contact_last_name="Aide",
    )  # fmt: skip
    assert signals.same_person(autofilled)
    distinct = make_signature(letter, city="Peoria", contact_email="b@peoria.gov")
    assert not signals.same_person(distinct)
