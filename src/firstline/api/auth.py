"""API authentication: a bearer token for integrations, or the browser's session (with CSRF)."""

import datetime as dt

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from firstline.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            api_token = ApiToken.objects.select_related("user").get(
                key_hash=ApiToken.hash_key(token), revoked_at__isnull=True
            )
        except ApiToken.DoesNotExist:
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
