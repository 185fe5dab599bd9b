"""The outreach pages an invited office sees pass the Nu Html Checker, in each state."""

import pytest
from django.test import Client
from django.urls import reverse

from outreach import links
from outreach.models import Invitation
from tests.test_html_validity import html_errors
from tests.test_outreach import make_office, path_of, sign_through


@pytest.mark.django_db
def test_the_outreach_pages_are_valid_html(letter, tmp_path):
    office = make_office(1)
    invitation = Invitation.objects.create(letter=letter, office=office)
    url = path_of(links.invitation_url(invitation))
    token = links.invitation_token(invitation)
    decline = reverse("outreach:decline", args=[letter.slug, token])
    unsubscribe = reverse("outreach:unsubscribe", args=[links.unsubscribe_token(office)])
    visitor = Client()
    pages = {}

    def keep(name: str, response, status: int = 200) -> None:
        assert response.status_code == status, name
        pages[name] = (status, response.text)

    keep("invited form, filled in", visitor.get(url))
    keep("invited form, another city", sign_through(visitor, url, office, city="Elsewhere"))
    keep("refused link", visitor.get(reverse("outreach:invited", args=[letter.slug, "x"])), 400)
    keep("decline", visitor.get(decline))
    keep("decline, too long", visitor.post(decline, {"reason": "x" * 2001}))
    keep("unsubscribe", visitor.get(unsubscribe))
    visitor.post(unsubscribe)
    keep("unsubscribed", visitor.get(unsubscribe))
    visitor.post(decline, {"reason": ""})
    keep("declined", visitor.get(decline))
    assert sign_through(visitor, url, office).status_code == 302
    keep("already signed", visitor.get(url))
    assert html_errors(pages, tmp_path) == {}
