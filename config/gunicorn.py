"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi:application`.

Read from the environment like the app's own settings (see the README's table).
"""

import os

# The TLS proxy runs beside the app; a container sets BIND_ADDRESS=0.0.0.0.
bind = f"{os.environ.get('BIND_ADDRESS', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request gets this long before its worker is replaced; the database's
# connect timeout (5 s) and the mail timeout (10 s) sit well inside it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Replace workers now and then, so a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200

# Logs to stdout, one JSON object per request; the URL carries no personal data.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s}'
)

# X-Forwarded-Proto is Django's to judge (TRUSTED_PROXY_HOPS), not gunicorn's:
# gunicorn would otherwise believe it from any local address.
forwarded_allow_ips = ""
# Two instances on one machine would fight over the default socket in ~/.gunicorn.
control_socket_disable = True

# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
