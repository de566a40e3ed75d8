"""The distribution operations of the API."""

from ninja import Router

router = Router(tags=["distribution"])
