"""Helpers for the review desk's tests: staff users with exactly the rights they are given."""

from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

CHANGELIST = reverse("admin:signon_signature_changelist")


def conference_staff(username: str = "ana") -> User:
    """A staff user whose only rights come from the "Conference staff" group."""
    user = User.objects.create_user(username, f"{username}@usmayors.example", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Conference staff"))
    return user


def staff_without_review(username: str = "viewer") -> User:
    """Staff who may see and edit signatures but not approve or reject them."""
    user = User.objects.create_user(username, f"{username}@usmayors.example", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="signon", codename__in=["view_signature", "change_signature"]
        )
    )
    return user


def decide_url(signature, status: str) -> str:
    return reverse("admin:signon_signature_decide", args=[signature.pk, status])


def history_url(signature) -> str:
    return reverse("admin:signon_signature_history", args=[signature.pk])
