from django.conf import settings

from letters.models import Letter


def conference_contact(letter: Letter) -> str:
    """Who a submitter should write to about this letter, as a phrase."""
    name = letter.questions_contact_name
    email = letter.questions_contact_email or settings.CONFERENCE_CONTACT_EMAIL
    if name and email:
        return f"{name} at {email}"
    return name or email or settings.CONFERENCE_NAME
