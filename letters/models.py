"""The letter: its text, its status and lifecycle, and the versions of its text.

Knows nothing of signatures or of the delivery record (the sign-on desk's);
``is_signed`` and the delivered check ask by relation name only, importing no signon.
"""

import hashlib
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .rendering import render_markdown

# The fields whose words make up what a mayor signs.
TEXT_FIELDS = {"salutation", "body", "closing"}
# What a delivered letter keeps for good: what was delivered, and that it was.
FROZEN_WHEN_DELIVERED = {"status", "title", *TEXT_FIELDS}


class LetterLocked(ValidationError):
    """A change the letter's history forbids (signed text, a delivered letter)."""


def normalize_text(text: str) -> str:
    """The words as signed: LF line endings, no trailing spaces, no blank lines at the ends.

    Browsers send textareas with CRLF and Django's forms strip the ends, so the
    same words typed or saved again must compare (and fingerprint) the same.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def is_signed(obj: "Letter | LetterVersion") -> bool:
    """Has anyone signed this letter or this version (a signature row of any status)?

    The letters app knows nothing of signatures: an app that collects them
    relates its rows to Letter and LetterVersion with related_name="signatures"
    (signon.Signature does), and any such row counts.
    """
    signatures = getattr(obj, "signatures", None)
    if signatures is not None and signatures.exists():
        return True
    if isinstance(obj, Letter) and obj.pk:
        return any(is_signed(version) for version in obj.versions.all())
    return False


class LetterQuerySet(models.QuerySet):
    def public(self):
        """Letters the public may read: every one that has left draft."""
        return self.exclude(status=Letter.Status.DRAFT)

    def with_current_version(self):
        """Each letter with its current text version's id and number (``current_version_ref``)
        in the same query: the sign-on form needs both on every load and every post."""
        # Versions are only added, numbered up from 1: the newest has the highest of both.
        return self.annotate(
            current_version_pk=models.Max("versions__id"),
            current_version_number=models.Max("versions__number"),
        )

    def visible_to(self, user):
        return self.all() if may_preview_drafts(user) else self.public()


def may_preview_drafts(user) -> bool:
    """Staff may preview drafts at their public address; nobody else sees them."""
    return user.is_active and user.is_staff


class VersionRef(NamedTuple):
    """Which text version: what a signature records and the sign-on form compares."""

    id: int
    number: int


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for signatures"
        CLOSED = "closed", "Closed"
        DELIVERED = "delivered", "Delivered"

    slug = models.SlugField(max_length=80, unique=True, help_text="Part of the letter's address.")
    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="One sentence for the letters list and for link previews.",
    )
    salutation = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown: blank lines between paragraphs, '- ' for bullets.")
    closing = models.TextField(blank=True, help_text="Markdown: the closing paragraph.")
    questions_contact_name = models.CharField("questions contact name", max_length=200, blank=True)
    questions_contact_email = models.EmailField(
        "questions contact e-mail",
        blank=True,
        help_text="Shown publicly on the letter, after 'Questions? Please contact'.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    deadline = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The letter closes by itself at this moment (Eastern time).",
    )
    list_published_at = models.DateTimeField(
        "publish the list from",
        null=True,
        blank=True,
        help_text="Embargo: until this moment the public sees neither the signatories nor "
        "their number. Leave empty to show the list at once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed", "delivered"]),
                name="letter_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, version_author=None, **kwargs):
        """Save, and keep the text's versions in step (see record_text_version).

        Checked against the stored row under a lock, whatever path saves (admin
        form, action, shell), and saved in one transaction with its version: if
        the version cannot be recorded, the row is not changed either.
        """
        with transaction.atomic():
            if self.pk:
                stored = Letter.objects.select_for_update().filter(pk=self.pk).first()
                if stored is not None:
                    self.check_change_from(stored)
            super().save(*args, **kwargs)
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) & TEXT_FIELDS:
                record_text_version(self, version_author)

    def get_absolute_url(self) -> str:
        return reverse("signon:letter", kwargs={"slug": self.slug})

    @property
    def questions_email(self) -> str:
        """Where a question about this letter goes: its own contact, else the conference's."""
        return self.questions_contact_email or settings.CONFERENCE_CONTACT_EMAIL

    def clean(self):
        super().clean()
        if (
            self.status != self.Status.DRAFT
            and self.questions_contact_name
            and not (self.questions_email)
        ):
            # A name alone sends readers nowhere: the line must lead to an address.
            raise ValidationError({
                "questions_contact_email": f"Give an e-mail address for "
                f"{self.questions_contact_name}, so that readers can reach them, or leave the "
                "name empty.",
            })  # fmt: skip
        if self.pk:
            stored = Letter.objects.filter(pk=self.pk).first()
            if stored is not None:
                self.check_change_from(stored)

    def check_change_from(self, stored: "Letter") -> None:
        """Refuse, with LetterLocked, a change the letter's history does not allow.

        - A delivered letter's words, title and status stay as delivered: a
          correction is a new letter (README, "Correcting a delivered letter").
        - A letter becomes Delivered only by recording its delivery.
        - A letter anyone has signed never returns to Draft, where its text could
          be edited as if nobody had read it.
        """
        if stored.status == self.Status.DELIVERED:
            changed = sorted(
                name
                for name in FROZEN_WHEN_DELIVERED
                if self._normalized(name) != stored._normalized(name)
            )
            if changed:
                raise LetterLocked(
                    f"This letter was delivered; its {', '.join(changed)} can no longer "
                    f"change. To correct it, start a new letter.",
                    code="delivered",
                )
            return
        # The delivery record belongs to the sign-on desk (it freezes the list of
        # signatories); asked for by its reverse name, so letters imports no signon.
        if (
            self.status == self.Status.DELIVERED
            and not Letter.objects.filter(pk=self.pk, delivery__isnull=False).exists()
        ):
            raise LetterLocked(
                "A letter is marked delivered by recording its delivery "
                "(“Record the delivery…” below), not by choosing the status.",
                code="delivered_without_record",
            )
        if (
            self.status == self.Status.DRAFT
            and stored.status != self.Status.DRAFT
            and is_signed(stored)
        ):
            raise LetterLocked(
                "Mayors have signed this letter, so it cannot return to Draft. Close it "
                "instead, or change its text: the change becomes a new version and the "
                "signatures stay with the version they signed.",
                code="signed_to_draft",
            )

    def _normalized(self, name: str) -> str:
        value = getattr(self, name)
        return normalize_text(value) if name in TEXT_FIELDS else value

    @property
    def is_accepting_signatures(self) -> bool:
        """Open, and its deadline (if any) not yet passed."""
        if self.status != self.Status.OPEN:
            return False
        return self.deadline is None or timezone.now() < self.deadline

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.deadline <= timezone.now()

    @property
    def public_status(self) -> str:
        """The status as the public sees it: an open letter past its deadline is closed.

        Computed on every read, so the letter closes at the very moment of its
        deadline, with no scheduled job to run.
        """
        if self.status == self.Status.OPEN and not self.is_accepting_signatures:
            return self.Status.CLOSED
        return self.status

    @property
    def is_list_published(self) -> bool:
        """False while the list is under embargo."""
        return self.list_published_at is None or self.list_published_at <= timezone.now()

    @property
    def current_version(self) -> "LetterVersion":
        return self.versions.order_by("-number").first()

    def current_version_ref(self) -> "VersionRef":
        """The current version's id and number: from ``with_current_version`` when the
        letter was read with it, else read now."""
        if getattr(self, "current_version_number", None) is not None:
            return VersionRef(self.current_version_pk, self.current_version_number)
        version = self.current_version
        return VersionRef(version.pk, version.number)

    def body_html(self):
        return render_markdown(self.body)

    def closing_html(self):
        return render_markdown(self.closing)


def text_sha256(salutation: str, body: str, closing: str) -> str:
    """The fingerprint of a letter's text, as signed: of the normalized words,
    so the same text saved with CRLF or a trailing newline is the same version."""
    text = "\n\n".join(normalize_text(part) for part in (salutation, body, closing))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LetterVersion(models.Model):
    """The letter's text as it stood: every signature points at the one it signed.

    A version is never edited once the letter is public; changing the text of a
    public letter adds a new version.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    salutation = models.CharField(max_length=300)
    body = models.TextField()
    closing = models.TextField(blank=True)
    sha256 = models.CharField("SHA-256 of the text", max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["letter", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "number"], name="letter_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.sha256[:12]})"

    @property
    def text(self) -> str:
        return "\n\n".join([self.salutation, self.body, self.closing]).strip()


def record_text_version(letter: Letter, user=None) -> LetterVersion:
    """Make the letter's current text its latest version, and return that version.

    Nothing changes when the normalized text is the same. The latest version is
    rewritten in place only while the letter is a draft and no signature (of
    any status) references it; otherwise a change adds version n + 1 and leaves
    the old ones, and the signatures pointing at them, as they were.
    """
    digest = text_sha256(letter.salutation, letter.body, letter.closing)
    with transaction.atomic():
        # Lock the letter row so two staff saving at once cannot both add "v2".
        Letter.objects.select_for_update().filter(pk=letter.pk).first()
        latest = letter.versions.order_by("-number").first()
        # Recomputed rather than read: versions fingerprinted before the text was
        # normalized compare by their words, not by an older hash.
        if latest and text_sha256(latest.salutation, latest.body, latest.closing) == digest:
            return latest
        fields = {
            "salutation": letter.salutation,
            "body": letter.body,
            "closing": letter.closing,
            "sha256": digest,
            "created_at": timezone.now(),
            "created_by": user,
        }
        # In place only while the letter is a draft and nobody signed the version:
        # a public text may be on a signer's screen, and the sign-on form checks
        # the version number it showed.
        if latest and letter.status == Letter.Status.DRAFT and not is_signed(latest):
            for name, value in fields.items():
                setattr(latest, name, value)
            latest.save()
            return latest
        number = latest.number + 1 if latest else 1
        return LetterVersion.objects.create(letter=letter, number=number, **fields)
