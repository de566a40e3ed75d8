"""API: areas."""

from ninja import Router

router = Router(tags=["areas"])
