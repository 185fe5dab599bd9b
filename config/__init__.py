"""The project's configuration: settings, URLs, WSGI, Gunicorn, logging, middleware, error pages."""
