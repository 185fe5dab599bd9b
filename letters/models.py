from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .rendering import render_markdown


class LetterQuerySet(models.QuerySet):
    def public(self):
        """Letters the public may read: open or closed, never drafts."""
        return self.exclude(status=Letter.Status.DRAFT)


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for signatures"
        CLOSED = "closed", "Closed"

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
        null=True, blank=True, help_text="After this moment the form no longer accepts signatures."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]), name="letter_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("signon:letter", kwargs={"slug": self.slug})

    @property
    def is_accepting_signatures(self) -> bool:
        """Open, and its deadline (if any) not yet passed."""
        if self.status != self.Status.OPEN:
            return False
        return self.deadline is None or timezone.now() < self.deadline

    def body_html(self):
        return render_markdown(self.body)

    def closing_html(self):
        return render_markdown(self.closing)
