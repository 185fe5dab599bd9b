"""A mail backend that fails like an unreachable SMTP server, for the failure tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        # Real SMTP errors can quote the recipient: the app must not log this text.
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"no")})
