"""What each stage of a letter's life shows, and to whom: draft, open, closed, delivered,
embargoed."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signon.delivery import record_delivery
from signon.models import InvalidTransition, Signature

from .conftest import approved_signature, form_data

EASTERN_NOON = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)  # 12:00 PM EST


def public_urls(letter: Letter) -> dict[str, str]:
    kwargs = {"slug": letter.slug}
    return {
        "page": letter.get_absolute_url(),
        "form": reverse("signon:sign", kwargs=kwargs),
        "print": reverse("signon:letter-print", kwargs=kwargs),
        "csv": reverse("signon:signatories-csv", kwargs=kwargs),
        "json": reverse("signon:signatories-json", kwargs=kwargs),
        "embed": reverse("signon:embed-json", kwargs=kwargs),
    }


# Draft -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "signon:letter",
        "signon:sign",
        "signon:letter-print",
        "signon:signatories-csv",
        "signon:signatories-json",
        "signon:embed-json",
        "signon:embed-badge",
    ],
)
def test_every_public_address_of_a_draft_is_a_404(client, letter, url_name):
    letter.status = Letter.Status.DRAFT
    letter.save()
    assert client.get(reverse(url_name, kwargs={"slug": letter.slug})).status_code == 404


@pytest.mark.django_db
def test_a_draft_is_previewed_by_staff_at_its_public_address_and_by_no_one_else(
    client, staff_client, letter
):
    letter.status = Letter.Status.DRAFT
    letter.save()

    preview = staff_client.get(letter.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview of a draft." in preview.text
    assert "Sign on for your city" not in preview.text

    # The staff preview was not kept for the public by the page cache.
    for name, url in public_urls(letter).items():
        assert client.get(url).status_code == 404, name
    assert letter.title not in client.get(reverse("signon:index")).text


@pytest.mark.django_db
def test_staff_previewing_a_drafts_form_see_it_is_not_open_and_nothing_is_saved(
    staff_client, letter
):
    letter.status = Letter.Status.DRAFT
    letter.save()
    url = reverse("signon:sign", kwargs={"slug": letter.slug})
    assert "not open for signatures yet" in staff_client.get(url).text
    assert staff_client.post(url, form_data()).status_code == 403
    assert Signature.objects.count() == 0


# Open, with a deadline ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_deadline_is_shown_in_the_conferences_time_zone(client, letter):
    letter.deadline = datetime.datetime(2030, 6, 1, 21, 0, tzinfo=datetime.UTC)
    letter.save()
    html = client.get(letter.get_absolute_url()).text
    assert "Sign-ons close June 1, 2030, at 5:00 PM EDT." in html


@pytest.mark.django_db
def test_after_its_deadline_the_page_says_when_it_closed_and_offers_no_form(client, letter):
    approved_signature(letter)
    Letter.objects.filter(pk=letter.pk).update(deadline=EASTERN_NOON)
    html = client.get(letter.get_absolute_url()).text
    assert "it closed on March 2, 2026, at 12:00 PM EST" in html
    assert "Sign on for your city" not in html
    assert "Mayor Ada Lovelace, Springfield, IL" in html  # the list stays public
    index = client.get(reverse("signon:index")).text
    assert "Closed" in index


# Closed by hand ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_closed_letter_keeps_its_list_public_and_takes_no_signatures(client, letter):
    approved_signature(letter)
    letter.status = Letter.Status.CLOSED
    letter.save()
    html = client.get(letter.get_absolute_url()).text
    assert "This letter is closed to new signatures." in html
    assert "Mayor Ada Lovelace, Springfield, IL" in html
    response = client.post(reverse("signon:sign", kwargs={"slug": letter.slug}), form_data())
    assert response.status_code == 403


# Delivered ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivered_letter_says_so_and_keeps_its_list(client, letter):
    approved_signature(letter)
    approved_signature(letter, city="Peoria")
    record_delivery(
        letter, user=None, delivered_on=datetime.date(2026, 3, 9), delivered_to="Congress",
        method="by hand",
    )  # fmt: skip
    html = client.get(letter.get_absolute_url()).text
    assert "Delivered to Congress on March 9, 2026, with 2 signatories." in html
    assert "Sign on for your city" not in html
    assert "Mayor Ada Lovelace, Peoria, IL" in html
    assert "Delivered to Congress" in client.get(reverse("signon:index")).text
    response = client.post(reverse("signon:sign", kwargs={"slug": letter.slug}), form_data())
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_withdrawal_after_delivery_is_refused_and_leaves_the_list_as_delivered(client, letter):
    staff = get_user_model().objects.create_user("desk2", is_staff=True)
    signature = approved_signature(letter)
    delivery = record_delivery(
        letter, user=staff, delivered_on=datetime.date(2026, 3, 9), delivered_to="Congress",
        method="by hand",
    )  # fmt: skip
    with pytest.raises(InvalidTransition, match="list of signatories is final"):
        signature.decide(Signature.Status.WITHDRAWN, staff, reason="The mayor asked to come off.")
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    delivery.refresh_from_db()
    assert delivery.signatory_count == 1
    assert delivery.signatories[0]["city"] == "Springfield"
    # The public list and the delivery note agree: what was delivered stands.
    html = client.get(letter.get_absolute_url()).text
    assert "Mayor Ada Lovelace" in html
    assert "with 1 signatory" in html


# Versions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_says_when_the_text_last_changed_once_it_has(client, letter):
    assert "Text last changed" not in client.get(letter.get_absolute_url()).text
    letter.body += "\n\nOne more sentence."
    letter.save()
    today = timezone.localdate()
    html = client.get(letter.get_absolute_url()).text
    assert f"Text last changed on {today:%B} {today.day}, {today.year}." in html


# Embargo -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_under_embargo_the_list_and_its_count_are_hidden_everywhere(client, letter):
    approved_signature(letter, mayor_first_name="Secret")
    letter.list_published_at = datetime.datetime(2030, 1, 15, 15, 0, tzinfo=datetime.UTC)
    letter.save()

    urls = public_urls(letter)
    page = client.get(urls["page"]).text
    assert "will be published on January 15, 2030, at 10:00 AM EST" in page
    assert "mayor has signed" not in page
    assert "Sign on for your city" in page  # signatures are still collected
    for name in ("page", "print", "csv", "json"):
        assert "Secret" not in client.get(urls[name]).content.decode(), name
    assert client.get(urls["json"]).json()["count"] == 0
    assert client.get(urls["embed"]).json()["count"] is None
    index = client.get(reverse("signon:index")).text
    assert "Signatories published January 15, 2030" in index
    assert "1 mayor has signed" not in index

    # A sign-on is still received during the embargo.
    response = client.post(urls["form"], form_data(city="Peoria"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_from_its_release_time_the_list_is_public(client, letter):
    approved_signature(letter, mayor_first_name="Released")
    letter.list_published_at = timezone.now() - datetime.timedelta(minutes=1)
    letter.save()
    urls = public_urls(letter)
    assert "Mayor Released Lovelace" in client.get(urls["page"]).text
    assert "<strong>1</strong> mayor has signed" in client.get(urls["page"]).text
    assert client.get(urls["embed"]).json()["count"] == 1
    assert "Released" in client.get(urls["csv"]).content.decode()


@pytest.mark.django_db
def test_the_release_time_passing_refreshes_a_cached_page(client, letter, settings, time_machine):
    settings.PAGE_CACHE_SECONDS = 0
    time_machine.move_to(timezone.now(), tick=False)
    approved_signature(letter, mayor_first_name="Timed")
    release = timezone.now() + datetime.timedelta(seconds=1.5)
    Letter.objects.filter(pk=letter.pk).update(list_published_at=release)
    assert "Mayor Timed" not in client.get(letter.get_absolute_url()).text
    # No row changes at the release time: only the clock moves past it.
    time_machine.shift(1.7)
    assert "Mayor Timed" in client.get(letter.get_absolute_url()).text
