"""The public pages: the seed letter word for word, the list, the index, health."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from letters.models import Letter
from signon.models import Signature

from .conftest import make_signature

LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})
# The letter and form exactly as the client collected them.
SEED = Path(__file__).parent / "data" / "seed_letter.txt"


def seed_paragraphs() -> list[str]:
    """The letter's paragraphs and bullets from the client's seed, as they must read."""
    text = SEED.read_text(encoding="utf-8").split("* Required Information", 1)[1]
    lines = [line.strip().lstrip("•").strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("Questions?")]


@pytest.mark.django_db
def test_the_seed_letter_reads_word_for_word(client):
    html = client.get(LETTER_URL).content.decode()
    paragraphs = seed_paragraphs()
    assert len(paragraphs) == 11  # salutation, 5 paragraphs, 4 bullets, the closing one
    for paragraph in paragraphs:
        assert paragraph in html, paragraph[:60]
    # The bullets are a real list.
    assert "<li>Strengthen our borders while assuring" in html
    assert "<li>Implement a framework that enables people of goodwill" in html


@pytest.mark.django_db
def test_the_questions_line_reads_cleanly_without_and_with_an_address(client, letter, settings):
    settings.CONFERENCE_CONTACT_EMAIL = ""
    html = client.get(LETTER_URL).text
    assert "Questions? Please contact Laura DeKoven Waxman." in html
    assert "[email" not in html

    # A name with no address of its own leads to the conference's address.
    settings.CONFERENCE_CONTACT_EMAIL = "questions@conference.example"
    letter.save()  # the page cache follows the letter's row
    html = client.get(LETTER_URL).text
    mailto = '<a href="mailto:questions@conference.example">questions@conference.example</a>'
    assert f"Questions? Please contact Laura DeKoven Waxman at {mailto}." in html

    letter.questions_contact_email = "lwaxman@usmayors.example"
    letter.save()
    html = client.get(LETTER_URL).text
    mailto = '<a href="mailto:lwaxman@usmayors.example">lwaxman@usmayors.example</a>'
    assert f"Questions? Please contact Laura DeKoven Waxman at {mailto}." in html


@pytest.mark.django_db
def test_staff_markdown_cannot_inject_script(client, letter):
    letter.body = (
        "Hello <script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[link](javascript:alert(3)) <a href='https://example.org' onclick='x()'>ok</a>"
    )
    letter.save()
    html = client.get(LETTER_URL).text
    assert "<script>alert(1)" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "onclick" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in html


@pytest.mark.django_db
def test_the_letter_lists_approved_mayors_by_state_then_city_with_the_count(client, letter):
    make_signature(letter, mayor_first_name="Rae", mayor_last_name="Zed", city="Yuma", state="AZ",
                   status=Signature.Status.APPROVED)  # fmt: skip
    make_signature(letter, mayor_first_name="Bo", mayor_last_name="Alp", city="Austin", state="TX",
                   status=Signature.Status.APPROVED)  # fmt: skip
    make_signature(letter, mayor_first_name="Cy", mayor_last_name="Ash", city="Abilene", state="TX",
                   status=Signature.Status.APPROVED)  # fmt: skip
    make_signature(letter, mayor_first_name="Di", mayor_last_name="Pend", city="Dallas", state="TX")
    html = client.get(LETTER_URL).text
    assert "<strong>3</strong> mayors have signed" in html
    order = [
        html.index("Mayor Rae Zed, Yuma, AZ"),
        html.index("Mayor Cy Ash, Abilene, TX"),
        html.index("Mayor Bo Alp, Austin, TX"),
    ]
    assert order == sorted(order)
    assert "Dallas" not in html
    assert 'href="/letters/immigration-reform/sign/"' in html


@pytest.mark.django_db
def test_one_signatory_reads_in_the_singular(client, letter):
    make_signature(letter, status=Signature.Status.APPROVED)
    assert "<strong>1</strong> mayor has signed" in client.get(LETTER_URL).text


@pytest.mark.django_db
def test_an_empty_list_invites_the_first_signature(client, letter):
    assert "Be the first" in client.get(LETTER_URL).text


@pytest.mark.django_db
def test_the_index_lists_public_letters_and_never_drafts(client, letter):
    Letter.objects.create(slug="draft-one", title="A secret draft", salutation="Dear", body="x")
    Letter.objects.create(
        slug="closed-one", title="An older closed letter", salutation="Dear", body="x",
        status=Letter.Status.CLOSED,
    )  # fmt: skip
    html = client.get(reverse("signon:index")).text
    assert letter.title in html
    assert "An older closed letter" in html
    assert "A secret draft" not in html
    assert html.index(letter.title) < html.index("An older closed letter")


@pytest.mark.django_db
def test_an_unknown_letter_is_a_404(client):
    assert client.get("/letters/no-such-letter/").status_code == 404


@pytest.mark.django_db
def test_healthz_answers_200_and_names_what_answered_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "database: ok\ncache: ok\n"


@pytest.mark.django_db
def test_the_form_page_shows_the_clients_labels_and_required_note(client, letter):
    html = client.get(reverse("signon:sign", kwargs={"slug": letter.slug})).text
    for label in ("Mayor’s First Name", "Mayor’s Last Name", "City", "State", "Contact Information",
                  "First Name", "Last Name", "E-Mail Address", "Phone"):  # fmt: skip
        assert label in html
    assert "Required Information" in html
    # Each of the seed's eight fields is marked required in the page itself.
    for name in ("mayor_first_name", "mayor_last_name", "city", "state", "contact_first_name",
                 "contact_last_name", "contact_email", "contact_phone"):  # fmt: skip
        tag = re.search(rf'<(?:input|select)[^>]*\bname="{name}"[^>]*>', html)
        assert tag, f"{name} is on the form"
        assert re.search(r"\srequired[\s>]", tag[0]), f"{name} is marked required"
    # And the hidden anti-abuse fields are not (a person never sees them).
    for name in ("website", "started"):
        tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)[0]
        assert not re.search(r"\srequired[\s>]", tag)
