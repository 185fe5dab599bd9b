"""Settings for the mayors' sign-on desk.

One module, read from the environment (and an optional ``.env`` file beside
``manage.py``). Every variable is listed in the README's table. With DEBUG off
the app refuses to start on an unsafe configuration, naming the variable.
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import django
import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def _required(name: str, value):
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off (see the README's table of variables)."
        )
    return value


if DEBUG:
    # Only for a developer's own machine: never used with DEBUG off.
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = _required("SECRET_KEY", env.str("SECRET_KEY", default=""))
    ALLOWED_HOSTS = _required("ALLOWED_HOSTS", env.list("ALLOWED_HOSTS", default=[]))

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: on whenever DEBUG is off, unless HTTPS_ONLY=false (the test suite and
# browser tests run over plain HTTP on 127.0.0.1).
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
# The load balancer's health probe speaks plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
# "__Host-" cookies are only accepted by browsers when Secure, on path "/" and
# without a Domain: nothing on a sibling subdomain can set or read them.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS_ONLY else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS_ONLY else "csrftoken"

# How many reverse proxies stand in front of the app (0: none, the app faces
# the client). Only then are X-Forwarded-Proto and X-Forwarded-For believed,
# and only the hops those proxies added: a client cannot forge its way past.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)
if TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_HOPS must be 0 or more.")
if TRUSTED_PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Django's own defaults already send nosniff, a same-origin Referrer-Policy and
# Cross-Origin-Opener-Policy, and X-Frame-Options: DENY (tests/test_security_headers.py).

# No inline script or style anywhere: the public pages use only the site's own
# files, and the admin's scripts are files too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# A sign-on is a few hundred bytes; the largest legitimate body is a letter's
# text edited in admin. Anything bigger is refused before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# The staff desk lives here; a less guessable path keeps the noise of
# scanners away from the log-in page.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
if not re.fullmatch(r"[A-Za-z0-9_\-/]+/", ADMIN_URL):
    raise ImproperlyConfigured("ADMIN_URL must be a path like 'admin/' or 'desk-7f3a/'.")

INSTALLED_APPS = [
    # Django's admin with a site that asks staff for a second factor (second_factor/).
    "second_factor.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "letters",
    "places",
    # Before django_tasks_db: signon's db_worker (requeueing stalled mail) wins.
    "signon",
    # After signon: its admin extends signon's signature admin.
    "outreach",
    # After the django_otp apps: its admin replaces theirs.
    "second_factor",
    *(["django_tasks"] if django.VERSION < (6, 0) else []),  # the backport, until Django 6
    "django_tasks_db",
]

# Mail goes through a worker (signon/tasks.py): the task rows live in PostgreSQL,
# written in the same transaction as the change that owes the mail, and
# `manage.py db_worker` sends them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Above WhiteNoise, so the static files it answers carry the headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers a warm letter page before the middleware below (signon/page_cache.py).
    "signon.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which would parse the body it refuses.
    "signon.abuse.RefuseUploadsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): did this session pass the second factor?
    "django_otp.middleware.OTPMiddleware",
    # Renews staff sessions only (SESSION_SAVE_EVERY_REQUEST would save everyone's).
    "config.middleware.StaffSessionRenewal",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as its documentation asks: it answers a locked-out log-in.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user or address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A passkey signs a staff member in on its own (it is both factors).
    "django_otp_webauthn.backends.WebAuthnBackend",
]
# Lock-out: 5 failed log-ins for one user name from one address, for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# An IPv6 client counts by its /64, as the sign-on rate limit does.
AXES_CLIENT_IP_CALLABLE = "signon.abuse.client_network"
# A right password does not wipe the failures: failed codes at the second step
# count with failed passwords (second_factor/views.py), and only a sign-in that
# passed both steps starts the count again.
AXES_RESET_ON_SUCCESS = False
# Where a passkey sign-in lands when it was not going anywhere in particular.
LOGIN_REDIRECT_URL = "admin:index"

# The second factor (second_factor/): an authenticator app's code (TOTP), a
# single-use recovery code, or a passkey (WebAuthn, the recommended one).
OTP_TOTP_ISSUER = "USCM sign-on desk"
# Each failed code doubles the wait before the next one on that device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The device admin never shows a secret or a recovery code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Database sessions without a query to ask whether a new key is taken.
SESSION_ENGINE = "config.sessions"
# Staff sessions end after this long without activity, and when the browser
# closes. Each staff request renews the session (config.middleware); a public
# visitor's session is saved only when it changes.
SESSION_COOKIE_AGE = env.int("STAFF_SESSION_MINUTES", default=120) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site_url",
            ],
        },
    },
]

# SQLite in the repo root for `make run`; PostgreSQL whenever DATABASE_URL says so
# (production and the test suite).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that asks the server only when it spoke
    # (config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast when the database is unreachable, well inside gunicorn's timeout.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection is checked before reuse, so the app recovers by itself
# after a database restart (without a round trip: config/postgresql/base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Seconds a client is asked to wait after a 503 (database away).
RETRY_AFTER_SECONDS = 30

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Without its client every cache call fails at run time and the rate limit
    # quietly lets everything through: refuse to start instead.
    try:
        import redis  # noqa: F401
    except ImportError as exc:
        raise ImproperlyConfigured(
            "CACHE_URL names Redis but the redis package is not installed (pip install -e .)."
        ) from exc
    # A Redis that is away or unreachable must cost a request a moment, not a
    # worker's whole timeout: the rate limit then lets the sign-on through (and
    # logs it), /healthz says "cache: unavailable", and the client reconnects by
    # itself when Redis is back.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False}
    )


def _rate_limits(name: str, default: str) -> list[tuple[int, int]]:
    """Parse "5/10m,20/d" into [(5, 600), (20, 86400)]; "off" is no limit."""
    raw = env.str(name, default=default).strip().lower()
    if raw in ("off", ""):
        return []
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    limits = []
    for part in raw.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", part)
        if not match or int(match[1]) < 1 or match[2] == "0":
            raise ImproperlyConfigured(
                f"{name} must look like '5/10m,20/d' (count/period with s, m, h or d), "
                f"or 'off'; got {raw!r}."
            )
        limits.append((int(match[1]), int(match[2] or 1) * units[match[3]]))
    return limits


# Sign-on POSTs per client address, counted in the shared cache.
# Only valid sign-ons count toward it: a person correcting the form is not refused.
SIGNON_RATE_LIMITS = _rate_limits("SIGNON_RATE_LIMITS", default="5/10m,20/d")
# Posts the form refused (a typo, a missing field) count toward a much looser limit.
SIGNON_INVALID_RATE_LIMITS = _rate_limits("SIGNON_INVALID_RATE_LIMITS", default="30/10m,100/d")
# Corrections of the contact's e-mail address from the thanks page, per sign-on.
SIGNON_EMAIL_CORRECTIONS = env.int("SIGNON_EMAIL_CORRECTIONS", default=3)
# What the thanks page tells a submitter to expect, as words ("two working days").
SIGNON_REVIEW_TIME = env.str("SIGNON_REVIEW_TIME", default="two working days")
# A person takes longer than this to fill the form; a script does not. 0: off.
SIGNON_MIN_FILL_SECONDS = env.int("SIGNON_MIN_FILL_SECONDS", default=3)
if SIGNON_MIN_FILL_SECONDS < 0:
    raise ImproperlyConfigured("SIGNON_MIN_FILL_SECONDS must be 0 (off) or more.")
# A form older than this asks to be sent again (nothing typed is lost).
SIGNON_FORM_MAX_AGE_HOURS = env.float("SIGNON_FORM_MAX_AGE_HOURS", default=6.0)
if SIGNON_FORM_MAX_AGE_HOURS <= 0:
    raise ImproperlyConfigured("SIGNON_FORM_MAX_AGE_HOURS must be more than 0.")
# Held submissions (looked automated) not released by staff are deleted after
# this many days by `manage.py purge_contact_details`.
SIGNON_HELD_DAYS = env.int("SIGNON_HELD_DAYS", default=30)
if SIGNON_HELD_DAYS < 0:
    raise ImproperlyConfigured("SIGNON_HELD_DAYS must be 0 or more.")

# Each worker keeps the public letter page rendered and compressed in memory
# (signon/page_cache.py) and checks the database for changes at most every
# PAGE_CACHE_SECONDS; a CDN may hold it for the rest of a 5-second budget.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env.float("PAGE_CACHE_SECONDS", default=2.0)
if not 0 <= PAGE_CACHE_SECONDS <= 5:
    raise ImproperlyConfigured(
        "PAGE_CACHE_SECONDS must be between 0 and 5: a staff decision must show within 5 seconds."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The conference works from Washington, D.C.: deadlines and dates read in its time.
TIME_ZONE = "America/New_York"
# Every page is in American English, and the translation machinery costs a lookup of
# the active language in each {% url %}, number and date (a tenth of a letter page's
# render): off, Django formats as "en-us" without it. The admin stays in English.
LANGUAGE_CODE = "en-us"
USE_I18N = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.static_storage.StaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

email_config = env.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = email_config["EMAIL_BACKEND"]
EMAIL_HOST = email_config.get("EMAIL_HOST", "")
EMAIL_PORT = email_config.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = email_config.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = email_config.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = email_config.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = email_config.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="U.S. Conference of Mayors <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Conference staff told of each new submission (comma-separated; empty: nobody).
SIGNON_STAFF_EMAILS = env.list("SIGNON_STAFF_EMAILS", default=[])
# Seconds to wait before each retry of mail that failed (then it stays failed,
# for staff to see and retry): 1 min, 5 min, 30 min, 2 h.
SIGNON_MAIL_RETRY_DELAYS = [
    int(value)
    for value in env.list("SIGNON_MAIL_RETRY_DELAYS", default=["60", "300", "1800", "7200"])
]
# A mail task "running" this long was left by a stopped worker: it is queued again.
# Well above one attempt's worst case (three messages at EMAIL_TIMEOUT each).
SIGNON_MAIL_STALLED_SECONDS = env.int("SIGNON_MAIL_STALLED_SECONDS", default=300)
# Outreach (outreach/campaign.py): reminders to an invited office that has not answered,
# at most this many, and never sooner than this many days after the last e-mail.
SIGNON_OUTREACH_MAX_REMINDERS = env.int("SIGNON_OUTREACH_MAX_REMINDERS", default=2)
SIGNON_OUTREACH_REMINDER_DAYS = env.int("SIGNON_OUTREACH_REMINDER_DAYS", default=7)
if SIGNON_OUTREACH_MAX_REMINDERS < 0 or SIGNON_OUTREACH_REMINDER_DAYS < 0:
    raise ImproperlyConfigured(
        "SIGNON_OUTREACH_MAX_REMINDERS and SIGNON_OUTREACH_REMINDER_DAYS must be 0 or more."
    )
# The site's public address, for links in e-mail (never taken from a request's Host).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Passkeys belong to the site's host name (SITE_URL's unless PASSKEY_RP_ID says
# otherwise) and are accepted only from these origins: a passkey made for the
# desk cannot be used on a look-alike site. The admin is served from SITE_URL.
_site = urlsplit(SITE_URL)
# A passkey needs a host name: a local address is reached as "localhost" (a
# secure context over plain HTTP too, which WebAuthn requires).
_passkey_host = "localhost" if _site.hostname in {None, "127.0.0.1", "::1"} else _site.hostname
OTP_WEBAUTHN_RP_ID = env.str("PASSKEY_RP_ID", default=_passkey_host)
OTP_WEBAUTHN_RP_NAME = "U.S. Conference of Mayors sign-on desk"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "PASSKEY_ORIGINS",
    default=[f"{_site.scheme}://{_passkey_host}" + (f":{_site.port}" if _site.port else "")],
)

# Shown to a submitter who needs a person, e.g. when their city is already on a
# letter. A letter's own "Questions?" contact takes precedence when it has one.
CONFERENCE_NAME = "The U.S. Conference of Mayors"
CONFERENCE_CONTACT_EMAIL = env.str("CONFERENCE_CONTACT_EMAIL", default="")

# --- What production must not run with, unless an operator waives it by name.
# Each of these starts and "works", yet quietly breaks a promise: a per-process
# cache makes the rate limit per worker, console mail is "sent" to stdout and
# counted as delivered, a local SITE_URL breaks every confirmation link, and
# with no conference address a page can name a person nobody can reach.
# Tests and local production-mode runs opt in with ALLOW_UNSAFE_SETTINGS; each
# waiver is logged as a warning at start-up (signon/apps.py).
UNSAFE_SETTINGS = {
    "memory-cache": "CACHE_URL",
    "console-mail": "EMAIL_URL",
    "local-site-url": "SITE_URL",
    "no-contact-address": "CONFERENCE_CONTACT_EMAIL",
}
ALLOW_UNSAFE_SETTINGS = sorted(
    {name.strip().lower() for name in env.list("ALLOW_UNSAFE_SETTINGS", default=[])} - {""}
)
if unknown := set(ALLOW_UNSAFE_SETTINGS) - set(UNSAFE_SETTINGS):
    raise ImproperlyConfigured(
        f"ALLOW_UNSAFE_SETTINGS names unknown waivers {sorted(unknown)}; "
        f"the known ones are {', '.join(UNSAFE_SETTINGS)}."
    )
_MEMORY_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
_NOWHERE_MAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}  # noqa: S104 -- compared, not bound


def _site_url_is_local(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in _LOCAL_HOSTS or host.endswith(".localhost")


if not DEBUG:
    _unsafe = {
        "memory-cache": (
            CACHES["default"]["BACKEND"] in _MEMORY_CACHES,
            "CACHE_URL must name a shared cache (e.g. redis://host:6379/0) when DEBUG is off: "
            "a per-process memory cache makes the rate limit count per worker.",
        ),
        "console-mail": (
            EMAIL_BACKEND in _NOWHERE_MAIL,
            "EMAIL_URL must name a real mail server (e.g. smtp+tls://…) when DEBUG is off: "
            "the console, dummy and memory backends deliver nothing.",
        ),
        "local-site-url": (
            _site_url_is_local(SITE_URL),
            f"SITE_URL must be the site's public address when DEBUG is off, not {SITE_URL!r}: "
            "every link in e-mail is built from it.",
        ),
        "no-contact-address": (
            not CONFERENCE_CONTACT_EMAIL,
            "CONFERENCE_CONTACT_EMAIL must be an address that reaches a person when DEBUG is "
            "off: every page that says whom to write to (a letter with no address of its own, "
            "the privacy notice, refusals) and every e-mail's Reply-To fall back on it.",
        ),
    }
    for _waiver, (_refused, _message) in _unsafe.items():
        if _refused and _waiver not in ALLOW_UNSAFE_SETTINGS:
            raise ImproperlyConfigured(
                f"{_message} (To accept it on purpose, e.g. in tests: "
                f"ALLOW_UNSAFE_SETTINGS={_waiver}.)"
            )

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# One JSON object per line on stdout, contact e-mail addresses and phone
# numbers masked whatever logged them (config/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_contact": {"()": "config.logging.MaskContactDetails"}},
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["mask_contact"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines are the access log's job (gunicorn); keep Django's quieter.
        "django.server": {"level": "WARNING"},
    },
}
