"""Keeping scripts off the sign-on form: client address, rate limit, honeypot, fill time.

What the honeypot, the fill time or a reused form stamp catches gets the same
thanks page as a person (so a script learns nothing) and is saved as a held
submission: never public, never mailed, until staff release it into review
(a person with a fast autofill loses nothing). The rate limit counts in the
shared cache, so it holds across worker processes and machines; it and the
admin lock-out count an IPv6 client by its /64, the block one subscriber gets.
"""

import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, QueryDict
from django.shortcuts import render

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


def client_network(request: HttpRequest) -> str:
    """The client as the rate limit and the admin lock-out count it.

    An IPv4 address as is; an IPv6 address as the first address of its /64,
    since one home or phone gets a whole /64 and can pick a fresh address in
    it for every request. Still a valid address, as django-axes stores it in
    an address column.
    """
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return address
    if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.7 is the IPv4 client 192.0.2.7
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)


@dataclass
class Limited:
    retry_after: int  # seconds until the client may post again


def count_sign_on_post(request: HttpRequest, *, valid: bool) -> Limited | None:
    """Count one sign-on POST for this client; say when it is over a limit.

    A valid sign-on counts toward SIGNON_RATE_LIMITS; one the form refused (a
    typo, a missing field) toward the much looser SIGNON_INVALID_RATE_LIMITS,
    so a person correcting the form is not locked out while a script probing
    it still pays. Each limit is a window that opens with the client's first
    POST; its count costs one cache increment and needs no cleanup: the key
    expires with it.
    """
    address = client_network(request)
    kind = "valid" if valid else "invalid"
    limits = settings.SIGNON_RATE_LIMITS if valid else settings.SIGNON_INVALID_RATE_LIMITS
    try:
        retry_after = _count(address, int(time.time()), limits, kind)
    except Exception:
        # The cache is away: take the signature rather than lose it. The
        # honeypot and the fill time still stand guard meanwhile.
        log.exception("Rate limit not checked: the cache is unavailable")
        return None
    if retry_after:
        extra = {"event": "rate_limited", "kind": kind, "client": address}
        log.warning("Sign-on rate limit reached", extra=extra)
        return Limited(retry_after=max(retry_after, 1))
    return None


def count_email_correction(signature_pk: int) -> bool:
    """Count one correction of a sign-on's contact address; False once over the limit.

    Each correction mails a new link, so the thanks page must not become a way
    to send mail to any number of addresses.
    """
    key = f"signon:email-correction:{signature_pk}"
    try:
        if cache.add(key, 1, timeout=86400):
            return settings.SIGNON_EMAIL_CORRECTIONS >= 1
        return cache.incr(key) <= settings.SIGNON_EMAIL_CORRECTIONS
    except Exception:
        log.exception("Correction limit not checked: the cache is unavailable")
        return False


def _count(address: str, now: int, limits: list[tuple[int, int]], kind: str) -> int:
    """Count one POST in each window; the seconds until the client is free again, or 0.

    A window opens with the client's first POST and lasts its period, so a
    limit never resets early at a clock boundary.
    """
    retry_after = 0
    for allowed, period in limits:
        # Valid sign-ons keep the key they always had; refused posts count apart.
        prefix = "signon:rate" if kind == "valid" else "signon:rate-invalid"
        key = f"{prefix}:{period}:{address}"
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


@dataclass(frozen=True)
class Stamp:
    nonce: str  # this form's random id: one submission per form
    age: float  # seconds since the form was handed out


def started_token() -> str:
    """A signed stamp of when the form was handed out, with the form's random id."""
    return signing.dumps({"t": time.time(), "n": secrets.token_hex(16)}, salt=_STARTED_SALT)


def read_stamp(token: str) -> Stamp | None:
    """The form's stamp, or None if missing, forged or older than the maximum age.

    Single use is kept in the database, not the cache: the form's id is saved
    on the signature under a unique constraint (see signon/views.py), so it
    holds across workers, survives a cache outage and settles a double click.
    """
    try:
        data = signing.loads(
            token, salt=_STARTED_SALT, max_age=settings.SIGNON_FORM_MAX_AGE_HOURS * 3600
        )
        return Stamp(nonce=str(data["n"])[:32], age=time.time() - float(data["t"]))
    except (signing.BadSignature, TypeError, ValueError, KeyError, IndexError):
        return None


def seconds_since_started(token: str) -> float | None:
    """How long ago the form carrying this token was handed out, or None if forged or expired."""
    stamp = read_stamp(token)
    return None if stamp is None else stamp.age


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
        "Sign-on held as automated",
        extra={"event": "bot_held", "reason": reason, "letter": slug,
               "client": client_address(request)},
    )  # fmt: skip


class RefuseUploadsMiddleware:
    """Refuses an upload to a view that takes no files, before anything parses it.

    DATA_UPLOAD_MAX_MEMORY_SIZE covers only a form's non-file fields: without
    this, a 50 MB "file" sent to the sign-on form is read and written to disk.
    A multipart body larger than that limit (a sign-on is a few hundred bytes)
    is refused by its Content-Length, unread; a smaller one is parsed with no
    upload handlers, so any file in it is skipped, never stored. Placed before
    CsrfViewMiddleware, whose token check would parse the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not (
            getattr(view_func, "takes_no_files", False)
            and request.method == "POST"
            and request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")
        ):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            client = client_address(request)
            log.warning("Upload refused", extra={"event": "upload_refused", "client": client})
            return render(request, "signon/upload_refused.html", status=400)
        request.upload_handlers = [_SkipFiles(request)]
        return None


class _SkipFiles(FileUploadHandler):
    """An upload handler that stores nothing: every file part is skipped unread."""

    def new_file(self, *args, **kwargs):
        raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None
