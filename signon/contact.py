"""Whom a mayor's office should write to about a letter: its questions contact,
else the conference's address (CONFERENCE_CONTACT_EMAIL)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html

from letters.models import Letter


@dataclass(frozen=True)
class Contact:
    name: str
    email: str

    def __str__(self) -> str:
        """The phrase for plain text (e-mail, form errors): "Laura Waxman at l@…"."""
        if self.name and self.email:
            return f"{self.name} at {self.email}"
        return self.name or self.email or settings.CONFERENCE_NAME

    @property
    def linked(self) -> str:
        """The phrase for a page, its address a link: ``{{ contact.linked }}``."""
        if not self.email:
            return format_html("{}", str(self))
        link = format_html('<a href="mailto:{0}">{0}</a>', self.email)
        return format_html("{} at {}", self.name, link) if self.name else link


def conference_contact(letter: Letter) -> Contact:
    """Who a submitter should write to about this letter."""
    return Contact(
        name=letter.questions_contact_name,
        email=letter.questions_contact_email or settings.CONFERENCE_CONTACT_EMAIL,
    )
