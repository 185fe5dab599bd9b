"""config.settings: production refuses a half-configured start unless waived by name.

Checked as an operator meets it: by running ``manage.py`` (``check``, ``shell``) with
DEBUG off. Plus the Redis cache that production is told to use, counting the rate
limit for real.
"""

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data
from .servers import BASE_DIR

ALL_WAIVERS = "memory-cache,console-mail,local-site-url,no-contact-address"

REFUSALS = [
    # (variable, value, waiver)
    ("CACHE_URL", "locmemcache://", "memory-cache"),
    ("CACHE_URL", "dummycache://", "memory-cache"),
    ("CACHE_URL", None, "memory-cache"),  # the default
    ("EMAIL_URL", "consolemail://", "console-mail"),
    ("EMAIL_URL", "dummymail://", "console-mail"),
    ("EMAIL_URL", "memorymail://", "console-mail"),
    ("EMAIL_URL", None, "console-mail"),  # the default
    ("SITE_URL", None, "local-site-url"),  # the default http://127.0.0.1:8000
    ("SITE_URL", "http://localhost:8000", "local-site-url"),
    ("SITE_URL", "http://[::1]:8000/", "local-site-url"),
    # A page or a Reply-To would name a person with no way to reach them.
    ("CONFERENCE_CONTACT_EMAIL", None, "no-contact-address"),
    ("CONFERENCE_CONTACT_EMAIL", "", "no-contact-address"),
]


@pytest.mark.parametrize(("variable", "value", "waiver"), REFUSALS)
def test_start_up_refuses_an_unsafe_production_setting_naming_the_variable(variable, value, waiver):
    result = manage("check", ALLOW_UNSAFE_SETTINGS=None, **{variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert f"{variable} must" in last_line
    assert f"ALLOW_UNSAFE_SETTINGS={waiver}" in last_line


@pytest.mark.parametrize(("variable", "value", "waiver"), REFUSALS)
def test_each_waiver_allows_only_its_own_setting_and_is_logged_as_a_warning(
    variable, value, waiver
):
    result = manage("check", ALLOW_UNSAFE_SETTINGS=waiver, **{variable: value})
    assert result.returncode == 0, result.stderr
    warnings = [
        json.loads(line)
        for line in result.stdout.splitlines()
        if line.startswith("{") and '"unsafe_setting"' in line
    ]
    assert [(w["level"], w["waiver"], w["variable"]) for w in warnings] == [
        ("WARNING", waiver, variable)
    ]
    # Another waiver does not stand in for this one.
    others = ",".join(name for name in ALL_WAIVERS.split(",") if name != waiver)
    refused = manage("check", ALLOW_UNSAFE_SETTINGS=others, **{variable: value})
    assert refused.returncode != 0
    assert f"{variable} must" in refused.stderr


def test_a_safe_production_configuration_logs_no_waiver():
    result = manage("check", ALLOW_UNSAFE_SETTINGS=None)
    assert result.returncode == 0, result.stderr
    assert "unsafe_setting" not in result.stdout


def test_all_the_waivers_together_start_a_local_production_run():
    result = manage(
        "check",
        ALLOW_UNSAFE_SETTINGS=ALL_WAIVERS,
        **dict.fromkeys(["CACHE_URL", "EMAIL_URL", "SITE_URL", "CONFERENCE_CONTACT_EMAIL"]),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('"unsafe_setting"') == 4


def test_a_local_run_without_a_conference_address_says_so_in_its_log():
    told = manage("check", DEBUG="true", CONFERENCE_CONTACT_EMAIL=None)
    assert told.returncode == 0, told.stderr
    assert '"event": "no_contact_address"' in told.stdout
    assert "CONFERENCE_CONTACT_EMAIL is not set" in told.stdout

    quiet = manage("check", DEBUG="true")
    assert quiet.returncode == 0, quiet.stderr
    assert "no_contact_address" not in quiet.stdout


def test_an_unknown_waiver_is_refused_naming_the_known_ones():
    result = manage("check", ALLOW_UNSAFE_SETTINGS="memory-cache,no-https")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ALLOW_UNSAFE_SETTINGS" in last_line
    assert "no-https" in last_line
    assert "memory-cache, console-mail, local-site-url, no-contact-address" in last_line


# ---------------------------------------------------------------- Redis


def test_the_rate_limit_is_counted_in_redis_when_cache_url_names_it(
    client, letter, settings, shared_redis_url, caplog
):
    redis_url = shared_redis_url
    import environ

    settings.CACHES = {"default": environ.Env.cache_url_config(redis_url)}
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    sign_url = reverse("signon:sign", kwargs={"slug": letter.slug})
    statuses = [
        client.post(sign_url, form_data(city=city)).status_code
        for city in ["Peoria", "Joliet", "Aurora"]
    ]
    assert statuses == [302, 302, 429]
    assert sorted(Signature.objects.values_list("city", flat=True)) == ["Joliet", "Peoria"]
    assert "Rate limit not checked" not in caplog.text
    # The counts live in the Redis server, not in this process.
    import redis

    keys = redis.Redis.from_url(redis_url).keys("*signon:rate:600:*")
    assert keys, "no rate-limit key in Redis"


# A production environment: DEBUG off, the required variables set, nothing else.
PRODUCTION = {
    "PATH": os.environ["PATH"],
    "DEBUG": "false",
    "SECRET_KEY": "k7Qm2vX9pL4tR8wZ1cN6bH3jF5dS0aYgE7uI2oP9xV4nM8qT3lK6rW1zC5yB0hJ",
    "ALLOWED_HOSTS": "letters.usmayors.example",
    # check --deploy does not connect; any PostgreSQL URL will do.
    "DATABASE_URL": "postgres://signon@db.internal:5432/signon",
    # Neither is connected to by check: any shared cache and real mail server will do.
    "CACHE_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://desk:secret@smtp.usmayors.example:587",
    "SITE_URL": "https://letters.usmayors.example",
    "CONFERENCE_CONTACT_EMAIL": "letters@usmayors.example",
}


def manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    full_env = {name: value for name, value in {**PRODUCTION, **env}.items() if value is not None}
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env=full_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_passes_with_production_settings_and_nothing_silenced():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_when_https_is_turned_off_in_production():
    # Proves the check above is not vacuous: the HTTPS settings are what it checks.
    result = manage("check", "--deploy", "--fail-level", "WARNING", HTTPS_ONLY="false")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr
    assert "SECURE_HSTS_SECONDS" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SECRET_KEY", None), ("SECRET_KEY", ""), ("ALLOWED_HOSTS", None), ("ALLOWED_HOSTS", "")],
)
def test_start_up_refuses_a_missing_required_variable_naming_it(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert f"{variable} must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SIGNON_RATE_LIMITS", "five per minute"),
        ("SIGNON_RATE_LIMITS", "5/0m"),
        ("SIGNON_RATE_LIMITS", "0/10m"),
        ("SIGNON_MIN_FILL_SECONDS", "-1"),
        ("TRUSTED_PROXY_HOPS", "-1"),
        ("ADMIN_URL", "../etc"),
    ],
)
def test_start_up_refuses_a_malformed_setting_naming_it(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr.splitlines()[-1]


def _print_setting(expression: str, **env: str | None) -> str:
    result = manage("shell", "-c", f"from django.conf import settings; print({expression})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (None, "[(5, 600), (20, 86400)]"),
        ("5/10m,20/d", "[(5, 600), (20, 86400)]"),
        ("3/30s, 100/2h", "[(3, 30), (100, 7200)]"),
        ("off", "[]"),
        ("OFF", "[]"),
    ],
)
def test_the_rate_limits_are_read_from_the_environment(value, parsed):
    assert _print_setting("settings.SIGNON_RATE_LIMITS", SIGNON_RATE_LIMITS=value) == parsed


def test_the_minimum_fill_time_defaults_to_three_seconds_and_zero_turns_it_off():
    assert _print_setting("settings.SIGNON_MIN_FILL_SECONDS") == "3"
    assert _print_setting("settings.SIGNON_MIN_FILL_SECONDS", SIGNON_MIN_FILL_SECONDS="0") == "0"


def test_the_admin_lives_where_admin_url_says():
    code = (
        "from django.test import Client; from django.urls import reverse; "
        "c = Client(); print(reverse('admin:login'), c.get('/admin/login/').status_code)"
    )
    result = manage("shell", "-c", code, ADMIN_URL="desk-7f3a", HTTPS_ONLY="false",
                    ALLOWED_HOSTS="testserver")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/desk-7f3a/login/ 404"


def test_csrf_trusted_origins_come_from_the_environment():
    value = _print_setting(
        "settings.CSRF_TRUSTED_ORIGINS",
        CSRF_TRUSTED_ORIGINS="https://letters.usmayors.example,https://www.usmayors.example",
    )
    assert value == "['https://letters.usmayors.example', 'https://www.usmayors.example']"


def test_the_database_connect_timeout_is_well_under_gunicorns():
    timeout = _print_setting("settings.DATABASES['default']['OPTIONS']['connect_timeout']")
    gunicorn = (BASE_DIR / "config" / "gunicorn.py").read_text()
    assert int(timeout) == 5
    assert 'os.environ.get("GUNICORN_TIMEOUT", "30")' in gunicorn
    assert _print_setting("settings.DATABASES['default']['CONN_HEALTH_CHECKS']") == "True"
