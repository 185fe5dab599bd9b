"""What the review desk's signals mean: the contact's e-mail domain, sorted into tiers.

A ``.gov`` address is not the same as the city's address: ``dc.gov`` is a
government, but not Laredo's. ``domain_signal`` sorts a contact's domain into
one of four tiers, strongest first, each with the words that say how it was
derived (the review screen and the change page show them):

1. ``own``: the city's own domain, as recorded in *Official domains* by staff
   or by the mayors' directory (outreach writes the domains it lists there);
2. ``names_city``: a domain whose labels name the city (``austintexas.gov`` for
   Austin, ``cityoftulsa.org`` for Tulsa), not yet recorded;
3. ``government``: another government domain (``.gov``, or a ``.st.us``
   locality domain) that does not name the city: amber, not green;
4. ``other``: anything else.

``same_person`` flags a mayor's name typed identical to the contact's name, a
sign of a browser's autofill (or of the contact signing themselves on).
"""

import functools
import re
from dataclasses import dataclass

from places import normalize
from places.states import State

from .models import OfficialDomain

OWN, NAMES_CITY, GOVERNMENT, OTHER = "own", "names_city", "government", "other"
_UNREAD = object()

# Words that go around a city's name in a municipal domain's label:
# cityoftulsa, ci-springfield, townofcary, austintexas, tulsaok, miamigov.
_PREFIXES = ("", "cityof", "townof", "villageof", "boroughof", "ci", "city", "town", "my")
_SUFFIXES = ("", "city", "gov", "town", "village", "cityhall")
# A city name shorter than this must fill a label by itself or with "cityof"
# and the like: "ada" is in "canada", "troy" would be in "troyhill".
_SHORT_NAME = 4
_STATE_NAMES = {code: normalize.fold(label).replace(" ", "") for code, label in State.choices}
_USPS = {code.lower() for code in State.values}


@dataclass(frozen=True)
class DomainSignal:
    tier: str
    domain: str
    evidence: str

    @property
    def green(self) -> bool:
        return self.tier in (OWN, NAMES_CITY)

    @property
    def label(self) -> str:
        return TIER_LABELS[self.tier]


TIER_LABELS = {
    OWN: "City’s own domain",
    NAMES_CITY: "Domain names the city",
    GOVERNMENT: "Another government’s domain",
    OTHER: "Not a government domain",
}


def email_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def is_government(domain: str) -> bool:
    """``.gov``, or a U.S. locality domain (``ci.springfield.il.us``, ``co.kern.ca.us``)."""
    labels = domain.split(".")
    if labels[-1] == "gov":
        return True
    return labels[-1] == "us" and len(labels) >= 3 and labels[-2] in _USPS


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text)


def names_city(domain: str, city: str, state: str) -> bool:
    """Whether one of the domain's labels (before its suffix) spells the city's name.

    The city is folded (case, accents, "St." = "Saint") and its spaces dropped;
    a label names it when it is the name with a municipal prefix ("cityof") or
    suffix (the state's code or name, "city", "gov") around it, nothing else.
    "St. Louis" is also tried as "stlouis", as cities write it.
    """
    names = {
        _squash(normalize.fold(city)),
        _squash(normalize.fold(city, expand_abbreviations=False)),
    } - {""}
    state_code = state.lower()
    suffixes = {*_SUFFIXES, state_code, _STATE_NAMES.get(state, "")}
    labels = [_squash(label) for label in domain.split(".")[:-1]]
    for name in names:
        for label in labels:
            for prefix in _PREFIXES:
                for suffix in suffixes:
                    if len(name) < _SHORT_NAME and not (prefix or suffix in (state_code, "")):
                        continue
                    if label == f"{prefix}{name}{suffix}":
                        return True
    return False


# A pure function of its arguments, asked for each row of every page of the desk
# (about 10 µs: the city folded twice, the labels tried): kept for the pages that follow.
@functools.lru_cache(maxsize=4096)
def domain_signal(
    address: str, city: str, state: str, *, recorded: bool, by_directory: bool = False
) -> DomainSignal:
    """The tier of the contact's e-mail domain for this city, with how it was derived.

    ``recorded``: the domain is recorded for this city (``OfficialDomain``), as
    ``SignatureQuerySet.with_signals()`` annotates it (``domain_source``);
    ``by_directory``: the mayors' directory recorded it, not staff.
    """
    domain = email_domain(address)
    place = f"{city}, {state}"
    if recorded and by_directory:
        return DomainSignal(
            OWN, domain, f"{domain} is listed in the mayors’ directory as {place}’s domain."
        )
    if recorded:
        return DomainSignal(
            OWN, domain, f"{domain} is recorded in Official domains as {place}’s domain."
        )
    if names_city(domain, city, state):
        kind = "a government domain" if is_government(domain) else "not a government domain"
        return DomainSignal(
            NAMES_CITY,
            domain,
            f"{domain} spells “{city}” in its name ({kind}); not yet recorded as "
            f"{place}’s domain: record it once verified.",
        )
    if is_government(domain):
        return DomainSignal(
            GOVERNMENT,
            domain,
            f"{domain} is a government domain, but it does not name {city} and is not "
            f"recorded as {place}’s: another government’s address.",
        )
    return DomainSignal(
        OTHER,
        domain,
        f"{domain} is neither a government domain nor recorded as {place}’s.",
    )


def signature_domain_signal(signature) -> DomainSignal:
    """``domain_signal`` for a signature read through ``with_signals()`` (or not)."""
    source = getattr(signature, "domain_source", _UNREAD)
    if source is _UNREAD:
        source = (
            OfficialDomain.objects.filter(
                office_key=signature.office_key, domain=email_domain(signature.contact_email)
            )
            .values_list("source", flat=True)
            .first()
        )
    return domain_signal(
        signature.contact_email,
        signature.city,
        signature.state,
        recorded=source is not None,
        by_directory=source == OfficialDomain.Source.DIRECTORY,
    )


def same_person(signature) -> bool:
    """The mayor's name as typed equals the contact's (case, accents and spacing aside)."""
    mayor = normalize.fold(f"{signature.mayor_first_name} {signature.mayor_last_name}")
    contact = normalize.fold(f"{signature.contact_first_name} {signature.contact_last_name}")
    return bool(mayor) and mayor == contact


SAME_PERSON_EVIDENCE = (
    "The mayor’s name is the contact’s own name, letter for letter: often a browser’s "
    "autofill. Check who the mayor is before approving."
)
