"""What a new worker would otherwise do on its first requests, done as it starts.

gunicorn replaces each worker after about 2,000 requests (config/gunicorn.py). A new
worker imports the views and compiles the URL patterns, the project's templates and
the phone number and e-mail rules the first time a request needs them: its first visitor
waited about 150 ms more for the sign-on form and its first sign-on about 90 ms
more (in-process, on the bench's machine). Here that work is done once, as the
worker loads the app, before it takes a request.

Nothing here touches the database or the cache: a worker must start while they
are still coming up (the health check reports them).
"""

from pathlib import Path

from django.conf import settings
from django.core.validators import validate_email
from django.template.loader import get_template
from django.urls import get_resolver

from signon.forms import parse_phone

# The project's own templates (every page, form and e-mail it renders); Django's
# and the packages' are compiled on first use, as before.
TEMPLATE_SUFFIXES = (".html", ".txt")


def warm_up() -> None:
    # Building the reverse table imports every view module and compiles every pattern.
    get_resolver().reverse_dict  # noqa: B018 -- evaluated for its side effect
    for name in project_templates():
        get_template(name)
    parse_phone("(202) 555-0143")  # the US metadata and its patterns
    # Django compiles its e-mail patterns (Unicode ranges: 50 ms) on first use.
    validate_email("clerk@example.gov")


def project_templates() -> list[str]:
    names = []
    for directory in map(Path, settings.TEMPLATES[0]["DIRS"]):
        names += [
            path.relative_to(directory).as_posix()
            for path in sorted(directory.rglob("*"))
            if path.suffix in TEMPLATE_SUFFIXES
        ]
    return names
