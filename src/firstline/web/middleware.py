"""Middleware of the project's own: no answer with personal data is kept by a browser or a proxy cache."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and no-cache, private) on every page and API answer.

    Nearly every answer names people, doors or test results, and the few that do not (the sign-in
    page, an error) lose nothing by not being cached, so one rule covers all and none is forgotten.
    An answer that set its own Cache-Control keeps it: the service worker script (no personal data,
    `no-cache` so that a new version is picked up). Static files never come through here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
