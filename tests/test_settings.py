"""config.settings: production refuses a half-configured start unless waived by name.

Checked as an operator meets it: ``manage.py check`` with DEBUG off. Plus the
Redis cache that production is told to use, counting the rate limit for real.
"""

import json

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data
from .test_security_settings import manage

ALL_WAIVERS = "memory-cache,console-mail,local-site-url"

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


def test_all_three_waivers_together_start_a_local_production_run():
    result = manage(
        "check", ALLOW_UNSAFE_SETTINGS=ALL_WAIVERS, CACHE_URL=None, EMAIL_URL=None, SITE_URL=None
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('"unsafe_setting"') == 3


def test_an_unknown_waiver_is_refused_naming_the_known_ones():
    result = manage("check", ALLOW_UNSAFE_SETTINGS="memory-cache,no-https")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ALLOW_UNSAFE_SETTINGS" in last_line
    assert "no-https" in last_line
    assert "memory-cache, console-mail, local-site-url" in last_line


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
