"""A browser's autofill sends the form within a second: the sign-on reaches staff, held."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from signon.models import Signature

from .conftest import BROWSER_TEST
from .test_signing_in_browser import SIGN_PATH, THANKS_PATH, TYPED, field

pytestmark = BROWSER_TEST


def test_an_autofilled_sign_on_sent_within_a_second_is_held_for_staff_not_lost(
    page: Page, site, letter, settings, staff_client
):
    settings.SIGNON_MIN_FILL_SECONDS = 3  # the production default
    page.goto(site + SIGN_PATH)
    # What autofill does: every field at once, then the button.
    for label, value in TYPED.items():
        field(page, label).fill(value)
    field(page, "State").select_option("PR")
    page.get_by_role("button", name="Sign on").click()

    expect(page).to_have_url(site + THANKS_PATH)
    expect(page.get_by_text("Mayor María Peña-Ibáñez of Mayagüez, PR")).to_be_visible()
    held = Signature.objects.get()
    assert (held.status, held.held_reason) == ("held", "too_fast")
    assert held.fill_seconds < 3
    assert (held.city, held.contact_email) == ("Mayagüez", "chris.aide@mayaguez.pr.gov")

    changelist = reverse("admin:signon_signature_changelist")
    queue = staff_client.get(changelist, {"status__exact": "held"})
    assert "Peña-Ibáñez" in queue.text
    assert "Sent faster than the minimum fill time" in queue.text
