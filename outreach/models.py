"""Outreach's records: the directory of mayors' offices the conference keeps (who the
mayor of each member city is and how to reach the office), the invitations to sign a
letter sent to them, and the offices that asked not to be e-mailed again.

An office's contact data (office e-mail, phone) is as private as a signature's: staff
only, never on a public page, export, log or URL. The domains an office lists are
written into signon's ``OfficialDomain`` (source "directory") on every save and
removed when no longer listed, so the review desk treats them as the city's own
without signon reading the directory."""

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from letters.models import Letter
from places import matching
from places.models import Place
from places.normalize import OFFICE_KEY_MAX_LENGTH, office_key
from places.states import State
from signon.models import OfficialDomain, Signature


class Office(models.Model):
    """A mayor's office: one per city (its office key), as the last import or edit left it."""

    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=State)
    # normalize.office_key(city, state), kept in step by save(): a signature's key.
    office_key = models.CharField(max_length=OFFICE_KEY_MAX_LENGTH, editable=False, unique=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="offices",
        help_text="Matched from city and state when saved.",
    )  # fmt: skip
    mayor_first_name = models.CharField("mayor’s first name", max_length=100)
    mayor_last_name = models.CharField("mayor’s last name", max_length=100)
    email = models.EmailField("office e-mail", blank=True, help_text="Not displayed publicly.")
    phone = models.CharField(
        max_length=20, blank=True, help_text="E.164, e.g. +12025550143. Not displayed publicly."
    )
    phone_extension = models.CharField("extension", max_length=10, blank=True)
    # Space-separated, lower case: "springfield.il.gov ci.springfield.il.us".
    domains = models.CharField(
        "official e-mail domains", max_length=500, blank=True,
        help_text="The parts after the “@” the office writes from, separated by spaces.",
    )  # fmt: skip
    term_ends = models.DateField(null=True, blank=True)
    member = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state", "city"]
        # The invitation picker filters by state.
        indexes = [models.Index(fields=["state", "city"], name="office_state_city")]

    def __str__(self) -> str:
        return f"{self.city}, {self.state}"

    def save(self, *args, **kwargs) -> None:
        self.office_key = office_key(self.city, self.state)
        self.domains = " ".join(dict.fromkeys(self.domains.lower().split()))
        if self.place_id is None:
            self.place = matching.find(self.city, self.state)
        with transaction.atomic():
            stored = Office.objects.filter(pk=self.pk).values_list("office_key", flat=True)
            previous_key = stored.first() if self.pk else None
            super().save(*args, **kwargs)
            self._record_domains(stale_keys={previous_key, self.office_key} - {None})

    def _record_domains(self, stale_keys: set[str]) -> None:
        """Make the directory's rows in Official domains this office's list, no more.
        A domain staff recorded themselves is left as it is."""
        ours = OfficialDomain.objects.filter(
            source=OfficialDomain.Source.DIRECTORY, office_key__in=stale_keys
        )
        ours.exclude(office_key=self.office_key, domain__in=self.domain_list).delete()
        ours.filter(office_key=self.office_key).update(city=self.city, state=self.state)
        present = set(
            OfficialDomain.objects.filter(
                office_key=self.office_key, domain__in=self.domain_list
            ).values_list("domain", flat=True)
        )
        OfficialDomain.objects.bulk_create([
            OfficialDomain(
                domain=domain, city=self.city, state=self.state, office_key=self.office_key,
                source=OfficialDomain.Source.DIRECTORY, note="From the mayors’ directory.",
            )
            for domain in self.domain_list
            if domain not in present
        ])  # fmt: skip

    @property
    def mayor_name(self) -> str:
        return f"{self.mayor_first_name} {self.mayor_last_name}"

    @property
    def domain_list(self) -> list[str]:
        return self.domains.split()

    @property
    def population(self) -> int | None:
        return self.place.population if self.place_id else None


@receiver(post_delete, sender=Office)
def _forget_domains(sender, instance: Office, **kwargs) -> None:
    """An office taken out of the directory takes its domains out of Official domains."""
    OfficialDomain.objects.filter(
        source=OfficialDomain.Source.DIRECTORY, office_key=instance.office_key
    ).delete()


class Invitation(models.Model):
    """A directory office asked to sign a letter (outreach/campaign.py): its personal link,
    what became of it, and the reminders it was sent. One per office per letter."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="invitations")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField("opened the form", null=True, blank=True, editable=False)
    signature = models.OneToOneField(
        Signature, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    declined_at = models.DateTimeField(null=True, blank=True, editable=False)
    decline_reason = models.TextField(blank=True, max_length=2000, editable=False)
    # sent_at, reminder_count and last_reminded_at count messages the mail server took
    # (outreach/tasks.py), not messages queued: what is queued and not yet sent is
    # mail_pending; a message still failing after the last retry keeps mail_failed_at.
    reminder_count = models.PositiveSmallIntegerField(default=0, editable=False)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_pending = models.CharField(
        "mail queued", max_length=10, blank=True, editable=False,
        choices=[("invitation", "invitation"), ("reminder", "reminder")],
    )  # fmt: skip
    mail_failed_at = models.DateTimeField("mail failed", null=True, blank=True, editable=False)
    mail_error = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "office"], name="one_invitation_per_office")
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.office} for {self.letter}"


class OptOut(models.Model):
    """An office that asked not to be e-mailed again: no invitation or reminder, on any letter."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="opt_out")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "outreach opt-out"

    def __str__(self) -> str:
        return f"{self.office} asked not to be e-mailed"


class SavedSelection(models.Model):
    """A named choice of offices on the Invite page (its criteria, not the offices), to
    fill the page again later for any letter."""

    name = models.CharField(max_length=100, unique=True)
    # {"states": [...], "members_only": bool, "member_size": bool, "not_yet_signed": bool}:
    # the Invite page's criteria, as campaign.candidates takes them.
    criteria = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def describe(self) -> str:
        """The criteria in words, for the admin list."""
        c = self.criteria
        parts = [", ".join(c.get("states") or []) or "every state"]
        if c.get("members_only"):
            parts.append("members only")
        if c.get("member_size"):
            parts.append("member-size")
        if c.get("not_yet_signed"):
            parts.append("not yet signed")
        return "; ".join(parts)
