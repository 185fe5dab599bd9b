"""Keeping scripts off the sign-on form: client address, rate limit, honeypot, fill time.

A bot caught by the honeypot or the fill time gets the same thanks page as a
person (so it learns nothing) while nothing is saved. The rate limit counts in
the shared cache, so it holds across worker processes and machines.
"""

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, QueryDict

log = logging.getLogger("signon.abuse")

HONEYPOT_FIELD = "website"
STARTED_FIELD = "started"
_STARTED_SALT = "signon.form-started"


def client_address(request: HttpRequest) -> str:
    """The client's address as the nearest trusted proxy saw it.

    With TRUSTED_PROXY_HOPS proxies in front of the app, each appends the
    address it received the request from to X-Forwarded-For. Only those last
    hops are trusted; whatever the client wrote itself stands further left
    and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                log.warning("Malformed X-Forwarded-For hop ignored", extra={"hop": candidate[:64]})
    return remote


@dataclass
class Limited:
    retry_after: int  # seconds until the client may post again


def count_sign_on_post(request: HttpRequest) -> Limited | None:
    """Count one sign-on POST for this client; say when it is over a limit.

    Each limit is a window that opens with the client's first POST; its count
    costs one cache increment and needs no cleanup: the key expires with it.
    Every POST counts, valid or not: a script probing the form pays too.
    """
    address = client_address(request)
    try:
        retry_after = _count(address, int(time.time()))
    except Exception:
        # The cache is away: take the signature rather than lose it. The
        # honeypot and the fill time still stand guard meanwhile.
        log.exception("Rate limit not checked: the cache is unavailable")
        return None
    if retry_after:
        log.warning("Sign-on rate limit reached", extra={"event": "rate_limited",
                                                         "client": address})  # fmt: skip
        return Limited(retry_after=max(retry_after, 1))
    return None


def _count(address: str, now: int) -> int:
    """Count one POST in each window; the seconds until the client is free again, or 0.

    A window opens with the client's first POST and lasts its period, so a
    limit never resets early at a clock boundary.
    """
    retry_after = 0
    for allowed, period in settings.SIGNON_RATE_LIMITS:
        key = f"signon:rate:{period}:{address}"
        since_key = f"{key}:since"
        if cache.add(key, 1, timeout=period):
            cache.set(since_key, now, timeout=period)
            count, since = 1, now
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # the window closed between add and incr
                cache.set(key, 1, timeout=period)
                cache.set(since_key, now, timeout=period)
                count = 1
            since = cache.get(since_key, now)
            # Some backends (file, database) reset the expiry on incr: set it back.
            cache.touch(key, timeout=max(1, since + period - now))
        if count > allowed:
            retry_after = max(retry_after, since + period - now)
    return retry_after


def started_token() -> str:
    """A signed stamp of when the form was handed out."""
    return signing.dumps(time.time(), salt=_STARTED_SALT)


def seconds_since_started(token: str) -> float | None:
    """How long ago the form carrying this token was handed out, or None if forged."""
    try:
        started = float(signing.loads(token, salt=_STARTED_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - started


def bot_reason(data: QueryDict) -> str | None:
    """Why this POST looks like a script's ("honeypot", "too_fast"), or None."""
    if data.get(HONEYPOT_FIELD, ""):
        return "honeypot"
    minimum = settings.SIGNON_MIN_FILL_SECONDS
    if minimum:
        elapsed = seconds_since_started(data.get(STARTED_FIELD, ""))
        # A missing or forged stamp is the form's error to report (a person
        # with a stale page fixes it by sending again); here only a genuine
        # stamp that is too fresh marks a script.
        if elapsed is not None and elapsed < minimum:
            return "too_fast"
    return None


def log_bot(request: HttpRequest, reason: str, slug: str) -> None:
    log.warning(
        "Sign-on dropped as automated",
        extra={"event": "bot_dropped", "reason": reason, "letter": slug,
               "client": client_address(request)},
    )  # fmt: skip
