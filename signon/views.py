from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from letters.models import Letter

from . import normalize
from .forms import SignatureForm
from .models import Signature
from .page_cache import cached_page
from .signatories import public_groups

# The session remembers which signature this browser just submitted, so the
# thanks page can name the mayor without any personal data in its URL.
THANKS_SESSION_KEY = "signon_last_signature"


def index(request: HttpRequest) -> HttpResponse:
    approved = Q(signatures__status=Signature.Status.APPROVED)
    letters = sorted(
        Letter.objects.public().annotate(signature_count=Count("signatures", filter=approved)),
        # Open letters first, then closed ones; newest first within each.
        key=lambda letter: (not letter.is_accepting_signatures, -letter.created_at.timestamp()),
    )
    return render(request, "signon/index.html", {"letters": letters})


@cached_page
def letter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    groups = public_groups(letter)
    count = sum(group.count for group in groups)
    return render(
        request, "signon/letter_detail.html", {"letter": letter, "count": count, "groups": groups}
    )


def sign(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.is_accepting_signatures:
        status = 403 if request.method == "POST" else 200
        return render(request, "signon/closed.html", {"letter": letter}, status=status)

    if request.method == "POST":
        form = SignatureForm(request.POST, letter=letter)
        if form.is_valid():
            try:
                with transaction.atomic():
                    signature = form.save()
            except IntegrityError:
                # Another request took this office between our check and our
                # insert: answer as the form's own check would have.
                if not _office_taken(form):
                    raise
                if _is_resubmission(request, form):
                    return redirect("signon:thanks", slug=letter.slug)
                city, state = form.cleaned_data["city"], form.cleaned_data["state"]
                form.add_error("city", form.duplicate_error(city, state))
            else:
                request.session[THANKS_SESSION_KEY] = signature.pk
                return redirect("signon:thanks", slug=letter.slug)
        elif form.has_error("city", code="duplicate") and _is_resubmission(request, form):
            # A double click or a re-sent form: the first one was received.
            return redirect("signon:thanks", slug=letter.slug)
    else:
        form = SignatureForm(letter=letter)
    return render(request, "signon/sign.html", {"letter": letter, "form": form})


def _office_taken(form: SignatureForm) -> bool:
    key = normalize.office_key(form.cleaned_data["city"], form.cleaned_data["state"])
    return Signature.objects.live().filter(letter=form.letter, office_key=key).exists()


def _is_resubmission(request: HttpRequest, form: SignatureForm) -> bool:
    """Did this browser itself just submit this same office to this letter?"""
    last_pk = request.session.get(THANKS_SESSION_KEY)
    city, state = form.data.get("city", ""), form.data.get("state", "")
    if not last_pk or not city or not state:
        return False
    try:
        key = normalize.office_key(normalize.clean_text(city), state)
    except ValidationError:
        return False
    return Signature.objects.live().filter(pk=last_pk, letter=form.letter, office_key=key).exists()


@never_cache
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    signature = None
    last_pk = request.session.get(THANKS_SESSION_KEY)
    if last_pk:
        signature = (
            Signature.objects.filter(pk=last_pk, letter=letter)
            .only("mayor_first_name", "mayor_last_name", "city", "state", "status")
            .first()
        )
    return render(request, "signon/thanks.html", {"letter": letter, "signature": signature})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
