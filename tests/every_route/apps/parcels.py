"""Every-route rows of gate parcels: a parcel waiting at the door of each side's household."""

from firstline.parcels import services
from tests.factories.parcels import jpeg, parcel

# route: coordinator | staff | leader | volunteer | lab | resident | outsider | anonymous
# Parcels are handled by staff, leaders and volunteers of the place; a leader of 1号楼 works at P1's
# gate for their own buildings only; a split is planned by staff and the coordinator; the day's export
# is the whole gate's, so a leader of some buildings is refused it. A role without parcels meets 403
# on a write naming a door of its own areas (a resident's own door), 404 elsewhere.
EXPECTED = {
    "web:parcels_photo "
    "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_photo "
    "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_doors "
    "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_doors "
    "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_desk GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_desk "
    "POST": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
    "web:parcels_disinfect "
    "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
    "web:parcels_disinfect "
    "POST": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
    "web:parcels_board "
    "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_board "
    "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_queue "
    "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_queue "
    "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_deliver "
    "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
    "web:parcels_deliver "
    "POST": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
    "web:parcels_return "
    "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
    "web:parcels_return "
    "POST": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
    "web:parcels_split "
    "GET": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_split "
    "POST": "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
    "web:parcels_split_print "
    "GET": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_split_print "
    "POST": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_export "
    "GET": "200 200 | 200 404 | 403 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:parcels_export "
    "POST": "200 200 | 200 404 | 403 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "POST /api/v1/parcels": "201 201 | 201 404 | 201 404 | 201 404 | 404 404 | 404 404 | 404 201 | 401 401",
    "GET /api/v1/parcels": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 401 401",
    "GET /api/v1/parcels/board": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 "
    "| 404 200 | 401 401",
    "POST /api/v1/parcels/disinfect": "200 200 | 200 404 | 200 404 | 200 404 | 403 403 | 403 403 | 404 200 "
    "| 401 401",
    "POST /api/v1/parcels/{parcel_id}/deliver": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 "
    "| 404 200 | 401 401",
    "POST /api/v1/parcels/{parcel_id}/return": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 "
    "| 404 200 | 401 401",
    "GET /api/v1/parcels/queue": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 "
    "| 404 200 | 401 401",
    "POST /api/v1/parcels/split": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 "
    "| 404 200 | 401 401",
}

WEB_PATHS = {
    "web:parcels_photo": lambda s: f"/parcels/{s.parcel_new.pk}/photo/label/",
    "web:parcels_doors": lambda s: (
        f"/parcels/doors/{s.compound.pk}/?door_from=block&door_block={s.building.pk}"
    ),
    "web:parcels_desk": lambda s: f"/parcels/?site={s.compound.pk}",
    "web:parcels_disinfect": lambda s: f"/parcels/disinfect/?site={s.compound.pk}",
    "web:parcels_board": lambda s: f"/parcels/board/?site={s.compound.pk}",
    "web:parcels_queue": lambda s: f"/parcels/queue/?site={s.compound.pk}",
    "web:parcels_deliver": lambda s: f"/parcels/{s.parcel_ready.pk}/deliver/",
    "web:parcels_return": lambda s: f"/parcels/{s.parcel_ready.pk}/return/",
    "web:parcels_split": lambda s: f"/parcels/split/?site={s.compound.pk}",
    "web:parcels_split_print": lambda s: f"/parcels/split/print/?site={s.compound.pk}",
    "web:parcels_export": lambda s: f"/parcels/export/?site={s.compound.pk}",
}

WEB_POSTS = {
    "web:parcels_desk": lambda s: {
        "site": s.compound.pk,
        "household": s.household.pk,
        "description": "1桶20斤的油",
        "count": "1",
        "weight_class": "heavy",
    },
    "web:parcels_disinfect": lambda s: {"site": s.compound.pk, "parcel": [s.parcel_new.pk]},
    "web:parcels_deliver": lambda s: {"code": s.code_payload},
    "web:parcels_return": lambda s: {"reason": "家中无人"},
}

API_CALLS = {
    ("POST", "/api/v1/parcels"): lambda s: (
        "/api/v1/parcels",
        {"household": s.household.pk, "description": "45个蔬菜包", "count": 45},
    ),
    ("GET", "/api/v1/parcels"): lambda s: (f"/api/v1/parcels?site={s.compound.pk}", None),
    ("GET", "/api/v1/parcels/board"): lambda s: (f"/api/v1/parcels/board?site={s.compound.pk}", None),
    ("POST", "/api/v1/parcels/disinfect"): lambda s: (
        "/api/v1/parcels/disinfect",
        {"ids": [s.parcel_new.pk]},
    ),
    ("POST", "/api/v1/parcels/{parcel_id}/deliver"): lambda s: (
        f"/api/v1/parcels/{s.parcel_ready.pk}/deliver",
        {"code": s.code_payload},
    ),
    ("POST", "/api/v1/parcels/{parcel_id}/return"): lambda s: (
        f"/api/v1/parcels/{s.parcel_ready.pk}/return",
        {"reason": "家中无人"},
    ),
    ("GET", "/api/v1/parcels/queue"): lambda s: (f"/api/v1/parcels/queue?site={s.compound.pk}", None),
    ("POST", "/api/v1/parcels/split"): lambda s: (
        "/api/v1/parcels/split",
        {"site": s.compound.pk, "assign": True},
    ),
}


def build(side, *, world, staff, tag) -> dict:
    new = services.parcel_register(
        acting_user=staff, household=side.household, description=f"{tag}面粉", count=1, label_photo=jpeg()
    )
    ready = parcel(acting_user=staff, household=side.household, description=f"{tag}大米", state="deliverable")
    return {"parcel_new": new, "parcel_ready": ready}
