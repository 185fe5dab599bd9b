"""Production configuration, checked the way an operator would: by running manage.py."""

import os
import subprocess
import sys

import pytest

from .servers import BASE_DIR

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
