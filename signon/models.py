"""The sign-on desk's data: signatures (with their review), official domains, deliveries.

``Signature.objects.for_public_display()`` is the only way public pages read
signatures. ``Delivery`` (moved from letters, same table) freezes the list as
delivered; its rows' shape is ``signon.delivery.DeliveredSignatory``.
"""

import functools
import uuid

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Lower, StrIndex, Substr
from django.utils import dateformat, timezone

from letters.models import Letter, LetterLocked, LetterVersion
from places import matching, normalize
from places.states import State


class InvalidTransition(ValueError):
    pass


class ReasonRequired(InvalidTransition):
    pass


def email_domain(field: str = "contact_email"):
    """The part of an e-mail address after the "@", lower-cased, as an SQL expression."""
    return Lower(Substr(field, StrIndex(field, Value("@")) + 1))


class SubqueryCount(Subquery):
    """The number of rows a correlated subquery returns."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = models.IntegerField()


def same_office():
    """Other submissions for the outer signature's office on its letter, any status."""
    return (
        Signature.objects.filter(letter=OuterRef("letter"), office_key=OuterRef("office_key"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
    )


def same_contact():
    """Submissions for other offices from the outer signature's contact e-mail, any letter."""
    return (
        Signature.objects.alias(email_lower=Lower("contact_email"))
        .filter(email_lower=Lower(OuterRef("contact_email")))
        .exclude(office_key=OuterRef("office_key"))
        .order_by()
    )


@functools.cache
def _signals() -> dict:
    """``with_signals``'s annotations, built once a process (about 0.7 ms a changelist):
    an expression is copied, never changed, when a queryset takes it."""
    recorded = OfficialDomain.objects.filter(
        office_key=OuterRef("office_key"), domain=OuterRef("email_domain")
    )
    return {
        "official_domain": models.ExpressionWrapper(
            Q(email_domain__endswith=".gov") | Q(Exists(recorded)),
            output_field=models.BooleanField(),
        ),
        "domain_source": Subquery(recorded.values("source")[:1]),
        "same_office_count": SubqueryCount(same_office().values("pk")),
        "other_cities_count": SubqueryCount(same_contact().values("office_key").distinct()),
    }


class SignatureQuerySet(models.QuerySet):
    def for_public_display(self):
        """The only signatures a public page or export may read.

        Approved ones, on letters whose list is not under embargo. Only public
        columns are loaded, so a template cannot reach contact data.
        """
        embargo_over = Q(letter__list_published_at__isnull=True) | Q(
            letter__list_published_at__lte=timezone.now()
        )
        return self.filter(embargo_over, status=Signature.Status.APPROVED).only(
            "id", "letter_id", "mayor_first_name", "mayor_last_name", "city", "state",
            "office_key", "approved_at",
        )  # fmt: skip

    def approved_as_delivered(self):
        """Approved signatures, embargo or not: what a delivery freezes (staff data)."""
        return self.filter(status=Signature.Status.APPROVED)

    def live(self):
        """Signatures that hold their office's place on a letter."""
        return self.filter(status__in=Signature.LIVE_STATUSES)

    def with_office_conflict(self, present: bool = True):
        """Signatures whose office has another submission on the same letter (or none)."""
        return self.filter(Exists(same_office()) if present else ~Exists(same_office()))

    def with_contact_conflict(self, present: bool = True):
        """Signatures whose contact e-mail also sent other cities (or did not)."""
        return self.filter(Exists(same_contact()) if present else ~Exists(same_contact()))

    def with_signals(self):
        """Annotate what helps staff verify a submission, in the same query as the rows.

        - ``official_domain``: the contact's e-mail is on a .gov domain or on a
          domain staff recorded for that city;
        - ``domain_source``: who recorded the domain for that city ("staff" or
          "directory"; None if no one did): the tiers of
          ``signon.signals.domain_signal`` start from it;
        - ``same_office_count``: other submissions (any status) for the same
          office on the same letter;
        - ``other_cities_count``: other offices (any letter) submitted from the
          same contact e-mail.
        Each is a correlated subquery served by an index, so a changelist page
        costs the same number of queries whatever its length.
        """
        return self.alias(email_domain=email_domain()).annotate(**_signals())


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # Caught by the honeypot, the fill time or a reused form stamp: kept,
        # never public, never mailed, until staff release it into review.
        HELD = "held", "Held: looked automated"

    class HeldReason(models.TextChoices):
        HONEYPOT = "honeypot", "Filled the hidden field only scripts see"
        TOO_FAST = "too_fast", "Sent faster than the minimum fill time"
        REUSED_STAMP = "reused_stamp", "Reused a form already sent for another city"

    # A pending or approved signature holds its city's place on the letter;
    # a rejected or withdrawn one does not block a new submission.
    LIVE_STATUSES = (Status.PENDING, Status.APPROVED)
    # Decisions that must say why: the history shows the reason next to them.
    REASON_REQUIRED = (Status.REJECTED, Status.WITHDRAWN)

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
    # The reference place the city names (places.matching), found by save() when the
    # city or state changes; staff may correct it. Empty: no place matched.
    matched_place = models.ForeignKey(
        "places.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name="matched place",
    )

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
    review_note = models.TextField(
        "how verified",
        blank=True,
        help_text="Staff only, e.g. “called city hall 3/2, spoke to the chief of staff”.",
    )
    decision_reason = models.TextField(
        blank=True, editable=False, help_text="Why it was rejected or withdrawn. Staff only."
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The e-mail confirmation link names the signature by this random id, never
    # by its row number or address, so a link reveals nothing and cannot be guessed.
    confirmation_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email_confirmed_at = models.DateTimeField(
        "e-mail confirmed at", null=True, blank=True, editable=False
    )

    # What the app has mailed about this signature. A failure is recorded here
    # (never the address), retried by the worker and then by staff from admin.
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    staff_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What staff chose to tell the contact when rejecting (empty: no e-mail), and when it went.
    rejection_message = models.TextField(blank=True, editable=False)
    rejection_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_error = models.CharField(max_length=200, blank=True, editable=False)

    # Why and how fast a held submission looked automated (see signon/abuse.py).
    held_reason = models.CharField(max_length=20, choices=HeldReason, blank=True, editable=False)
    fill_seconds = models.FloatField(
        "seconds to fill the form", null=True, blank=True, editable=False
    )
    # The random id of the form this was sent from: a form is sent once (a
    # double click finds its first row here; a script reusing it is held).
    form_nonce = models.CharField(max_length=32, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("review_signature", "Can approve or reject signatures"),
            # The bulk CSV carries every contact's e-mail and phone: more than viewing.
            ("export_signature", "Can export contact details"),
        ]
        constraints = [
            # One live signature per city per letter, even when two requests race.
            models.UniqueConstraint(
                fields=["letter", "office_key"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_live_signature_per_office",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "withdrawn", "held"]),
                name="signature_status_valid",
            ),
            # One submission per handed-out form, even when a double click races.
            models.UniqueConstraint(
                fields=["form_nonce"], condition=~Q(form_nonce=""), name="one_signature_per_form"
            ),
        ]
        indexes = [
            # The public list: a letter's approved signatures in state/city order.
            models.Index(
                fields=["letter", "office_key"],
                condition=Q(status="approved"),
                name="signature_public_list",
            ),
            # Each state's stamp (list_parts) and the letter's (page_cache): the approved
            # count and latest edit per state, read from the index alone (at 20,000
            # names 2 ms, against 9 ms for a scan of the table).
            models.Index(
                fields=["letter", "state", "updated_at"],
                condition=Q(status="approved"),
                name="signature_state_stamp",
            ),
            # The changelist's default order, newest first (the admin adds -id as a
            # tie-break): pages are read off the index instead of sorting every row.
            models.Index(fields=["-created_at", "-id"], name="signature_newest"),
            # The review queue: newest first within a status.
            models.Index(fields=["status", "-created_at", "-id"], name="signature_queue"),
            # The "same office" signal: every submission, any status, for an office.
            models.Index(fields=["office_key", "letter"], name="signature_office"),
            # The "same contact, other cities" signal and the search by address.
            models.Index(Lower("contact_email"), name="signature_contact_email"),
            # The "mail failed" filter and the admin backlog: a handful of rows.
            models.Index(
                fields=["mail_failed_at"],
                condition=Q(mail_failed_at__isnull=False),
                name="signature_mail_failed",
            ),
        ]

    def __str__(self) -> str:
        return f"Mayor {self.mayor_name}, {self.city}, {self.state}"

    def save(self, *args, **kwargs):
        key = normalize.office_key(self.city, self.state)
        # A new city finds its place again, unless the caller already settled it for
        # this save (staff chose one in the same edit; the sign-on form matched it).
        if key != self.office_key and not getattr(self, "place_settled", False):
            self.matched_place = matching.find(self.city, self.state)
        self.office_key = key
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"city", "state"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "office_key", "matched_place"}
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        """Django's check of ``Meta.constraints``, less the checks on an excluded field.

        Django leaves those unchecked too, but only after building each one's query and
        meeting the missing field (it drops the FieldError): the sign-on form has no
        status, so every sign-on built the status check for nothing (0.2–0.5 ms of CPU
        in a post of about 3.5 ms). The database enforces every
        constraint on save all the same.
        """
        excluded = set(exclude or ())
        errors: dict = {}
        using = router.db_for_write(type(self), instance=self)
        for constraint in self._meta.constraints:
            if (
                isinstance(constraint, models.CheckConstraint)
                and Q(constraint.condition).referenced_base_fields & excluded
            ):
                continue
            try:
                constraint.validate(type(self), self, exclude=exclude, using=using)
            except ValidationError as error:
                # As Django files them: a unique field's clash under that field.
                if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @property
    def reference(self) -> str:
        """What the office quotes to the conference: the row's number, which staff
        open in admin (it says nothing about the office or its contact)."""
        return f"S-{self.pk:05d}"

    @property
    def masked_email(self) -> str:
        """The contact's address as the thanks page shows it: "c…e@city.gov"."""
        local, _, domain = self.contact_email.rpartition("@")
        shown = local[:1] + "…" + (local[-1:] if len(local) > 2 else "")
        return f"{shown}@{domain}"

    @property
    def email_can_be_corrected(self) -> bool:
        """Until it is confirmed, a mistyped contact address can be corrected."""
        return self.email_confirmed_at is None and self.status in (
            self.Status.PENDING,
            self.Status.HELD,
        )

    @property
    def mayor_name(self) -> str:
        return f"{self.mayor_first_name} {self.mayor_last_name}"

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}"

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())

    def approve(self, user) -> None:
        self.decide(self.Status.APPROVED, user)

    def reject(self, user, reason: str) -> None:
        self.decide(self.Status.REJECTED, user, reason)

    def withdraw(self, user, reason: str) -> None:
        self.decide(self.Status.WITHDRAWN, user, reason)

    def letter_is_delivered(self) -> bool:
        # Asked of the database: the letter object in hand may predate the delivery.
        return Letter.objects.filter(pk=self.letter_id, status=Letter.Status.DELIVERED).exists()

    def decide(self, status: str, user, reason: str = "", share: str = "") -> None:
        """Move to ``status`` on ``user``'s decision, or raise InvalidTransition.

        The one place a signature changes status: it records the decision on the
        row and in the admin history (who, when, from → to, why), and once the
        transaction commits, tells the contact when their mayor is listed, or,
        when staff ``share`` a message with a rejection, why it was not.
        """
        if not self.can_become(status):
            raise InvalidTransition(
                f"A {self.get_status_display().lower()} signature cannot "
                f"become {self.Status(status).label.lower()}."
            )
        if self.Status.APPROVED in (self.status, status) and self.letter_is_delivered():
            # What was delivered is the record: the public list of a delivered
            # letter neither grows nor shrinks.
            raise InvalidTransition(
                f"“{self.letter}” was delivered: its list of signatories is final. "
                "Note the request in the signature's review note instead."
            )
        reason = reason.strip()
        if status in self.REASON_REQUIRED and not reason:
            raise ReasonRequired(f"Say why it is {self.Status(status).label.lower()}.")
        before = self.get_status_display()
        now = timezone.now()
        self.status = status
        self.reviewed_by = user
        self.reviewed_at = now
        self.decision_reason = reason
        if status == self.Status.APPROVED:
            self.approved_at = now
        share = share.strip() if status == self.Status.REJECTED else ""
        if share:
            self.rejection_message, self.rejection_notice_sent_at = share, None
        with transaction.atomic():
            self.save(
                update_fields=["status", "reviewed_by", "reviewed_at", "approved_at",
                               "decision_reason", "rejection_message",
                               "rejection_notice_sent_at", "updated_at"]
            )  # fmt: skip
            message = f"Status: {before} → {self.get_status_display()}."
            if reason:
                message += f" Reason: {reason}"
            LogEntry.objects.log_actions(
                user_id=user.pk,
                queryset=[self],
                action_flag=CHANGE,
                change_message=message,
                single_object=True,
            )
            if status in (self.Status.APPROVED, self.Status.PENDING) or share:
                # Approval owes the approval notice; a release from quarantine owes
                # the receipt and staff notification it was not sent while held.
                # Queued in the decision's transaction (signon/tasks.py). Imported
                # here: the mail modules read signatures, and models come first.
                from .tasks import queue_mail

                queue_mail(self)

    @property
    def rejection_notice_due(self) -> bool:
        return (
            self.status == self.Status.REJECTED
            and bool(self.rejection_message)
            and self.rejection_notice_sent_at is None
        )

    @property
    def approval_notice_due(self) -> bool:
        return self.status == self.Status.APPROVED and self.approval_notice_sent_at is None


class OfficialDomain(models.Model):
    """An e-mail domain recorded as a city's own (besides any .gov domain)."""

    class Source(models.TextChoices):
        STAFF = "staff", "Staff"
        DIRECTORY = "directory", "Mayors’ directory"

    domain = models.CharField(
        max_length=253,
        help_text="The part after the “@”, e.g. ci.springfield.il.us. "
        "Only this exact domain counts, not its subdomains.",
    )
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=State)
    # normalize.office_key(city, state), kept in step by save(): signatures match on it.
    office_key = models.CharField(max_length=120, editable=False)
    note = models.CharField(max_length=200, blank=True, help_text="How staff know, e.g. a URL.")
    # Who vouches for it: staff, or the mayors' directory (outreach), which writes and
    # removes its own rows as offices are imported and edited.
    source = models.CharField(max_length=10, choices=Source, default=Source.STAFF, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state", "city", "domain"]
        constraints = [
            # The signal's lookup: this office, this domain.
            models.UniqueConstraint(fields=["office_key", "domain"], name="one_domain_per_office"),
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")), name="official_domain_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.city}, {self.state})"

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().removeprefix("@")
        self.office_key = normalize.office_key(self.city, self.state)
        super().save(*args, **kwargs)


# Which decisions staff may take from each status.
TRANSITIONS = {
    Signature.Status.PENDING: (Signature.Status.APPROVED, Signature.Status.REJECTED),
    # A decision can be reopened: back to pending, recorded in the history.
    Signature.Status.APPROVED: (Signature.Status.WITHDRAWN, Signature.Status.PENDING),
    Signature.Status.REJECTED: (Signature.Status.PENDING,),
    Signature.Status.WITHDRAWN: (Signature.Status.PENDING,),
    # Released into review (and mailed then), or turned down as it stands.
    Signature.Status.HELD: (Signature.Status.PENDING, Signature.Status.REJECTED),
}


class Delivery(models.Model):
    """When, to whom and how a letter went to Congress, with the list as delivered.

    The list is a snapshot taken at delivery: later approvals, withdrawals or
    edits of signatures never change what this record says was delivered.
    """

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="delivery")
    delivered_on = models.DateField()
    delivered_to = models.CharField(
        max_length=300, help_text="e.g. Members of the U.S. House of Representatives and Senate"
    )
    method = models.CharField(
        "how", max_length=200, help_text="e.g. hand-delivered to each office; e-mail"
    )
    note = models.TextField(blank=True)
    version = models.ForeignKey(
        LetterVersion, on_delete=models.PROTECT, related_name="+", help_text="The text delivered."
    )
    # The list as delivered, public fields only, in state and city order: one
    # dict per signatory, shaped by signon.delivery.DeliveredSignatory (read it
    # through DeliveredSignatory.list_of(), never by raw keys elsewhere).
    signatories = models.JSONField(default=list, editable=False)
    snapshot_version = models.PositiveSmallIntegerField(
        editable=False, help_text="The shape of the signatories' rows (SNAPSHOT_VERSION)."
    )
    signatory_count = models.PositiveIntegerField(editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Moved from the letters app with its rows: the table keeps its name.
        db_table = "letters_delivery"
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        # Django's formatting: strftime's no-padding dash flag exists only in glibc.
        return f"{self.letter} delivered {dateformat.format(self.delivered_on, 'F j, Y')}"

    def save(self, *args, **kwargs):
        # What was delivered stays as delivered: the letter, its text and its list.
        if self.pk:
            stored = Delivery.objects.filter(pk=self.pk).first()
            if stored and (
                stored.letter_id != self.letter_id
                or stored.version_id != self.version_id
                or stored.signatories != self.signatories
                or stored.signatory_count != self.signatory_count
            ):
                raise LetterLocked(
                    "A delivery's letter, text and list of signatories never change.",
                    code="delivery_frozen",
                )
        super().save(*args, **kwargs)


class OfficeNote(models.Model):
    """A question from an office whose city is already on the letter (a new mayor, a
    correction), asked from the duplicate answer: a note on the existing signature
    for staff, never a second signature."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="notes")
    asker_name = models.CharField("from", max_length=200, help_text="Not displayed publicly.")
    asker_email = models.EmailField("e-mail", help_text="Not displayed publicly.")
    asker_phone = models.CharField(
        "phone", max_length=40, blank=True, help_text="Not displayed publicly."
    )
    message = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Question from {self.asker_name} on {self.signature}"
