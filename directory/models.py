"""The directory of mayors' offices the conference keeps: who the mayor of each member
city is and how to reach the office. Its contact data (office e-mail, phone) is as
private as a signature's: staff only, never on a public page, export, log or URL."""

from django.db import models

from places import matching
from places.models import Place
from places.normalize import OFFICE_KEY_MAX_LENGTH, office_key
from places.states import State


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
        super().save(*args, **kwargs)

    @property
    def mayor_name(self) -> str:
        return f"{self.mayor_first_name} {self.mayor_last_name}"

    @property
    def domain_list(self) -> list[str]:
        return self.domains.split()

    @property
    def population(self) -> int | None:
        return self.place.population if self.place_id else None
