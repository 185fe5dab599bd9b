from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest) -> dict:
    """The site's public address, for links that leave the page (canonical, og:url).

    Never the request's Host: the letter page is cached whatever the Host, and
    a link built from one visitor's Host would be served to everyone.
    """
    return {"site_url": settings.SITE_URL.rstrip("/")}
