"""The rate limit holds across worker processes: counted in the shared cache.

Two separate gunicorn servers (as two machines behind one balancer would be)
share one Redis (CACHE_URL, the suite's throwaway redis-server); a client
alternating between them is still limited.
"""

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data
from .servers import Browser, gunicorn_server

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rate_limit_holds_across_two_worker_processes_sharing_redis(tmp_path, shared_redis_url):
    env = {
        "HTTPS_ONLY": "false",
        "SIGNON_RATE_LIMITS": "3/10m,20/d",
        "SIGNON_MIN_FILL_SECONDS": "0",
        "CACHE_URL": shared_redis_url,
    }
    with (
        gunicorn_server(tmp_path, env) as one,
        gunicorn_server(tmp_path, env) as two,
    ):
        assert one.process.pid != two.process.pid
        browser = Browser()
        statuses = []
        for server, city in zip(
            [one, two, one, two, one], ["Peoria", "Joliet", "Aurora", "Naperville", "Rockford"],
            strict=True,
        ):  # fmt: skip
            response = browser.post_form(server.url + SIGN_URL, form_data(city=city))
            statuses.append(response.status)
            if response.status == 429:
                assert 1 <= int(response.headers["Retry-After"]) <= 600
        # The form loads (GET) are not counted; the POSTs are, on both servers.
        assert statuses == [302, 302, 302, 429, 429]
        assert sorted(Signature.objects.values_list("city", flat=True)) == [
            "Aurora", "Joliet", "Peoria",
        ]  # fmt: skip
        # Each server saw the limit: both logged a refusal from the same client.
        assert '"rate_limited"' in two.log()
        assert '"rate_limited"' in one.log()
