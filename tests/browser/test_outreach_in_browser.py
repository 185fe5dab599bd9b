"""An invited office in a real browser: the link from the e-mail opens the form filled
in, the office signs, and the signature is linked to its invitation."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from outreach import links
from outreach.models import Invitation, Office

from .conftest import BROWSER_TEST
from .test_signing_in_browser import field

pytestmark = BROWSER_TEST


def invited_office(letter) -> Invitation:
    office = Office.objects.create(
        city="Springfield", state="IL", mayor_first_name="Ada", mayor_last_name="Lovelace",
        email="mayor@springfield.il.gov", domains="springfield.il.gov",
    )  # fmt: skip
    return Invitation.objects.create(letter=letter, office=office)


def test_an_invited_office_opens_its_link_and_signs(page: Page, site, letter):
    invitation = invited_office(letter)
    token = links.invitation_token(invitation)
    page.goto(site + reverse("outreach:invited", args=[letter.slug, token]))
    expect(field(page, "Mayor’s First Name")).to_have_value("Ada")
    expect(field(page, "Mayor’s Last Name")).to_have_value("Lovelace")
    expect(field(page, "City")).to_have_value("Springfield")
    expect(field(page, "State")).to_have_value("IL")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    field(page, "First Name").fill("Chris")
    field(page, "Last Name").fill("Aide")
    field(page, "E-Mail Address").fill("chris.aide@springfield.il.gov")
    field(page, "Phone").fill("(217) 555-0143")
    page.get_by_role("button", name="Sign on").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your sign-on was received"
    )
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    assert invitation.signature.mayor_name == "Ada Lovelace"


def test_the_decline_page_has_no_axe_violations(page: Page, site, letter):
    invitation = invited_office(letter)
    token = links.invitation_token(invitation)
    page.goto(site + reverse("outreach:decline", args=[letter.slug, token]))
    page.get_by_label("Reason (optional)").fill("The council has not voted.")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("button", name="We will not sign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for letting us know")
    invitation.refresh_from_db()
    assert invitation.decline_reason == "The council has not voted."
