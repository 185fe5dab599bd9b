"""The public site's views: the letters, a letter with its list, its downloads, sign-on, thanks.

The list's shape and its files come from ``public_list``; the page's
freshness from ``page_cache``.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache

from letters.diff import text_diff_html
from letters.models import Letter
from places import normalize
from places.states import State

from . import (
    abuse,
    blank_form,
    compiled,
    list_parts,
    page_cache,
    page_frame,
    population,
    public_list,
    tasks,
    tokens,
)
from .contact import conference_contact
from .delivery import earlier_version_signers
from .forms import EmailCorrectionForm, OfficeNoteForm, SignatureForm
from .models import Signature
from .page_cache import cached_page
from .public_list import (
    LIST_FIELDS,
    ListFilter,
    PublicList,
    StateGroup,
    group_by_state,
    public_rows,
)
from .state_map import StateMap, state_name_html

# The session remembers which signature this browser just submitted, so the
# thanks page can name the mayor without any personal data in its URL.
THANKS_SESSION_KEY = "signon_last_signature"
# The office this browser was told is already on a letter, for the question form
# that follows the duplicate answer (city and state only: they are public).
DUPLICATE_SESSION_KEY = "signon_duplicate_office"
# The privacy notice's promise; `manage.py purge_contact_details --days 365` keeps it.
PURGE_DAYS = 365

log = logging.getLogger("signon.views")


def index(request: HttpRequest) -> HttpResponse:
    approved = Q(signatures__status=Signature.Status.APPROVED)
    letters = sorted(
        Letter.objects.public().annotate(signature_count=Count("signatures", filter=approved)),
        # Open letters first, then closed ones; newest first within each.
        key=lambda letter: (not letter.is_accepting_signatures, -letter.created_at.timestamp()),
    )
    represented = population.for_letters(letter.pk for letter in letters)
    for letter in letters:
        letter.represented = represented.get(letter.pk)
    return render(
        request,
        "signon/index.html",
        {"letters": letters, "population_source": population.source()},
    )


@cached_page
def letter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # A pure function of the letter, its approved list and the GET parameters
    # (no per-visitor content, no CSRF token), so the whole page can be cached.
    # The one exception, a staff preview of a draft, reads the session and so
    # is never cached (see page_cache).
    wanted = ListFilter.from_params(request.GET)
    # What this worker read for the letter under the same stamp, when still current:
    # a new search or state filter reads, groups and folds nothing again.
    page = page_cache.held(request, slug, lambda: _letter_page(request, slug))
    if page.frame is None:
        page.frame = _frame(page)
    before_list, before_script, after_script = page.frame
    count = len(page.listing.rows)
    region: list[bytes] = []
    if count:
        shown = page.listing.matching(wanted)
        groups = group_by_state(shown) if wanted.is_active else page.states
        around_groups = get_template("signon/letter_list.html").render(
            {
                "letter_url": page.url,
                "count": count,
                "shown_count": len(shown),
                "filter": wanted,
                "groups_slot": _GROUPS_SLOT,
                "state_options": _state_options(page, wanted),
                "state_map": _state_map(page, wanted.state),
            }
        )
        head, tail = around_groups.split(_GROUPS_SLOT)
        # Each state's section as the bytes it keeps: at 20,000 names the list is 2 MB,
        # which one join copies once (a template loop, a splice into the page and
        # encoding the whole page copied it four times: a cold render 18.2 -> 14.5 ms).
        region = [
            head.encode(),
            *(part for group in groups for part in (group.html_bytes, _GAP)),
            tail.encode(),
        ]
    script = _LAND_ON_RESULTS.format(static("js/land-on-results.js")) if wanted.is_active else ""
    return HttpResponse(
        b"".join([before_list, *region, before_script, script.encode(), after_script])
    )


# Where the states' sections go in the filtered part: a comment no letter text can hold
# (a fresh token per process).
_GROUPS_SLOT = f"<!--groups-{secrets.token_hex(12)}-->"
_GAP = b"\n      "  # after each state's section, as the template lays them out
_LAND_ON_RESULTS = '<script src="{}" defer></script>\n'


def _state_map(page: "_LetterPage", current: str) -> str:
    """The map, drawn once per highlighted state while the page is held (every search
    shows the same one): from the counts the list already holds, no query of its own."""
    if current not in page.maps:
        counts = {group.code: len(group.signatories) for group in page.states}
        # Each state's people beside its count in the map's table, once any city matched.
        people = (
            {state.code: state.represented.population for state in page.represented_by_state}
            if page.represented.matched
            else None
        )
        page.maps[current] = render_to_string(
            "signon/state_map.html",
            {"state_map": StateMap(counts, current=current, population=people)},
        )
    return page.maps[current]


def _frame(page: "_LetterPage") -> tuple[bytes, ...]:
    """The letter page around its filtered part, the same for every filter: the frame this
    worker holds for the letter (``page_frame``) with this list's figures drawn in. Once per
    stamp per worker; each request renders only ``letter_list.html`` into it (a search:
    8 → 2 ms in-process at 1,400 names). As bytes, cut where the list and the filter's
    script go."""
    return page_frame.around_list(
        page.letter,
        {
            "count": len(page.listing.rows),
            "earlier_versions": page.earlier_versions,
            "last_updated": page.last_updated,
            "represented": page.represented,
            "population_source": population.source(),
        },
    )


@dataclass
class _LetterPage:
    """What the letter page shows whatever the filter: read once per stamp per worker."""

    letter: Letter
    listing: PublicList
    states: list[StateGroup]
    earlier_versions: list[dict]
    # The newest approval: when the list last grew.
    last_updated: datetime.datetime | None
    # The people the approved signatories' cities hold (signon/population.py).
    represented: population.Represented
    represented_by_state: list[population.StateRepresented]
    # The page around the filtered list, once rendered (``_frame``).
    frame: tuple[bytes, bytes, bytes] | None = None
    # The map as drawn for each highlighted state ("" for none), once each (``_state_map``).
    maps: dict[str, str] = field(default_factory=dict)
    # The state picker's options for each chosen state, once each (``_state_options``).
    options: dict[str, SafeString] = field(default_factory=dict)

    @cached_property
    def url(self) -> str:
        return self.letter.get_absolute_url()


def _letter_page(request: HttpRequest, slug: str) -> _LetterPage:
    letter = compiled.letter_for_page(slug)
    if letter is None or (letter.status == Letter.Status.DRAFT and not _is_staff(request)):
        raise Http404("No letter here.")
    # The list by state, each state read again only when it changed (list_parts).
    parts = list_parts.read(letter, fields=_ROW_FIELDS)
    # In state-code, then city order, as public_rows gives them: the searches' order.
    rows = list(
        chain.from_iterable(
            part.group.signatories for part in sorted(parts, key=lambda p: p.group.code)
        )
    )
    return _LetterPage(
        letter=letter,
        listing=PublicList(rows),
        states=[part.group for part in parts],
        earlier_versions=(
            _earlier_versions(letter, rows)
            if set().union(*(part.versions for part in parts)) - {None, letter.current_version_pk}
            else []
        ),
        last_updated=max((p.last_approved for p in parts if p.last_approved), default=None),
        represented=population.Represented(
            population=sum(part.represented.population for part in parts),
            matched=sum(part.represented.matched for part in parts),
            signatories=len(rows),
        ),
        represented_by_state=[
            population.StateRepresented(part.group.code, part.group.name, part.represented)
            for part in parts
        ],
    )


# What the page reads of each row: the list's fields, the version signed (the page names
# who signed an earlier text), when approved, and the place matched (the population).
_ROW_FIELDS = (*LIST_FIELDS, "letter_version_id", "approved_at", *population.PLACE_FIELDS)


def _earlier_versions(letter: Letter, rows: list[dict]) -> list[dict]:
    """Who signed an earlier text, with what changed since: the page never shows a
    later text above a count that includes mayors who signed an earlier one. No
    query at all while everyone signed the current text."""
    groups = earlier_version_signers(letter, rows, letter.current_version_pk)
    if groups:
        current = letter.current_version
        for group in groups:
            group["changes"] = text_diff_html(group["version"], current)
    return groups


def _is_staff(request: HttpRequest) -> bool:
    """Staff who passed the second factor (a password alone previews nothing)."""
    user = request.user
    return user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)()


def _state_options(page: "_LetterPage", wanted: ListFilter) -> SafeString:
    """The state picker's <option>s: states with signatories, and the one asked for.

    Built in Python like the list itself (as a template loop it was a fifth of
    the page's render time), once per chosen state while the page is held.
    """
    if wanted.state not in page.options:
        page.options[wanted.state] = _build_state_options(page.states, wanted)
    return page.options[wanted.state]


def _build_state_options(groups: list[StateGroup], wanted: ListFilter) -> SafeString:
    choices = [(group.code, len(group.signatories)) for group in groups]
    if wanted.state and wanted.state not in {code for code, _ in choices}:
        choices = sorted([*choices, (wanted.state, 0)], key=lambda c: State(c[0]).label)
    return mark_safe(  # noqa: S308 -- the markup around the counts is escaped once, below
        "\n".join(
            f"{_OPTION_OPENING[code]}{' selected' if code == wanted.state else ''}>"
            f"{state_name_html(code)} ({count:,})</option>"
            for code, count in choices
        )
    )


# Each state's option opening, escaped once per process rather than on every render
# (the picker lists up to 56); its name comes escaped from the map's table of states.
_OPTION_OPENING = {code: f'<option value="{escape(code)}"' for code in State.values}


@cached_page(filtered=False)
def letter_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The letter and every signatory, laid out for paper and PDF delivery."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    rows = public_rows(letter)
    return render(
        request,
        "signon/letter_print.html",
        {"letter": letter, "count": len(rows), "groups": group_by_state(rows)},
    )


@cached_page(filtered=False)
def signatories_csv(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return public_list.csv_response(letter)


@cached_page(filtered=False)
def signatories_json(request: HttpRequest, slug: str) -> JsonResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return public_list.json_response(request, letter)


def sign(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        kept = blank_form.response(request, slug)
        if kept is not None:
            return kept
    # Staff previewing a draft see that its form is not open yet; others, nothing.
    letter = compiled.letter_for_sign_on(slug, request.user)
    if letter is None:
        raise Http404("No letter here.")
    if not letter.is_accepting_signatures:
        status = 403 if request.method == "POST" else 200
        return render(request, "signon/closed.html", {"letter": letter}, status=status)

    if request.method == "POST":
        form = SignatureForm(request.POST, letter=letter)
        if not form.shown_version_is_current():
            if limited := abuse.count_sign_on_post(request, valid=False):
                return _too_many_requests(request, form, limited)
            # The text changed after this page was loaded: save nothing, show the
            # words as they stand with what was typed, and ask to sign again.
            context = {"letter": letter, "form": form.for_current_version()}
            return render(request, "signon/sign.html", {**context, "version_changed": True})
        valid = form.is_valid()
        # Only a valid sign-on counts toward the strict limit: a person who
        # corrects the form five times is not refused on the sixth.
        if limited := abuse.count_sign_on_post(request, valid=valid):
            return _too_many_requests(request, form, limited)
        if valid:
            return save_sign_on(request, form)
        if form.has_error("city", code="duplicate"):
            if _is_resubmission(request, form):
                # A double click or a re-sent form: the first one was received.
                return redirect("signon:thanks", slug=letter.slug)
            _remember_duplicate(request, form)
    else:
        form = SignatureForm(letter=letter)
    context = {"letter": letter, "form": form, "contact": conference_contact(letter)}
    return render(request, "signon/sign.html", context)


# The form takes no files: abuse.RefuseUploadsMiddleware refuses or skips any upload.
sign.takes_no_files = True


def save_sign_on(request: HttpRequest, form: SignatureForm) -> HttpResponse:
    """Save a valid sign-on: pending and mailed, or held if it looked automated.

    Either way the visitor gets the thanks page. A second POST of the same
    form (a double click, even racing the first) finds its first row by the
    form's id and gets the thanks page too; the same form sent for another
    city is a script reusing one stamp, and is held.
    """
    letter = form.letter
    stamp = abuse.read_stamp(form.cleaned_data.get("started", ""))
    nonce = stamp.nonce if stamp else ""
    reason = abuse.bot_reason(request.POST)
    for attempt in range(2):
        # A form is sent once: its id is unique among signatures, so a second
        # sending fails the insert below and is answered on the second attempt.
        # Looking first would cost every sign-on a query for the rare repeat.
        first = _first_from_form(nonce) if attempt else None
        if first is not None:
            if first.letter_id == letter.pk and first.office_key == normalize.office_key(
                form.cleaned_data["city"], form.cleaned_data["state"]
            ):
                request.session[THANKS_SESSION_KEY] = first.pk
                return redirect("signon:thanks", slug=letter.slug)
            reason, nonce = "reused_stamp", ""
        signature = form.save(commit=False)
        signature.form_nonce = nonce
        if reason:
            signature.status = Signature.Status.HELD
            signature.held_reason = reason
            signature.fill_seconds = round(stamp.age, 1) if stamp else None
        try:
            with transaction.atomic():
                signature.save()
                if not reason:
                    # The mail it owes is queued in the same transaction: both
                    # commit or neither. A worker sends it (signon/tasks.py);
                    # nothing is mailed while held.
                    tasks.queue_mail(signature)
        except IntegrityError:
            signature.pk = None
            if nonce and _first_from_form(nonce) is not None:
                continue  # this form's twin committed first: answer as it was answered
            # Another request took this office between our check and our
            # insert: answer as the form's own check would have.
            if not _office_taken(form):
                raise
            if _is_resubmission(request, form):
                return redirect("signon:thanks", slug=letter.slug)
            city, state = form.cleaned_data["city"], form.cleaned_data["state"]
            form.duplicate_city = city
            form.add_error("city", form.duplicate_error(city, state))
            _remember_duplicate(request, form)
            context = {"letter": letter, "form": form, "contact": conference_contact(letter)}
            return render(request, "signon/sign.html", context)
        if reason:
            abuse.log_bot(request, reason, letter.slug)
        request.session[THANKS_SESSION_KEY] = signature.pk
        return redirect("signon:thanks", slug=letter.slug)
    raise RuntimeError("unreachable: a form's first row was found on the second attempt")


def _first_from_form(nonce: str) -> Signature | None:
    """The signature already sent from the form with this id (on any letter), if any."""
    if not nonce:
        return None
    return Signature.objects.filter(form_nonce=nonce).only("letter_id", "office_key").first()


def _too_many_requests(
    request: HttpRequest, form: SignatureForm, limited: abuse.Limited
) -> HttpResponse:
    """The form again, with what was typed, saying when to try again and whom to ask."""
    letter = form.letter
    minutes = max(1, -(-limited.retry_after // 60))
    response = render(
        request,
        "signon/sign.html",
        {
            "letter": letter,
            "form": form,
            "limited": {"minutes": minutes},
            "contact": conference_contact(letter),
        },
        status=429,
    )
    response["Retry-After"] = str(limited.retry_after)
    return response


def _remember_duplicate(request: HttpRequest, form: SignatureForm) -> None:
    if not form.letter.is_list_published:
        return  # under embargo nothing may confirm that this city signed
    city, state = form.duplicate_city or form.cleaned_data["city"], form.cleaned_data["state"]
    request.session[DUPLICATE_SESSION_KEY] = {
        "letter": form.letter.pk,
        "key": normalize.office_key(city, state),
        "city": city,
        "state": state,
    }


def ask_conference(request: HttpRequest, slug: str) -> HttpResponse:
    """A question about an office already on the letter, as a note on its signature.

    Reached from the duplicate answer; the office comes from this browser's
    session, never from the address. A note is never a second signature.
    """
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    office = request.session.get(DUPLICATE_SESSION_KEY)
    if not office or office.get("letter") != letter.pk:
        office = None
    if request.session.pop("signon_question_sent", None):
        return render(request, "signon/ask.html", {"letter": letter, "sent": True})
    form = OfficeNoteForm(request.POST or None)
    if request.method == "POST" and office is not None:
        valid = form.is_valid()
        if limited := abuse.count_sign_on_post(request, valid=valid):
            response = render(
                request,
                "signon/ask.html",
                {"letter": letter, "form": form, "office": office,
                 "limited": {"minutes": max(1, -(-limited.retry_after // 60))},
                 "contact": conference_contact(letter)},
                status=429,
            )  # fmt: skip
            response["Retry-After"] = str(limited.retry_after)
            return response
        if valid:
            signature = (
                Signature.objects.live().filter(letter=letter, office_key=office["key"]).first()
            )
            if signature is not None:
                note = form.save(commit=False)
                note.signature = signature
                note.save()
                del request.session[DUPLICATE_SESSION_KEY]
                request.session["signon_question_sent"] = True
                return redirect("signon:ask", slug=letter.slug)
            # The earlier sign-on was withdrawn or rejected meanwhile: nothing to
            # add a note to, and the office can simply sign on.
            office = {**office, "gone": True}
    context = {"letter": letter, "form": form, "office": office}
    return render(request, "signon/ask.html", {**context, "contact": conference_contact(letter)})


ask_conference.takes_no_files = True


def _office_taken(form: SignatureForm) -> bool:
    key = normalize.office_key(form.cleaned_data["city"], form.cleaned_data["state"])
    return Signature.objects.live().filter(letter=form.letter, office_key=key).exists()


def _is_resubmission(request: HttpRequest, form: SignatureForm) -> bool:
    """Did this browser itself just submit this same office to this letter?

    Known by the session, or, for a first-time visitor whose double click
    raced ahead of its cookie, by the form's id saved on the first row.
    """
    last_pk = request.session.get(THANKS_SESSION_KEY)
    stamp = abuse.read_stamp(form.data.get(abuse.STARTED_FIELD, ""))
    city, state = form.data.get("city", ""), form.data.get("state", "")
    if not (last_pk or stamp) or not city or not state:
        return False
    try:
        key = normalize.office_key(normalize.clean_text(city), state)
    except ValidationError:
        return False
    same_sender = Q(pk=last_pk) if last_pk else Q()
    if stamp:
        same_sender |= Q(form_nonce=stamp.nonce)
    return Signature.objects.live().filter(same_sender, letter=form.letter, office_key=key).exists()


@never_cache
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """What happens next, for the browser that just signed on: where the link went,
    for how long, the reference to quote, and a way to correct a mistyped address."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    signature = None
    last_pk = request.session.get(THANKS_SESSION_KEY)
    if last_pk:
        signature = (
            Signature.objects.filter(pk=last_pk, letter=letter)
            .only("mayor_first_name", "mayor_last_name", "city", "state", "status",
                  "contact_email", "email_confirmed_at", "letter_id")
            .first()
        )  # fmt: skip
    can_correct = signature is not None and signature.email_can_be_corrected
    correction = EmailCorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_correct:
            return redirect("signon:thanks", slug=letter.slug)
        if correction.is_valid():
            if abuse.count_email_correction(signature.pk):
                with transaction.atomic():
                    # The receipt, with a fresh link, is owed again to the corrected
                    # address; queued with the change, sent by the worker (nothing
                    # while held).
                    Signature.objects.filter(pk=signature.pk).update(
                        contact_email=correction.cleaned_data["contact_email"],
                        receipt_sent_at=None,
                    )
                    tasks.queue_mail(signature)
                request.session["signon_email_corrected"] = signature.pk
                return redirect("signon:thanks", slug=letter.slug)
            correction.add_error(
                "contact_email",
                "This address has been changed too many times. Please contact "
                f"{conference_contact(letter)} to correct it.",
            )
    corrected = signature is not None and (
        request.session.pop("signon_email_corrected", None) == signature.pk
    )
    return render(
        request,
        "signon/thanks.html",
        {
            "letter": letter,
            "signature": signature,
            "correction": correction if can_correct else None,
            "corrected": corrected,
            "expiry_hours": int(tokens.MAX_AGE.total_seconds() // 3600),
            "review_time": settings.SIGNON_REVIEW_TIME,
            "contact": conference_contact(letter),
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: what the form collects, why, who sees it, how long it is kept."""
    context = {
        "purge_days": PURGE_DAYS,
        "held_days": settings.SIGNON_HELD_DAYS,
        "contact_email": settings.CONFERENCE_CONTACT_EMAIL,
    }
    return render(request, "signon/privacy.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the static file's hashed name is only known once collected.
    return redirect(static("img/favicon.svg"))


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Whether the database and the shared cache answer, one line each.

    503 when the database is away: this node cannot serve. A cache outage is
    reported (``cache: unavailable``) and logged but keeps the 200: sign-ons go
    on without the rate limit (see abuse.py), and every node shares one cache,
    so a 503 would take the whole site out of the balancer for nothing.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        response = HttpResponse("database: unavailable\n", status=503, content_type="text/plain")
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
        return response
    cache_state = "ok"
    try:
        cache.set("healthz", 1, timeout=10)
        if cache.get("healthz") != 1:
            cache_state = "unavailable"
    except Exception:  # the Redis client's own errors are not Django's
        log.warning("Health check: the cache is unavailable", exc_info=True)
        cache_state = "unavailable"
    return HttpResponse(f"database: ok\ncache: {cache_state}\n", content_type="text/plain")
