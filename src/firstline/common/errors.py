"""Errors the domain raises; the interfaces turn them into HTTP answers and form messages."""

from django.core.exceptions import ValidationError


class PermissionDenied(Exception):
    """The acting user may not do this here. Nothing was changed."""

    def __init__(self, message: str = "", *, code: str = "forbidden"):
        super().__init__(message or "You do not have access to this area.")
        self.code = code


class NotFound(Exception):
    """The object does not exist or is outside the acting user's scope (the two are not told apart)."""


class Conflict(Exception):
    """The write would break a rule of the registry (a duplicate, a stale state)."""

    def __init__(self, message: str, *, code: str = "conflict", details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.details = details or {}


__all__ = ["PermissionDenied", "NotFound", "Conflict", "ValidationError"]
