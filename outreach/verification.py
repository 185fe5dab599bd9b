"""The directory signal on the review desk: does a signature's place, mayor's name
and contact e-mail domain match what the directory lists for the office?
``with_directory`` annotates a signature queryset in one query for a page."""

from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from signon.models import email_domain

from .models import Office


def with_directory(queryset: QuerySet) -> QuerySet:
    """Annotate each signature with its office's directory entry (one query for a page)."""
    office = Office.objects.filter(office_key=OuterRef("office_key")).order_by()
    return queryset.annotate(
        directory_first=Subquery(office.values("mayor_first_name")[:1]),
        directory_last=Subquery(office.values("mayor_last_name")[:1]),
        directory_domains=Subquery(office.values("domains")[:1]),
    )


def mayor_matches(queryset: QuerySet) -> QuerySet:
    """Signatures whose mayor's name is the one the directory lists for their place."""
    return with_directory(queryset).filter(
        directory_first__iexact=F("mayor_first_name"),
        directory_last__iexact=F("mayor_last_name"),
    )


def matching_directory(queryset: QuerySet) -> QuerySet:
    """Signatures whose place, mayor's name and contact e-mail domain match the directory."""
    padded = Concat(Value(" "), F("directory_domains"), Value(" "))
    return (
        with_directory(queryset)
        .alias(
            directory_padded=padded,
            contact_domain=Concat(Value(" "), email_domain(), Value(" ")),
        )
        .filter(
            directory_padded__contains=F("contact_domain"),
            directory_first__iexact=F("mayor_first_name"),
            directory_last__iexact=F("mayor_last_name"),
        )
    )


def directory_verdict(signature) -> tuple[str, str]:
    """("match" | "mismatch" | "domain" | "absent", what staff read), from with_directory."""
    first = getattr(signature, "directory_first", None)
    if first is None:
        return "absent", "Not in the directory"
    listed = f"{first} {signature.directory_last}"
    same_name = (first.casefold(), signature.directory_last.casefold()) == (
        signature.mayor_first_name.casefold(),
        signature.mayor_last_name.casefold(),
    )
    if not same_name:
        return "mismatch", f"Directory: Mayor {listed}; signed as Mayor {signature.mayor_name}"
    domain = signature.contact_email.rpartition("@")[2].lower()
    if domain not in (signature.directory_domains or "").split():
        return "domain", "Mayor matches the directory; e-mail not from the office’s domain"
    return "match", "Matches the directory"
