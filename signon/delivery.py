"""Recording a letter's delivery, with its list frozen as it stood."""

import datetime

from django.db import transaction

from letters.models import Delivery, Letter

from .signatories import group_by_state, public_rows


class AlreadyDelivered(Exception):
    pass


def snapshot(letter: Letter) -> list[dict]:
    """The public list as delivered: public fields only, grouped by state name, then city."""
    return [
        {
            "mayor_first_name": row["mayor_first_name"],
            "mayor_last_name": row["mayor_last_name"],
            "city": row["city"],
            "state": row["state"],
            "state_name": group.name,
            "approved_at": row["approved_at"].isoformat() if row["approved_at"] else None,
        }
        for group in group_by_state(public_rows(letter))
        for row in group.signatories
    ]


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
            signatories=rows,
            signatory_count=len(rows),
            recorded_by=user,
        )
        letter.status = Letter.Status.DELIVERED
        letter.save(update_fields=["status", "updated_at"])
    return delivery
