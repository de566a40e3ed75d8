"""API: survey."""

from ninja import Router

router = Router(tags=["survey"])
