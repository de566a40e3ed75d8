"""Personal codes: a random code, signed, printed as a QR card.

The QR payload is "FL1.<code>.<signature>": a scanner checks the signature before any lookup, so
a mistyped or forged code is refused at once, and the code itself says nothing about the person.
"""

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PREFIX = "FL1"


def new_code() -> str:
    return secrets.token_urlsafe(12)


def _signature(code: str) -> str:
    key = hashlib.sha256(("firstline personal code " + settings.SECRET_KEY).encode()).digest()
    digest = hmac.new(key, code.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


def payload_for(code: str) -> str:
    return f"{PREFIX}.{code}.{_signature(code)}"


def code_from_payload(payload: str) -> str:
    """The code inside a scanned payload, or ValidationError if it is not a genuine firstline code."""
    parts = (payload or "").strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        raise ValidationError(_("This is not a firstline personal code."), code="code_format")
    if not hmac.compare_digest(parts[2], _signature(parts[1])):
        raise ValidationError(_("This code is damaged or forged."), code="code_signature")
    return parts[1]


def qr_svg(payload: str, *, scale: int = 4) -> str:
    """The QR code as inline SVG markup."""
    return segno.make(payload, error="m").svg_inline(scale=scale, border=2)


@lru_cache(maxsize=4096)
def qr_svg_screen(payload: str, *, title: str = "") -> str:
    """The QR code as inline SVG for a phone's screen: sized by its container (a viewBox, no width or
    height), on its own white ground with the standard four-module quiet zone, so that a desk's
    scanner reads it off a screen in dark mode too. No style attribute (the Content-Security-Policy).
    Kept once drawn (about 17 ms a code): a code's drawing never changes."""
    return segno.make(payload, error="m").svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr-svg", light="#fff", title=title or None
    )
