"""The delivery as the sign-on desk owns it: the moved model, its permissions, its snapshot.

The Delivery model moved from letters to signon with its table and rows; the
"Conference staff" group keeps its delivery permissions; the snapshot's rows
have one written shape (``DeliveredSignatory``) and a recorded version.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from signon.delivery import SNAPSHOT_VERSION, DeliveredSignatory, record_delivery
from signon.models import Delivery, Signature

from .conftest import conference_staff, make_signature

moved = importlib.import_module("signon.migrations.0011_delivery")


def deliver(letter) -> Delivery:
    return record_delivery(
        letter, user=None, delivered_on=datetime.date(2026, 3, 9),
        delivered_to="Members of Congress", method="hand-delivered",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_delivery_model_keeps_its_table_and_belongs_to_signon():
    assert Delivery._meta.app_label == "signon"
    assert Delivery._meta.db_table == "letters_delivery"
    assert not ContentType.objects.filter(app_label="letters", model="delivery").exists()


@pytest.mark.django_db
def test_conference_staff_keep_view_add_and_change_delivery():
    granted = Group.objects.get(name="Conference staff").permissions.filter(
        content_type=ContentType.objects.get_for_model(Delivery)
    )
    assert set(granted.values_list("codename", flat=True)) == {
        "view_delivery", "add_delivery", "change_delivery",
    }  # fmt: skip
    member = conference_staff()
    assert member.has_perms(["signon.view_delivery", "signon.change_delivery"])


@pytest.mark.django_db
def test_a_delivery_records_its_snapshot_version_and_reads_back_as_dataclasses(letter):
    make_signature(letter, city="Austin", state="TX", status=Signature.Status.APPROVED,
                   approved_at=timezone.now(), letter_version=letter.current_version)  # fmt: skip
    delivery = deliver(letter)
    assert delivery.snapshot_version == SNAPSHOT_VERSION == 2
    [row] = DeliveredSignatory.list_of(delivery)
    assert (row.city, row.state, row.state_name) == ("Austin", "TX", "Texas")
    assert row.signed_version == letter.current_version.number
    assert row.to_dict() == delivery.signatories[0]


def test_a_version_1_row_reads_without_a_signed_version():
    row = {
        "mayor_first_name": "Ada", "mayor_last_name": "Lovelace", "city": "Austin",
        "state": "TX", "state_name": "Texas", "approved_at": None,
    }  # fmt: skip
    signatory = DeliveredSignatory.from_dict(row)
    assert signatory.signed_version is None
    assert signatory.name_and_city == "Ada Lovelace, Austin"


@pytest.mark.django_db
def test_the_migration_marks_rows_without_signed_versions_as_version_1(letter):
    delivery = deliver(letter)
    old_row = {
        "mayor_first_name": "Ada", "mayor_last_name": "Lovelace", "city": "Austin",
        "state": "TX", "state_name": "Texas", "approved_at": None,
    }  # fmt: skip
    Delivery.objects.filter(pk=delivery.pk).update(signatories=[old_row])
    moved.set_snapshot_versions(apps, None)
    delivery.refresh_from_db()
    assert delivery.snapshot_version == 1
