"""API authentication: a bearer token for integrations, or the browser's session (with CSRF).

Wrong tokens are counted per client address in the database (`api_token_failure_record`); past the
limit a client gets 429 with Retry-After. A valid token costs no query for that, and is taken even
from a client that is refused wrong ones: tokens are 256 random bits, so the throttle protects the
server, not the tokens, and one misconfigured device must not stop the other desks behind the same
address.
"""

import datetime as dt

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from firstline.accounts.models import ApiToken
from firstline.accounts.services import api_token_failure_record
from firstline.common.client import client_address

# Where a request carries no usable address (a Unix socket with no proxy header), all such clients
# share one count.
UNKNOWN_CLIENT = "0.0.0.0"  # noqa: S104 (a placeholder stored in a count, never bound)


class TooManyWrongTokens(Exception):
    """A client sent more wrong tokens than the limit in the current window."""

    def __init__(self, retry_after: int):
        super().__init__("Too many wrong API tokens from this address.")
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            api_token = ApiToken.objects.select_related("user").get(
                key_hash=ApiToken.hash_key(token), revoked_at__isnull=True
            )
        except ApiToken.DoesNotExist:
            retry_after = api_token_failure_record(client_address=client_address(request) or UNKNOWN_CLIENT)
            if retry_after is not None:
                raise TooManyWrongTokens(retry_after) from None
            return None
        if not api_token.user.is_active:
            return None
        now = timezone.now()
        # A desk sends a scan every few seconds: note the use once a minute, not on every request.
        if api_token.last_used_at is None or now - api_token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser; Ninja checks the CSRF token for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return request.user
        return None
