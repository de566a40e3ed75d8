"""The parcels operations of the API."""

from ninja import Router

router = Router(tags=["parcels"])
