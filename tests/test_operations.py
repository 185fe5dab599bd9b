"""Operations: the purge command, masked structured logs, gunicorn's configuration, docs."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from letters.models import Letter
from signon.models import Signature

from .conftest import make_signature
from .servers import BASE_DIR


def close_letter(letter: Letter, days_ago: int) -> None:
    letter.status = Letter.Status.CLOSED
    letter.save()
    Letter.objects.filter(pk=letter.pk).update(updated_at=timezone.now() - timedelta(days=days_ago))


def other_letter(slug: str) -> Letter:
    return Letter.objects.create(slug=slug, title=slug, salutation="Dear Congress:", body="Text.",
                                 status=Letter.Status.OPEN)  # fmt: skip


def purge(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("purge_contact_details", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_purge_erases_contact_details_on_long_closed_letters_and_keeps_the_public_record(letter):
    approved = make_signature(letter, city="Peoria", status=Signature.Status.APPROVED)
    rejected = make_signature(letter, city="Joliet", status=Signature.Status.REJECTED)
    close_letter(letter, days_ago=400)
    recent = other_letter("recently-closed")
    kept_recent = make_signature(recent, city="Aurora")
    close_letter(recent, days_ago=10)
    still_open = other_letter("still-open")
    kept_open = make_signature(still_open, city="Rockford")

    output = purge("--days", "365")
    assert output.splitlines() == [
        "Purged the contact details of 2 signature(s) on 1 letter(s) "
        "closed more than 365 day(s) ago.",
        "Deleted 0 held submission(s) older than 30 day(s).",
    ]
    for signature in (approved, rejected):
        signature.refresh_from_db()
        assert (signature.contact_first_name, signature.contact_last_name) == ("", "")
        assert (signature.contact_email, signature.contact_phone) == ("", "")
        assert signature.contact_phone_extension == ""
    # The public record stays as it was.
    approved.refresh_from_db()
    assert (approved.mayor_name, approved.city, approved.state) == ("Ada Lovelace", "Peoria", "IL")
    assert approved.status == Signature.Status.APPROVED
    assert list(Signature.objects.for_public_display().filter(letter=letter)) == [approved]
    # Letters closed recently, and open ones, keep their contacts.
    for signature in (kept_recent, kept_open):
        signature.refresh_from_db()
        assert signature.contact_email == "chris.aide@springfield.il.gov"

    assert "0 signature(s)" in purge("--days", "365")  # nothing left to purge


@pytest.mark.django_db
def test_purge_dry_run_says_what_it_would_do_and_changes_nothing(letter):
    make_signature(letter, city="Peoria")
    close_letter(letter, days_ago=40)
    output = purge("--days", "30", "--dry-run")
    assert output.startswith("Would purge the contact details of 1 signature(s) on 1 letter(s)")
    assert Signature.objects.get().contact_email == "chris.aide@springfield.il.gov"


@pytest.mark.django_db
def test_purge_honours_the_number_of_days(letter):
    make_signature(letter, city="Peoria")
    close_letter(letter, days_ago=40)
    assert "0 signature(s)" in purge("--days", "45")
    assert "1 signature(s)" in purge("--days", "35")


@pytest.mark.django_db
def test_purge_covers_delivered_letters_and_open_letters_long_past_their_deadline(letter):
    make_signature(letter, city="Peoria")
    Letter.objects.filter(pk=letter.pk).update(deadline=timezone.now() - timedelta(days=400))
    delivered = other_letter("delivered-long-ago")
    make_signature(delivered, city="Joliet")
    Letter.objects.filter(pk=delivered.pk).update(
        status=Letter.Status.DELIVERED, updated_at=timezone.now() - timedelta(days=400)
    )
    assert "2 signature(s) on 2 letter(s)" in purge("--days", "365")
    assert not Signature.objects.exclude(contact_email="").exists()


@pytest.mark.django_db
def test_purge_refuses_a_negative_number_of_days(letter):
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        purge("--days", "-1")


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], cwd=BASE_DIR, env=full_env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip


def test_logs_are_json_lines_on_stdout_with_contact_details_masked():
    code = (
        "import django, logging\n"
        "django.setup()\n"
        "log = logging.getLogger('signon.example')\n"
        "log.warning('Mail to chris.aide@springfield.il.gov failed, call (217) 555-0143', "
        "extra={'event': 'mail_failed', 'phone': '+12175550143'})\n"
        "try:\n    raise ValueError('bad address jo@city.gov')\n"
        "except ValueError:\n    log.exception('boom')\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    mail, boom = (line for line in lines if line["logger"] == "signon.example")
    assert mail["level"] == "WARNING"
    assert mail["event"] == "mail_failed"
    assert mail["message"] == "Mail to c***@springfield.il.gov failed, call ***43"
    assert mail["phone"] == "***43"
    assert "j***@city.gov" in boom["exception"]
    for private in ("chris.aide", "555-0143", "5550143", "jo@city.gov"):
        assert private not in result.stdout


def test_gunicorn_reads_workers_and_timeout_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--print-config",
         "config.wsgi:application"],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        env={**os.environ, "WEB_CONCURRENCY": "5", "GUNICORN_TIMEOUT": "17", "PORT": "8123"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))
    expected = {
        "workers": "5",
        "timeout": "17",
        "bind": "['127.0.0.1:8123']",
        "accesslog": "-",
        "control_socket_disable": "True",
        "forwarded_allow_ips": "[]",
    }
    assert {key: config[key] for key in expected} == expected


def _variables_read_by_settings() -> set[str]:
    settings_py = (BASE_DIR / "config" / "settings.py").read_text()
    gunicorn_py = (BASE_DIR / "config" / "gunicorn.py").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_py))
    names |= set(re.findall(r'_rate_limits\("([A-Z_]+)"', settings_py))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', gunicorn_py))
    names |= set(re.findall(r"os\.environ\.get\('([A-Z_]+)'", gunicorn_py))
    return names


def test_every_variable_is_in_the_readme_table_and_env_example():
    names = _variables_read_by_settings()
    assert {"SIGNON_RATE_LIMITS", "SIGNON_MIN_FILL_SECONDS", "HTTPS_ONLY", "ADMIN_URL"} <= names
    readme = (BASE_DIR / "README.md").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    missing_readme = {name for name in names if f"| `{name}` |" not in readme}
    missing_example = {name for name in names if not re.search(rf"^#? ?{name}=", example, re.M)}
    assert missing_readme == set()
    assert missing_example == set()
