"""A letter's delivery: recording it, with its list frozen as it stood, and that list's shape.

The snapshot's shape is written down once, here, as ``DeliveredSignatory``;
the packet (``signon.packet``) and any page showing a delivered list read it
through that class, never by raw keys.
"""

import dataclasses
import datetime

from django.db import transaction

from letters.models import Letter

from .models import Delivery, Signature
from .public_list import PUBLIC_FIELDS, delivery_rows

# The shape of the rows in ``Delivery.signatories``, stored with each delivery:
# 1. mayor_first_name, mayor_last_name, city, state, state_name, approved_at
#    (deliveries recorded before the text had versions);
# 2. the same, plus "version": the number of the text version the mayor signed.
SNAPSHOT_VERSION = 2


@dataclasses.dataclass(frozen=True)
class DeliveredSignatory:
    """One signatory as delivered: public fields only.

    Stored as a dict (``to_dict``) with the keys mayor_first_name,
    mayor_last_name, city, state (USPS code), state_name, approved_at (ISO 8601
    or null) and version (the text version signed; ``signed_version`` here,
    absent from version-1 snapshots, where everyone signed the delivered text).
    """

    mayor_first_name: str
    mayor_last_name: str
    city: str
    state: str
    state_name: str
    approved_at: str | None
    signed_version: int | None = None

    @classmethod
    def from_dict(cls, row: dict) -> "DeliveredSignatory":
        return cls(
            mayor_first_name=row["mayor_first_name"],
            mayor_last_name=row["mayor_last_name"],
            city=row["city"],
            state=row["state"],
            state_name=row["state_name"],
            approved_at=row.get("approved_at"),
            signed_version=row.get("version"),
        )

    def to_dict(self) -> dict:
        row = dataclasses.asdict(self)
        row["version"] = row.pop("signed_version")
        return row

    @classmethod
    def list_of(cls, delivery: Delivery) -> list["DeliveredSignatory"]:
        """A delivery's frozen list, in the order delivered."""
        return [cls.from_dict(row) for row in delivery.signatories]

    @property
    def name_and_city(self) -> str:
        return f"{self.mayor_first_name} {self.mayor_last_name}, {self.city}"


class AlreadyDelivered(Exception):
    pass


def snapshot(letter: Letter) -> list[DeliveredSignatory]:
    """The public list as delivered: public fields only, grouped by state name, then city.

    Each signatory carries the number of the text version they signed, so what
    is delivered says who signed what.
    """
    # Every approved signature, embargo or not: an embargo hides the list from
    # the public, not from the record of what was delivered.
    rows = list(
        Signature.objects.approved_as_delivered()
        .filter(letter=letter)
        .order_by("office_key", "mayor_last_name", "mayor_first_name")
        .values(*PUBLIC_FIELDS, "letter_version__number")
    )
    return [DeliveredSignatory.from_dict(row) for row in delivery_rows(rows)]


def record_delivery(
    letter: Letter,
    *,
    user,
    delivered_on: datetime.date,
    delivered_to: str,
    method: str,
    note: str = "",
) -> Delivery:
    """Freeze the approved list into a delivery record and mark the letter delivered."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if Delivery.objects.filter(letter=letter).exists():
            raise AlreadyDelivered(f"{letter} was already delivered.")
        rows = snapshot(letter)
        delivery = Delivery.objects.create(
            letter=letter,
            delivered_on=delivered_on,
            delivered_to=delivered_to,
            method=method,
            note=note,
            version=letter.current_version,
            signatories=[row.to_dict() for row in rows],
            snapshot_version=SNAPSHOT_VERSION,
            signatory_count=len(rows),
            recorded_by=user,
        )
        letter.status = Letter.Status.DELIVERED
        letter.save(update_fields=["status", "updated_at"])
    return delivery


def pending_count(letter: Letter) -> int:
    """Signatures still waiting for review: a delivery recorded now leaves them out."""
    return Signature.objects.filter(letter=letter, status=Signature.Status.PENDING).count()


def earlier_version_signers(letter: Letter, rows: list[dict], current_id: int) -> list[dict]:
    """Approved signatories who signed an earlier text than the current one, by version.

    ``rows`` are the letter's public rows with their ``letter_version_id``;
    ``current_id`` is the current version's id. Returns [{"version":
    LetterVersion, "signatories": [rows]}, …], newest version first, and asks
    the database nothing when every signatory signed the current text.
    """
    by_version: dict[int, list[dict]] = {}
    for row in rows:
        if row["letter_version_id"] not in (None, current_id):
            by_version.setdefault(row["letter_version_id"], []).append(row)
    if not by_version:
        return []
    versions = letter.versions.in_bulk(by_version)
    return [
        {"version": versions[pk], "signatories": signatories}
        for pk, signatories in sorted(
            by_version.items(), key=lambda item: -versions[item[0]].number
        )
    ]
