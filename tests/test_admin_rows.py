"""signon.admin.rows: the signature changelist's rows, drawn as Django draws them.

The review desk draws its rows without Django's per-cell machinery; staff must
not see the difference. Each test renders a page of varied signatures both ways
(Django's ``admin_list.results`` and ours) and compares the HTML byte for byte;
a column the fast rows cannot draw fails loudly instead of being drawn otherwise.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from letters.models import Letter
from outreach.models import Office
from signon.admin import rows
from signon.models import OfficialDomain, Signature

from .conftest import CHANGELIST, make_signature


@pytest.fixture
def desk(letter, places):
    """A page of signatures with every kind of cell the desk draws, on two letters."""
    other = Letter.objects.create(
        slug="infrastructure", title="Infrastructure & <Bridges>", salutation="Dear all:",
        body="Fund the bridges.", status=Letter.Status.OPEN,
    )  # fmt: skip
    now = timezone.now()

    def sign(on, first, last, city, state, email, **fields):
        make_signature(on, mayor_first_name=first, mayor_last_name=last, city=city,
                       state=state, contact_email=email, **fields)  # fmt: skip

    # Matched place, confirmed, the city's own recorded domain, in the directory.
    OfficialDomain.objects.create(domain="austintexas.gov", city="Austin", state="TX")
    Office.objects.create(city="Austin", state="TX", mayor_first_name="Kirk",
                          mayor_last_name="Watson", domains="austintexas.gov")  # fmt: skip
    sign(letter, "Kirk", "Watson", "Austin", "TX", "aide@austintexas.gov", email_confirmed_at=now)
    # Unmatched with a suggestion, another government's domain, the same city twice.
    sign(letter, "Alan", "Webber", "Sante Fe", "NM", "aide@santafenm.gov")
    sign(letter, "Alan", "Webber", "Sante Fe", "NM", "aide@santafenm.gov", status="rejected")
    # A domain naming the city; one contact who sent other cities, one on the other letter.
    for city in ("Peoria", "Joliet", "Naperville"):
        sign(letter, "Ada", "Smith", city, "IL", "clerk@peoria.gov")
    sign(other, "Ada", "Smith", "Peoria", "IL", "clerk@peoria.gov", status="approved",
         approved_at=now)  # fmt: skip
    # Held, with and without a fill time; an ordinary address; characters to escape.
    sign(letter, "Pat", "O'Brien & <Sons>", "Zyzzxq", "CA", "pat@gmail.com", status="held",
         held_reason="too_fast", fill_seconds=1.25)  # fmt: skip
    sign(letter, "Lee", "Smith", "Fresno", "CA", "lee@example.org", status="held")
    sign(letter, "Jo", "Smith", "Dallas", "TX", "jo@dallas.gov", status="withdrawn")
    return Signature.objects.count()


def django_rows(cl) -> list[str]:
    return ["".join(items) for items in admin_list.results(cl)]


def fast_rows(cl) -> list[str]:
    return ["".join(items) for items in rows.results(cl)]


def changelist(client, **params):
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return response, response.context_data["cl"]


PAGES = {
    "plain": {},
    "searched and filtered": {"q": "smith", "status": "pending"},
    "sorted by a column, conflicts filtered": {"o": "-8.2", "conflict": "contact"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("params", PAGES.values(), ids=PAGES.keys())
def test_the_desk_draws_every_row_exactly_as_django_would(reviewer_client, desk, params):
    response, cl = changelist(reviewer_client, **params)
    assert cl.result_list, "the page has rows to compare"
    assert fast_rows(cl) == django_rows(cl)
    # The whole table, headers and hidden fields included, is Django's own.
    table = render_to_string("admin/change_list_results.html", admin_list.result_list(cl))
    assert table in response.text


@pytest.mark.django_db
def test_the_compared_page_holds_every_kind_of_cell(reviewer_client, desk):
    _, cl = changelist(reviewer_client)
    page = "".join(fast_rows(cl))
    assert len(cl.result_list) == desk
    for cell in [
        '<th class="field-mayor_display"><a href="',  # the link to the signature
        'class="field-letter nowrap">Infrastructure &amp; &lt;Bridges&gt;</td>',
        "O&#x27;Brien &amp; &lt;Sons&gt;",
        "Did you mean Santa Fe, NM",
        "Not found.",
        '<span class="signon-place">Austin, TX</span>',
        "sent 1.2 s after the form was loaded",  # held with a fill time
        "no valid form stamp",  # held without
        "icon-yes",
        "icon-no",
        "signon-tier--own",
        "signon-tier--names_city",
        "signon-tier--government",
        "signon-tier--other",
        "1 same city",
        "2 other cities by contact",
        "signon-directory--match",
        'class="action-checkbox"',
    ]:
        assert cell in page, cell
    _, cl = changelist(reviewer_client, q="Smith", status="pending")
    assert "?_changelist_filters=q%3DSmith%26status%3Dpending" in "".join(fast_rows(cl))


@pytest.mark.django_db
def test_the_changelist_page_never_draws_a_cell_through_django(reviewer_client, desk, monkeypatch):
    def per_cell(*args):
        raise AssertionError("a row went through admin_list.items_for_result")

    monkeypatch.setattr(admin_list, "items_for_result", per_cell)
    response, cl = changelist(reviewer_client, q="Smith")
    assert len(cl.result_list) == 6
    assert response.text.count('<tr><td class="action-checkbox">') == 6


# Columns the desk does not show today, as a later change might add them.
@admin.display(description="Signed on")
def signed_on(obj: Signature) -> datetime.date:
    return obj.created_at.date()


@admin.display(description="Fill time", empty_value="never <timed>")
def fill_time(obj: Signature) -> float | None:
    return obj.fill_seconds


@admin.display(description="Held", boolean=True)
def held(obj: Signature) -> bool | None:
    return None if obj.status == "withdrawn" else obj.status == "held"


@admin.display(description="Blank")
def blank(obj: Signature) -> str:
    return "  "


@admin.display(description="Padded")
def padded(obj: Signature) -> str:
    return f"  {obj.city} & co "


LATER_COLUMNS = [
    signed_on, fill_time, held, blank, padded, "created_at", "status", "state", "__str__", "letter",
    "matched_place", "reference", "mayor_name", "get_status_display",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "links",
    [["mayor_display"], ["place", "status"], [], None],
    ids=["one link", "two links", "the first column", "no link"],
)
def test_any_field_or_callable_column_added_later_is_drawn_as_django_would(
    reviewer_client, desk, monkeypatch, links
):
    model_admin = admin.site.get_model_admin(Signature)
    monkeypatch.setattr(model_admin, "list_display", [*model_admin.list_display, *LATER_COLUMNS])
    monkeypatch.setattr(model_admin, "list_display_links", links)
    _, cl = changelist(reviewer_client)
    drawn = fast_rows(cl)
    assert drawn == django_rows(cl)
    page = "".join(drawn)
    assert 'class="field-signed_on nowrap"' in page and "never &lt;timed&gt;" in page
    assert 'class="field-created_at nowrap"' in page and "icon-unknown" in page


@pytest.mark.parametrize("column", ["letter__title", "notes"])
@pytest.mark.django_db
def test_a_column_the_fast_rows_cannot_draw_fails_loudly(reviewer_client, desk, monkeypatch,
                                                         column):  # fmt: skip
    model_admin = admin.site.get_model_admin(Signature)
    monkeypatch.setattr(model_admin, "list_display", [*model_admin.list_display, column])
    with pytest.raises(ImproperlyConfigured, match=column):
        reviewer_client.get(CHANGELIST)


@pytest.mark.parametrize("zone", ["America/Chicago", "UTC", "Pacific/Chatham"])
def test_the_submitted_column_writes_the_time_as_djangos_date_format_would(settings, zone):
    settings.TIME_ZONE = zone
    start = datetime.datetime(2026, 1, 1, 0, 0, 7, tzinfo=datetime.UTC)
    # Every month, and every quarter hour of a day (midnight and noon included).
    moments = [start + datetime.timedelta(days=31 * m, minutes=15 * q)
               for m in range(12) for q in range(96)]  # fmt: skip
    model_admin = admin.site.get_model_admin(Signature)
    for moment in moments:
        expected = dateformat.format(timezone.localtime(moment), "M j, g:i A")
        assert model_admin.submitted(Signature(created_at=moment)) == expected


@pytest.mark.django_db
def test_the_rows_read_their_letters_title_without_its_text(reviewer_client, desk):
    with CaptureQueriesContext(connection) as queries:
        _, cl = changelist(reviewer_client)
    sql = [q["sql"] for q in queries]
    rows_query = next(q for q in sql if '"letters_letter"."title"' in q and "LIMIT" in q)
    assert '"letters_letter"."body"' not in rows_query
    assert "Infrastructure &amp; &lt;Bridges&gt;" in "".join(fast_rows(cl))


# The state filter's options as the select template drew them with two loops.
LOOPS = Template(
    "{% for choice in choices %}\n"
    '    <option value="{{ choice.query_string|iriencode }}"{% if choice.selected %} selected'
    "{% endif %}>{{ choice.display }}</option>\n"
    "  {% endfor %}|<ul>{% for choice in choices %}<li{% if choice.selected %} "
    'class="selected"{% endif %}><a href="{{ choice.query_string|iriencode }}">'
    "{{ choice.display }}</a></li>{% endfor %}</ul>"
)


@pytest.mark.django_db
def test_the_state_filter_draws_its_options_as_its_template_loops_did(reviewer_client, desk):
    response, cl = changelist(reviewer_client, q="Smith & co", state__exact="NM")
    spec = next(spec for spec in cl.filter_specs if spec.title == "state")
    options, links = LOOPS.render(Context({"choices": list(spec.choices(cl))})).split("|")
    assert f'id="select-filter-state">\n  {options}\n  </select>' in response.text
    assert f"<noscript>{links}</noscript>" in response.text
    assert options.count(" selected>") == 1 and links.count('class="selected"') == 1
    assert "q=Smith+%26+co&amp;state__exact=AL" in options  # the search kept, escaped
