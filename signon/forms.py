"""The public sign-on form: its fields, their cleaning, phone parsing, the anti-abuse checks.

``NameField`` and ``parse_phone`` clean typed names, places and phone numbers for every
form that takes them: the sign-on form, the staff desk and the outreach directory import."""

from functools import cached_property
from typing import ClassVar

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString

from letters.models import Letter
from places import normalize
from places.states import State

from . import abuse, compiled, place_hint
from .contact import conference_contact
from .models import OfficeNote, Signature


class NameField(forms.CharField):
    """A typed name or place, cleaned by normalize.clean_text before the length check."""

    def to_python(self, value):
        return normalize.clean_text(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # No maxlength in the page: a browser cuts pasted text silently at the
        # limit; the server refuses it instead, with a message naming the limit.
        attrs.pop("maxlength", None)
        return attrs


def parse_phone(raw: str) -> tuple[str, str]:
    """A typed phone number as (E.164, extension), or ValidationError (sign-on form and admin)."""
    message = "Enter a phone number we can call, e.g. (202) 555-0143 or +1 202 555 0143 x12."
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, (number.extension or "")[:10]


class StartedInput(forms.HiddenInput):
    """The signed time the form was handed out; a forged or missing one is replaced."""

    def format_value(self, value):
        if value and abuse.seconds_since_started(value) is not None:
            return value
        return abuse.started_token()


class HoneypotInput(forms.TextInput):
    """A text box for scripts only: not a visible field of the form for people."""

    is_hidden = True


class StateSelect(forms.Select):
    """The state picker, rendered once per value and attributes, then reused.

    Its 57 options went through a template each on every form load: about half
    the sign-on form's render. The markup depends only on the name, the value,
    the attributes and the (constant) choices, so it is kept per process.
    """

    _rendered: dict[tuple, str] = {}

    def render(self, name, value, attrs=None, renderer=None):
        key = (
            name, str(value), tuple(sorted({**self.attrs, **(attrs or {})}.items())),
            tuple(self.choices), id(renderer),
        )  # fmt: skip
        html = self._rendered.get(key)
        if html is None:
            if len(self._rendered) > 256:
                self._rendered.clear()
            html = self._rendered[key] = super().render(name, value, attrs, renderer)
        return html

    def __deepcopy__(self, memo):
        # Its choices are the constant list of states: shared, not copied for every form
        # (Django's ChoiceWidget copies and normalizes them again). See StateField.
        return forms.Widget.__deepcopy__(self, memo)


class StateField(forms.ChoiceField):
    """The state or territory: its 57 choices never change, so every form shares them.

    Django deep-copies a ChoiceField's choices, and its widget's, for each form
    instance, in case that form edits them. Nothing edits these; copying them was
    half of building a SignatureForm (0.37 -> 0.18 ms a form)."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


def _hinted(name: str) -> Field:
    """A field laid out label, hint, error, input (GOV.UK's order)."""
    return Field(name, template="signon/hinted_field.html")


def _required(what: str) -> dict:
    return {"required": f"Enter {what}."}


class SignatureForm(forms.ModelForm):
    """The sign-on form, with the client's labels word for word."""

    mayor_first_name = NameField(
        label="Mayor’s First Name", max_length=100,
        error_messages=_required("the mayor’s first name"),
    )  # fmt: skip
    mayor_last_name = NameField(
        label="Mayor’s Last Name", max_length=100,
        error_messages=_required("the mayor’s last name"),
    )  # fmt: skip
    city = NameField(label="City", max_length=100, error_messages=_required("the city"))
    state = StateField(
        label="State",
        choices=[("", "Choose a state or territory"), *State.choices],
        widget=StateSelect,
        error_messages={
            "required": "Choose the state or territory.",
            "invalid_choice": "Choose one of the states or territories in the list.",
        },
    )
    contact_first_name = NameField(
        label="First Name", max_length=100, error_messages=_required("your first name")
    )
    contact_last_name = NameField(
        label="Last Name", max_length=100, error_messages=_required("your last name")
    )
    contact_email = forms.EmailField(
        label="E-Mail Address",
        max_length=254,
        help_text="We will send a confirmation link to this address. Use the city’s address if "
        "you have one.",
        error_messages={
            **_required("your e-mail address"),
            "invalid": "Enter an e-mail address like name@cityname.gov.",
        },
    )
    contact_phone = forms.CharField(
        label="Phone",
        max_length=40,
        help_text="A number where the conference can reach you, "
        "for example (202) 555-0143 ext. 12.",
        error_messages=_required("a phone number"),
    )

    # Anti-abuse (signon/abuse.py): a field hidden from people that scripts
    # fill in, and when the form was handed out. Neither is saved.
    website = forms.CharField(
        label="Leave this field empty", required=False, max_length=200,
        widget=HoneypotInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )  # fmt: skip
    started = forms.CharField(required=False, widget=StartedInput)
    # The number of the text version this page showed: a signature records the
    # words its signer read, and a change since then must be read first.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # "Did you mean …?" was asked for this city (signon/place_hint.py).
    city_checked = place_hint.checked_field()

    class Meta:
        model = Signature
        fields = [
            "mayor_first_name",
            "mayor_last_name",
            "city",
            "state",
            "contact_first_name",
            "contact_last_name",
            "contact_email",
            "contact_phone",
        ]

    # Autofill hints: the mayor's fields are their own section, so a browser
    # does not fill the person typing into the mayor's name.
    AUTOCOMPLETE = {
        "mayor_first_name": "section-mayor given-name",
        "mayor_last_name": "section-mayor family-name",
        "city": "address-level2",
        "state": "address-level1",
        "contact_first_name": "given-name",
        "contact_last_name": "family-name",
        "contact_email": "email",
        "contact_phone": "tel",
    }

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        # Filled in from an invitation (outreach): not the blank form every visitor gets.
        self.prefilled = bool(kwargs.get("initial"))
        # Read with the letter when the view asked for it (``with_current_version``).
        self.current_version = letter.current_version_ref()
        self.fields["version"].initial = self.current_version.number
        for name, hint in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = hint
        self.fields["contact_email"].widget.attrs.pop("maxlength", None)
        self.fields["contact_phone"].widget = forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
        )

    @cached_property
    def helper(self) -> FormHelper:
        """crispy's layout: built only when the fields are rendered (not for a kept blank
        form, nor for a post that is saved)."""
        helper = FormHelper()
        helper.form_tag = False
        # The page writes the CSRF token and the "started" stamp itself: they are
        # the only per-visitor parts of a blank form, so the rest can be kept.
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                "Mayor", *map(_hinted, ["mayor_first_name", "mayor_last_name", "city", "state"])
            ),
            Fieldset(
                "Contact Information",
                HTML(
                    '<p class="form-text signon-fieldset__hint">You, the person we can contact '
                    "about this sign-on. Your details are never published.</p>"
                ),
                *map(
                    _hinted,
                    ["contact_first_name", "contact_last_name", "contact_email", "contact_phone"],
                ),
            ),
            # The hidden attribute keeps it out of sight, of the keyboard and
            # of screen readers; a script filling every input still sees it.
            Div(abuse.HONEYPOT_FIELD, hidden="hidden", aria_hidden="true"),
            Field("version"),
            Field(place_hint.CHECKED_FIELD),
        )
        return helper

    # The blank form's fields per (letter, text version), rendered once per process:
    # crispy's markup was about 9 ms of a 10 ms form load, the same for every visitor.
    _blank_html: ClassVar[dict[tuple[int, int], SafeString]] = {}

    def fields_html(self) -> SafeString:
        """The form's fields and hidden inputs, without the CSRF token and the stamp."""
        if self.is_bound or self.prefilled:
            return render_crispy_form(self)
        key = (self.letter.pk, self.current_version.number)
        html = self._blank_html.get(key)
        if html is None:
            if len(self._blank_html) > 64:
                self._blank_html.clear()
            html = self._blank_html[key] = render_crispy_form(self)
        return html

    def clean_contact_email(self) -> str:
        # Domains are case-insensitive; lower-casing them lets staff match a
        # city's official domain however it was typed.
        local, _, domain = self.cleaned_data["contact_email"].rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean_contact_phone(self) -> str:
        e164, self.instance.contact_phone_extension = parse_phone(
            self.cleaned_data["contact_phone"]
        )
        return e164

    def clean(self):
        cleaned = super().clean()
        started = cleaned.get("started", "")
        if settings.SIGNON_MIN_FILL_SECONDS and abuse.seconds_since_started(started) is None:
            # A page from before a deployment, or a tampered one: the person
            # only has to send it again (the page now carries a fresh stamp).
            self.add_error(None, ValidationError(
                "This form had expired. Please check your entries and select “Sign on” again.",
                code="expired",
            ))  # fmt: skip
        city, state = cleaned.get("city"), cleaned.get("state")
        if city and state:
            key = normalize.office_key(city, state)
            if (written := compiled.office_taken_as(self.letter.pk, key)) is not None:
                self.duplicate_city = written
                self.add_error("city", self.duplicate_error(written, state))
            else:
                place_hint.ask_once(self, city, state)
        return cleaned

    # The city as the signed office wrote it, once the form found it taken.
    duplicate_city: str | None = None

    def duplicate_error(self, city: str, state: str) -> ValidationError:
        # Says nothing of who submitted before: only that the office is taken.
        if not self.letter.is_list_published:
            # Under embargo the public page lists no one, so this answer must
            # not confirm that a city signed: it names no city and points to a
            # person who can check who is asking.
            return ValidationError(
                "This sign-on could not be recorded as it stands: the conference may "
                "already have a submission for this office. Please contact "
                f"{conference_contact(self.letter)}, who can tell you where it stands.",
                code="duplicate",
            )
        return ValidationError(
            f"{city}, {state} is already on this letter or under review, so it cannot be "
            "signed a second time.",
            code="duplicate",
        )

    def shown_version_is_current(self) -> bool:
        """Did the signer's page show the text as it stands now?

        A page without the number (from before this check, or a script) counts
        as not shown: the signer sees the text and confirms.
        """
        shown = self.data.get("version", "")
        return shown.isascii() and shown.isdigit() and int(shown) == self.current_version.number

    def for_current_version(self) -> "SignatureForm":
        """The same entries, now carrying the current version, to be confirmed again."""
        data = self.data.copy()
        data["version"] = str(self.current_version.number)
        return type(self)(data, letter=self.letter)

    def save(self, commit: bool = True) -> Signature:
        self.instance.letter = self.letter
        # The version shown (checked by the view to be the current one).
        self.instance.letter_version_id = self.current_version.id
        return super().save(commit=commit)


class EmailCorrectionForm(forms.Form):
    """The thanks page's "wrong address?": the contact's address, typed again."""

    contact_email = forms.EmailField(
        label="Correct e-mail address",
        max_length=254,
        help_text="We will send a new confirmation link to this address.",
        error_messages={
            "required": "Enter the correct e-mail address.",
            "invalid": "Enter an e-mail address like name@cityname.gov.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = {"autocomplete": "email", "spellcheck": "false", "class": "form-control"}
        self.fields["contact_email"].widget.attrs.update(attrs)
        self.fields["contact_email"].widget.attrs.pop("maxlength", None)

    def clean_contact_email(self) -> str:
        local, _, domain = self.cleaned_data["contact_email"].rpartition("@")
        return f"{local}@{domain.lower()}"


class OfficeNoteForm(forms.ModelForm):
    """The duplicate answer's way forward: a question for staff about the office's sign-on."""

    asker_name = NameField(label="Your name", max_length=200, error_messages=_required("your name"))
    asker_email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="Conference staff will reply to this address.",
        error_messages={
            **_required("your e-mail address"),
            "invalid": "Enter an e-mail address like name@cityname.gov.",
        },
    )
    asker_phone = forms.CharField(
        label="Phone (optional)", max_length=40, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    message = forms.CharField(
        label="Your question",
        max_length=2000,
        help_text="For example: the city has a new mayor, who wants to sign on.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            **_required("your question"),
            "max_length": "Your question must be 2,000 characters or fewer.",
        },
    )

    class Meta:
        model = OfficeNote
        fields = ["asker_name", "asker_email", "asker_phone", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, hint in {"asker_name": "name", "asker_email": "email"}.items():
            self.fields[name].widget.attrs["autocomplete"] = hint
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*map(_hinted, self.fields))

    def clean_asker_phone(self) -> str:
        raw = self.cleaned_data["asker_phone"].strip()
        return parse_phone(raw)[0] if raw else ""
