"""A new worker does its first requests' one-time work as it starts (config/warmup.py)."""

import importlib

from django.template import engines

from config.warmup import project_templates, warm_up


def test_warm_up_compiles_every_project_template_without_the_database():
    # No django_db mark: any query here fails the test (a worker may start
    # before the database is up).
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    names = project_templates()
    assert "signon/sign.html" in names
    assert "signon/email/receipt.txt" in names
    assert "admin/base_site.html" in names

    warm_up()

    compiled = set(loader.get_template_cache)
    assert set(names) <= compiled
    # Each was compiled, not recorded as missing.
    assert all(hasattr(loader.get_template_cache[name], "render") for name in names)


def test_the_wsgi_entry_point_warms_up_as_it_loads():
    import config.wsgi

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    importlib.reload(config.wsgi)  # what a new gunicorn worker runs
    # Its first sign-on form needs no template compiled any more.
    assert "signon/sign.html" in loader.get_template_cache
