"""The public letter page: grouped list, filter and search without JavaScript, print view."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from signon.models import Signature

from .conftest import approve, make_signature

APPROVED = Signature.Status.APPROVED


def shown_names(html: str) -> list[str]:
    return [name.strip() for name in re.findall(r"<li>(Mayor [^<]+)<", html)]


@pytest.mark.django_db
def test_the_list_is_grouped_by_state_name_with_counts_and_cities_in_order(client, listed):
    html = client.get(listed.get_absolute_url()).text
    assert "<strong>5</strong> mayors have signed" in html
    assert re.search(r"Missouri <span[^>]*>\(<span data-count>1</span>\)", html)
    assert re.search(r"Texas <span[^>]*>\(<span data-count>3</span>\)", html)
    assert shown_names(html) == [
        "Mayor Lyda Krewson, St. Louis, MO",
        "Mayor José Guillermo Rodríguez, Mayagüez, PR",
        "Mayor Kirk Watson, Austin, TX",
        "Mayor Eric Johnson, Dallas, TX",
        "Mayor Ana Peña, El Paso, TX",
    ]
    assert "Showing all 5." in html
    assert "Houston" not in html


@pytest.mark.django_db
def test_it_filters_by_state_without_javascript(client, listed):
    html = client.get(listed.get_absolute_url(), {"state": "TX"}).text
    assert shown_names(html) == [
        "Mayor Kirk Watson, Austin, TX",
        "Mayor Eric Johnson, Dallas, TX",
        "Mayor Ana Peña, El Paso, TX",
    ]
    assert "Showing 3 of 5 from Texas." in html
    assert '<option value="TX" selected>Texas (3)</option>' in html
    # The total stays the letter's total.
    assert "<strong>5</strong> mayors have signed" in html
    assert "Show all signatories" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("austin", ["Mayor Kirk Watson, Austin, TX"]),
        ("AUSTIN", ["Mayor Kirk Watson, Austin, TX"]),
        ("mayaguez", ["Mayor José Guillermo Rodríguez, Mayagüez, PR"]),
        ("pena", ["Mayor Ana Peña, El Paso, TX"]),
        ("Saint Louis", ["Mayor Lyda Krewson, St. Louis, MO"]),
        ("jose rodriguez", ["Mayor José Guillermo Rodríguez, Mayagüez, PR"]),
        ("  el   paso ", ["Mayor Ana Peña, El Paso, TX"]),
        ("john", ["Mayor Eric Johnson, Dallas, TX"]),
    ],
)
def test_it_searches_names_and_cities_ignoring_case_and_accents(client, listed, query, expected):
    html = client.get(listed.get_absolute_url(), {"q": query}).text
    assert shown_names(html) == expected
    assert f"Showing {len(expected)} of 5 matching" in html


@pytest.mark.django_db
def test_a_half_typed_word_is_not_taken_for_an_abbreviation(client, listed):
    approve(listed, "Caroline", "Simmons", "Stamford", "CT")
    html = client.get(listed.get_absolute_url(), {"q": "st"}).text
    # "st" is in "Austin" and "Stamford", and is how "St. Louis" is written.
    assert shown_names(html) == [
        "Mayor Caroline Simmons, Stamford, CT",
        "Mayor Lyda Krewson, St. Louis, MO",
        "Mayor Kirk Watson, Austin, TX",
    ]
    html = client.get(listed.get_absolute_url(), {"q": "st louis"}).text
    assert shown_names(html) == ["Mayor Lyda Krewson, St. Louis, MO"]


@pytest.mark.django_db
def test_state_and_search_combine(client, listed):
    html = client.get(listed.get_absolute_url(), {"state": "tx", "q": "a"}).text
    assert len(shown_names(html)) == 3
    html = client.get(listed.get_absolute_url(), {"state": "MO", "q": "austin"}).text
    assert shown_names(html) == []
    assert "Showing 0 of 5 from Missouri matching “austin”." in html
    assert "No signatory matches this search." in html
    assert 'id="filter-empty" hidden' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"state": "ZZ"}, {"state": "<script>"}, {"q": "x" * 5000}, {"q": "<b>&\x00"}, {"page": "2"}],
)
def test_odd_parameters_never_fail(client, listed, params):
    response = client.get(listed.get_absolute_url(), params)
    assert response.status_code == 200
    assert "<script>" not in response.text


@pytest.mark.django_db
def test_a_state_with_no_signatory_yet_says_so(client, listed):
    html = client.get(listed.get_absolute_url(), {"state": "WY"}).text
    assert shown_names(html) == []
    assert "Showing 0 of 5 from Wyoming." in html
    assert '<option value="WY" selected>Wyoming (0)</option>' in html
    assert "No signatory matches this search." in html


@pytest.mark.django_db
def test_an_unknown_state_shows_everyone(client, listed):
    html = client.get(listed.get_absolute_url(), {"state": "ZZ"}).text
    assert len(shown_names(html)) == 5
    assert "Showing all 5." in html


@pytest.mark.django_db
def test_a_search_is_shown_back_folded_and_harmless(client, listed):
    # The search is kept as it is compared (folded), so markup cannot survive it.
    html = client.get(listed.get_absolute_url(), {"q": '"><img src=x>'}).text
    assert "<img src=x>" not in html
    assert 'value="img src x"' in html


@pytest.mark.django_db
def test_the_page_holds_the_whole_list_for_the_browser_only_when_unfiltered(client, listed):
    assert "data-complete-list" in client.get(listed.get_absolute_url()).text
    assert "data-complete-list" not in client.get(listed.get_absolute_url(), {"q": "a"}).text


@pytest.mark.django_db
def test_the_letter_page_costs_the_same_queries_for_ten_or_two_hundred_mayors(client, letter):
    def queries_for(n: int) -> int:
        Signature.objects.all().delete()
        Signature.objects.bulk_create(
            Signature(letter=letter, mayor_first_name="Ada", mayor_last_name=f"Mayor{i}",
                      city=f"Town {i}", state="TX", contact_first_name="C", contact_last_name="A",
                      contact_email="c@a.gov", contact_phone="+12175550143",
                      office_key=f"TX:town {i}", status=APPROVED, approved_at=timezone.now())
            for i in range(n)
        )  # fmt: skip
        with CaptureQueriesContext(connection) as context:
            html = client.get(letter.get_absolute_url(), {"q": "town"}).text
        assert f"Showing {n} of {n}" in html
        return len(context.captured_queries)

    assert queries_for(10) == queries_for(200)


@pytest.mark.django_db
def test_the_letter_page_has_no_per_visitor_content(client, listed):
    response = client.get(listed.get_absolute_url())
    assert "csrfmiddlewaretoken" not in response.text
    assert "csrftoken" not in response.cookies
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_the_print_view_has_the_letter_every_signatory_the_count_and_no_navigation(client, listed):
    response = client.get(reverse("signon:letter-print", kwargs={"slug": listed.slug}))
    assert response.status_code == 200
    html = response.text
    assert listed.salutation in html
    assert "5 mayors, by state, as of" in html
    assert timezone.localdate().strftime("%B") in html
    for name in ("Mayor Kirk Watson, Austin, TX", "Mayor Lyda Krewson, St. Louis, MO",
                 "Mayor José Guillermo Rodríguez, Mayagüez, PR"):  # fmt: skip
        assert name in html
    assert html.index("Missouri (1)") < html.index("Puerto Rico (1)") < html.index("Texas (3)")
    assert "<form" not in html
    assert "<nav" not in html
    assert "site-header" not in html
    assert "Houston" not in html
    assert re.search(r'href="/static/css/print\.[0-9a-f]+\.css"', html)


@pytest.mark.django_db
def test_a_shared_link_previews_the_letters_title_and_summary(client, letter, settings):
    settings.SITE_URL = "https://letters.usmayors.example/"
    html = client.get(letter.get_absolute_url()).text
    assert f'<meta property="og:title" content="{letter.title}">' in html
    assert f'<meta property="og:description" content="{letter.summary}">' in html
    assert f'<meta name="description" content="{letter.summary}">' in html
    assert (
        '<meta property="og:url" content="https://letters.usmayors.example/letters/immigration-reform/">'
        in html
    )
    assert f"<title>{letter.title} · U.S. Conference of Mayors</title>" in html


@pytest.mark.django_db
def test_each_name_says_when_it_was_listed_in_eastern_time(client, letter):
    # 02:30 UTC on March 4 is still March 3 in Washington.
    moment = datetime.datetime(2026, 3, 4, 2, 30, tzinfo=datetime.UTC)
    make_signature(letter, city="Austin", state="TX", status="approved", approved_at=moment)
    html = client.get(letter.get_absolute_url()).text
    assert (
        '<li>Mayor Ada Lovelace, Austin, TX <time datetime="2026-03-03">Mar 3, 2026</time></li>'
    ) in html
