"""Structured logs: one JSON object per line, contact details masked.

Nothing in the app logs a contact's e-mail address or phone number on purpose;
the filter is the safety net for what a library or an exception message might
carry (a database error quoting a row, a mail server refusing an address).
"""

import json
import logging
import re

_EMAIL = re.compile(r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-\"]+)@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
# E.164 (+12025550143) or the North American ways of writing a number
# ((202) 555-0143, 202.555.0143, 1-202-555-0143); dates and times do not match.
_PHONE = re.compile(
    r"\+\d{7,15}(?!\d)"
    r"|(?<![\d\w])(?:1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}(?!\d)"
)


def mask(text: str) -> str:
    """Hide e-mail local parts and all but the last two digits of phone numbers."""
    text = _EMAIL.sub(lambda m: f"{m[1][:1]}***@{m[2]}", text)
    return _PHONE.sub(lambda m: "***" + re.sub(r"\D", "", m[0])[-2:], text)


class MaskContactDetails(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = mask(message), None
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


# Attributes every LogRecord has; anything else was passed with extra={...}.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = mask(str(value)) if not isinstance(value, int | float) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
