"""The desk's lists fit the screen: the state filter is one select, hashes are short in
the versions list with the full value on the version's page. (The widths themselves were
checked in Chromium at 1,280 and 1,024 px; see the report's screenshots.)"""

import pytest
from django.urls import reverse

from .conftest import CHANGELIST


@pytest.mark.django_db
def test_the_state_filter_is_one_select_not_56_links(reviewer_client, letter):
    page = reviewer_client.get(CHANGELIST).text
    assert '<select class="signon-select-filter" id="select-filter-state">' in page
    assert '<option value="?state__exact=TX">Texas</option>' in page
    assert 'href="?state__exact=TX"' not in page.split("<noscript>")[0]
    assert "js/select-filter." in page
    chosen = reviewer_client.get(CHANGELIST, {"state__exact": "TX"}).text
    assert '<option value="?state__exact=TX" selected>Texas</option>' in chosen


@pytest.mark.django_db
def test_the_versions_list_shows_a_short_hash_and_the_version_page_the_full_one(
    reviewer_client, letter
):
    version = letter.current_version
    listing = reviewer_client.get(reverse("admin:letters_letterversion_changelist")).text
    assert f'<code title="{version.sha256}">{version.sha256[:12]}…</code>' in listing
    assert f">{version.sha256}<" not in listing
    detail = reviewer_client.get(reverse("admin:letters_letterversion_change", args=[version.pk]))
    assert version.sha256 in detail.text


@pytest.mark.django_db
def test_the_lists_leave_out_the_app_sidebar_for_their_columns(reviewer_client, letter):
    for name in ("letters_letter", "letters_letterversion", "signon_signature"):
        page = reviewer_client.get(reverse(f"admin:{name}_changelist"))
        assert page.context["is_nav_sidebar_enabled"] is False, name
