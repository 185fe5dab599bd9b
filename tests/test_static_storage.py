"""config.static_storage: WhiteNoise's storage, each static file's URL worked out once.

The suite runs with DEBUG off, as production does, so the pages it renders use this
storage; these tests pin what it must keep: WhiteNoise's URLs exactly, an unknown
file still refused, and nothing asked of the manifest twice.
"""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from whitenoise.storage import CompressedManifestStaticFilesStorage

from config.static_storage import StaticFilesStorage

NAMES = ["css/site.css", "js/signatories-filter.js", "bootstrap/css/bootstrap.min.css"]


def test_production_serves_static_files_through_it():
    assert isinstance(staticfiles_storage, StaticFilesStorage)
    assert static("css/site.css") == StaticFilesStorage().url("css/site.css")


@pytest.mark.parametrize("name", NAMES)
def test_its_urls_are_whitenoises_own(name):
    url = StaticFilesStorage().url(name)
    assert url == CompressedManifestStaticFilesStorage().url(name)
    # The hashed name, so a browser may keep the file for a year.
    assert url != f"/static/{name}"


def test_a_url_is_worked_out_once_per_process(monkeypatch):
    storage = StaticFilesStorage()
    first = storage.url("css/site.css")

    def refuse(*args, **kwargs):
        raise AssertionError("the manifest was read again")

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", refuse)
    assert storage.url("css/site.css") == first
    with pytest.raises(AssertionError, match="read again"):
        storage.url("js/fold.js")  # a name not asked for yet still goes to WhiteNoise


def test_an_unknown_file_is_refused_every_time():
    storage = StaticFilesStorage()
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/no-such-file.css")
