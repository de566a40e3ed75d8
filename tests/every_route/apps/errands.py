# ruff: noqa: E501 - a row of answers reads best on one line
"""The every-route rows of errands: help requests, offers, groups, the poster and the public pages."""

from firstline.accounts.roles import Role
from firstline.areas.models import Area
from firstline.errands import services
from tests.conftest import make_user
from tests.factories.errands import help_request

WEB_PATHS = {
    "web:errands_queue": lambda s: "/errands/",
    "web:errands_new": lambda s: f"/errands/new/?site={s.compound.pk}",
    "web:errands_mine": lambda s: "/errands/mine/",
    "web:errands_groups": lambda s: "/errands/groups/",
    "web:errands_export": lambda s: "/errands/export/",
    "web:errands_request": lambda s: f"/errands/{s.help.pk}/",
    "web:errands_offer": lambda s: f"/errands/offers/{s.help_offer.pk}/",
    "web:errands_poster": lambda s: f"/errands/poster/{s.building.pk}/",
    "web:errands_resident": lambda s: "/help/mine/",
    "web:errands_confirm": lambda s: f"/help/confirm/{s.help_assigned.confirm_token}/",
    "web:errands_public": lambda s: f"/help/{s.compound.public_token}/",
}

WEB_POSTS = {
    "web:errands_new": lambda s: {
        "site": s.compound.pk,
        "household": s.household.pk,
        "category": "documents",
        "urgency": "normal",
        "details": "取户口本",
    },
    "web:errands_groups": lambda s: {"area": s.compound.pk, "name": "新跑腿组", "phone": "13800138000"},
    "web:errands_request": lambda s: {"action": "note", "text": "在路上"},
    "web:errands_offer": lambda s: {"action": "accept"},
    "web:errands_resident": lambda s: {"category": "groceries", "urgency": "normal", "details": "买菜"},
    "web:errands_confirm": lambda s: {"rating": "5"},
    "web:errands_public": lambda s: {
        "code": s.code_payload,
        "category": "groceries",
        "urgency": "normal",
        "details": "买菜",
    },
}

_R = "/api/v1/errands/requests"
API_CALLS = {
    ("GET", _R): lambda s: (_R, None),
    ("POST", _R): lambda s: (
        _R,
        {"household_id": s.household.pk, "category": "documents", "urgency": "normal", "details": "取证件"},
    ),
    ("GET", _R + "/{request_id}"): lambda s: (f"{_R}/{s.help.pk}", None),
    ("POST", _R + "/{request_id}/triage"): lambda s: (
        f"{_R}/{s.help.pk}/triage",
        {"category": "documents", "urgency": "urgent"},
    ),
    ("POST", _R + "/{request_id}/assign"): lambda s: (
        f"{_R}/{s.help.pk}/assign",
        {"group_id": s.help_group.pk},
    ),
    ("POST", _R + "/{request_id}/notes"): lambda s: (f"{_R}/{s.help.pk}/notes", {"text": "在路上"}),
    ("POST", _R + "/{request_id}/done"): lambda s: (f"{_R}/{s.help_assigned.pk}/done", {}),
    ("POST", _R + "/{request_id}/confirm"): lambda s: (f"{_R}/{s.help_assigned.pk}/confirm", {"rating": 5}),
    ("POST", _R + "/{request_id}/cancel"): lambda s: (f"{_R}/{s.help.pk}/cancel", {"reason": "家属已买到"}),
    ("POST", _R + "/{request_id}/offers"): lambda s: (f"{_R}/{s.help.pk}/offers", {"text": "我顺路"}),
    ("POST", "/api/v1/errands/offers/{offer_id}/accept"): lambda s: (
        f"/api/v1/errands/offers/{s.help_offer.pk}/accept",
        {},
    ),
    ("POST", "/api/v1/errands/offers/{offer_id}/decline"): lambda s: (
        f"/api/v1/errands/offers/{s.help_offer.pk}/decline",
        {},
    ),
    ("POST", "/api/v1/errands/offers/{offer_id}/unmatch"): lambda s: (
        f"/api/v1/errands/offers/{s.help_accepted.pk}/unmatch",
        {},
    ),
    ("GET", "/api/v1/errands/groups"): lambda s: ("/api/v1/errands/groups", None),
    ("POST", "/api/v1/errands/groups"): lambda s: (
        "/api/v1/errands/groups",
        {"area_id": s.compound.pk, "name": "新跑腿组"},
    ),
}


def build(side, *, world, staff, tag) -> dict:
    """An open request of the side's door with a neighbour's offer, an assigned one, an accepted
    offer, and an errand group of the compound."""
    neighbour = make_user(f"{tag}_neighbour", Role.RESIDENT, side.neighbour)
    help_ = help_request(staff, side.household, "documents")
    assigned = help_request(staff, side.household, "formula")
    services.request_assign(acting_user=staff, request=assigned, user=staff)
    offer = services.offer_create(acting_user=neighbour, request=help_, text="我有")
    other = help_request(staff, side.household, "documents", details="取身份证")
    accepted = services.offer_create(acting_user=neighbour, request=other, text="我去")
    services.offer_accept(acting_user=staff, offer=accepted)
    group = services.group_create(
        acting_user=staff, area=Area.objects.get(pk=side.compound.pk), name=f"{tag}跑腿组"
    )
    return {
        "help": help_,
        "help_assigned": assigned,
        "help_offer": offer,
        "help_accepted": accepted,
        "help_group": group,
    }


# route: coordinator | staff | leader | volunteer | lab | resident | outsider | anonymous
EXPECTED = {
    "web:errands_confirm GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
    "web:errands_confirm POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
    "web:errands_export GET": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
    "web:errands_export POST": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
    "web:errands_groups GET": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
    "web:errands_groups POST": "302 302 | 302 422 | 404 404 | 404 404 | 404 404 | 404 404 | 422 302 | 302L 302L",
    "web:errands_mine GET": "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 302L 302L",
    "web:errands_mine POST": "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 302L 302L",
    "web:errands_new GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:errands_new POST": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
    "web:errands_offer GET": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 302 404 | 404 302 | 302L 302L",
    "web:errands_offer POST": "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
    "web:errands_poster GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:errands_poster POST": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
    "web:errands_public GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
    "web:errands_public POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
    "web:errands_queue GET": "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 302L 302L",
    "web:errands_queue POST": "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 302L 302L",
    "web:errands_request GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 200 | 302L 302L",
    "web:errands_request POST": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
    "web:errands_resident GET": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 302L 302L",
    "web:errands_resident POST": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 302 302 | 404 404 | 302L 302L",
    "GET /api/v1/errands/groups": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 401 401",
    "GET /api/v1/errands/requests": "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 401 401",
    "GET /api/v1/errands/requests/{request_id}": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 200 | 401 401",
    "POST /api/v1/errands/groups": "201 201 | 201 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 201 | 401 401",
    "POST /api/v1/errands/offers/{offer_id}/accept": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 403 404 | 404 200 | 401 401",
    "POST /api/v1/errands/offers/{offer_id}/decline": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 403 404 | 404 200 | 401 401",
    "POST /api/v1/errands/offers/{offer_id}/unmatch": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 403 404 | 404 200 | 401 401",
    "POST /api/v1/errands/requests": "201 201 | 201 404 | 201 404 | 201 404 | 404 404 | 201 404 | 404 201 | 401 401",
    "POST /api/v1/errands/requests/{request_id}/assign": "200 200 | 200 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 200 | 401 401",
    "POST /api/v1/errands/requests/{request_id}/cancel": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 200 404 | 404 200 | 401 401",
    "POST /api/v1/errands/requests/{request_id}/confirm": "403 403 | 403 404 | 403 404 | 403 404 | 404 404 | 200 404 | 404 403 | 401 401",
    "POST /api/v1/errands/requests/{request_id}/done": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 403 404 | 404 200 | 401 401",
    "POST /api/v1/errands/requests/{request_id}/notes": "201 201 | 201 404 | 201 404 | 201 404 | 404 404 | 403 404 | 404 201 | 401 401",
    "POST /api/v1/errands/requests/{request_id}/offers": "403 403 | 403 404 | 201 404 | 201 404 | 404 404 | 422 404 | 404 403 | 401 401",
    "POST /api/v1/errands/requests/{request_id}/triage": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 403 404 | 404 200 | 401 401",
}
