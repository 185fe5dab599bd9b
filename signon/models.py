from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from letters.models import Letter, LetterVersion

from . import normalize
from .states import State


class InvalidTransition(ValueError):
    pass


class SignatureQuerySet(models.QuerySet):
    def for_public_display(self):
        """The only signatures a public page or export may read: approved ones.

        Only public columns are loaded, so a template cannot reach contact data.
        """
        return self.filter(status=Signature.Status.APPROVED).only(
            "id", "letter_id", "mayor_first_name", "mayor_last_name", "city", "state",
            "office_key", "approved_at",
        )  # fmt: skip

    def live(self):
        """Signatures that hold their office's place on a letter."""
        return self.filter(status__in=Signature.LIVE_STATUSES)


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A pending or approved signature holds its city's place on the letter;
    # a rejected or withdrawn one does not block a new submission.
    LIVE_STATUSES = (Status.PENDING, Status.APPROVED)

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="signatures")
    # The exact text this office signed (number and SHA-256), kept through later edits.
    letter_version = models.ForeignKey(
        LetterVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name="text version signed",
    )

    mayor_first_name = models.CharField("mayor’s first name", max_length=100)
    mayor_last_name = models.CharField("mayor’s last name", max_length=100)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=State)

    contact_first_name = models.CharField(max_length=100, help_text="Not displayed publicly.")
    contact_last_name = models.CharField(max_length=100, help_text="Not displayed publicly.")
    contact_email = models.EmailField("contact e-mail", help_text="Not displayed publicly.")
    contact_phone = models.CharField(
        "contact phone",
        max_length=16,
        help_text="E.164, e.g. +12025550143. Not displayed publicly.",
    )
    contact_phone_extension = models.CharField("extension", max_length=10, blank=True)

    # normalize.office_key(city, state), kept in step by save().
    office_key = models.CharField(max_length=120, editable=False)

    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_note = models.TextField(blank=True, help_text="Staff only.")
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One live signature per city per letter, even when two requests race.
            models.UniqueConstraint(
                fields=["letter", "office_key"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_live_signature_per_office",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "withdrawn"]),
                name="signature_status_valid",
            ),
        ]
        indexes = [
            # The public list: a letter's approved signatures in state/city order.
            models.Index(
                fields=["letter", "office_key"],
                condition=Q(status="approved"),
                name="signature_public_list",
            ),
            # The review queue: newest first within a status.
            models.Index(fields=["status", "-created_at"], name="signature_queue"),
        ]

    def __str__(self) -> str:
        return f"Mayor {self.mayor_name}, {self.city}, {self.state}"

    def save(self, *args, **kwargs):
        self.office_key = normalize.office_key(self.city, self.state)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"city", "state"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "office_key"}
        super().save(*args, **kwargs)

    @property
    def mayor_name(self) -> str:
        return f"{self.mayor_first_name} {self.mayor_last_name}"

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())

    def approve(self, user) -> None:
        self.decide(self.Status.APPROVED, user)

    def reject(self, user, note: str = "") -> None:
        self.decide(self.Status.REJECTED, user, note)

    def decide(self, status: str, user, note: str = "") -> None:
        """Move to ``status`` on ``user``'s decision, or raise InvalidTransition."""
        if not self.can_become(status):
            raise InvalidTransition(
                f"A {self.get_status_display().lower()} signature cannot "
                f"become {self.Status(status).label.lower()}."
            )
        now = timezone.now()
        self.status = status
        self.reviewed_by = user
        self.reviewed_at = now
        if status == self.Status.APPROVED:
            self.approved_at = now
        if note:
            self.review_note = note
        self.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "approved_at", "review_note",
                           "updated_at"]
        )  # fmt: skip


# Which decisions staff may take from each status.
TRANSITIONS = {
    Signature.Status.PENDING: (Signature.Status.APPROVED, Signature.Status.REJECTED),
    Signature.Status.APPROVED: (Signature.Status.WITHDRAWN,),
}
