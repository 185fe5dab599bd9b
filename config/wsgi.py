"""WSGI entry point: gunicorn serves ``config.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The work of a worker's first requests, done before it takes one (config/warmup.py).
from config.warmup import warm_up  # noqa: E402 -- needs the app loaded above

warm_up()
