"""The capture pages of mass testing: the registration desk (a barcode scanner or the phone's
camera) and door-to-door capture, both working with no network.

These views only read. Every scan is made in the browser (`static/firstline/capture.js` and the
modules of `static/firstline/capture/`): it gets its id there, is kept in IndexedDB, and is sent to
the scan API (`POST /api/v1/testing/rounds/{id}/scans/batch`), which stores each scan once by that
id (ADR 0005). A page carries the round's pooling and refusal rules as the server describes them
(`testing.rounds.rules.capture_rules`), so that it decides with no network as the server would. The
service worker served here (`sw.js`) keeps the capture pages and their assets so that a page
reloads with no network.
"""

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape, json_script
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from firstline.accounts.roles import Perm
from firstline.areas.models import BLOCK_KINDS, Area
from firstline.areas.selectors import area_get
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.models import Round, RoundStatus
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.rounds.rules import capture_rules
from firstline.testing.states import PersonState, ScanStatus

# The files a capture page needs, kept by the service worker for offline reloads: the entry script
# and every module it imports (a module missing here is a blank page offline; a test follows the
# imports and compares).
CAPTURE_MODULES = (
    "camera.js",
    "desk.js",
    "door.js",
    "feedback.js",
    "list.js",
    "offline.js",
    "page.js",
    "queue.js",
    "rules.js",
    "tube.js",
)
# The barcode decoder for browsers without BarcodeDetector (@zxing/library, vendored, loaded on demand).
DECODER = "firstline/vendor/zxing/zxing.min.js"
CAPTURE_ASSETS = (
    "firstline/firstline.css",
    "firstline/htmx.min.js",
    "firstline/firstline.js",
    "firstline/capture.css",
    "firstline/capture.js",
    *(f"firstline/capture/{name}" for name in CAPTURE_MODULES),
)
# Kept by the service worker once fetched (not at install: 360 KB a phone with BarcodeDetector never needs).
CAPTURE_LAZY_ASSETS = (DECODER,)


def _round(request, pk: int) -> Round:
    return rounds_selectors.round_get(user=request.user, pk=pk, perm=Perm.TESTING_SAMPLE)


def _state_labels() -> dict[str, str]:
    """The short words of the door-to-door buttons, for the script (`PersonState.short_label`)."""
    return {state.value: str(state.short_label) for state in PersonState}


def _js_messages() -> dict[str, str]:
    """What capture.js says, translated here (placeholders are %(name)s, filled in by the script)."""
    return {
        "online": _("Online"),
        "offline": _("Offline: scans are kept on this device"),
        "waiting": _("waiting to upload"),
        "retry": _("Upload failed; trying again in %(s)s s"),
        "sign_in": _("Sign in again to upload: the scans stay on this device."),
        "not_visible": _("The server does not let you register in this round any more."),
        "other_user": _(
            "%(n)s scans made by another account wait on this device: that account must sign in to upload "
            "them."
        ),
        "no_storage": _("This browser cannot keep scans offline: stay online until they are uploaded."),
        "ready_offline": _("Ready to work offline"),
        "state_pending": _("Waiting to upload"),
        "state_stored": str(ScanStatus.STORED.label),
        "state_duplicate": str(ScanStatus.DUPLICATE.label),
        "state_refused": str(ScanStatus.REFUSED.label),
        "state_conflict": str(ScanStatus.CONFLICT.label),
        "state_resent": _("Sent again as a new scan"),
        "send_again": _("Send again as a new scan"),
        "state_local": _("Not sent"),
        "personal_code": _("Personal or family code"),
        "id_number": _("ID number %(id)s"),
        "picked": _("%(name)s (from the list)"),
        "close_scan": _("Close tube %(tube)s"),
        "no_tube": _("Scan a tube to start"),
        "scan_tube_first": _("Scan a tube first, then the people."),
        "tube_open": _("Tube %(tube)s is open."),
        "tube_of": _("%(n)s of %(cap)s"),
        "places_left": _("%(n)s places left"),
        "tube_full": _("Tube %(tube)s is full. Scan a new tube."),
        "tube_closed": _("Tube %(tube)s is closed. Scan a new tube."),
        "tube_used": _("Tube %(tube)s was already used on this device. Take a new tube."),
        "same_tube": _("Tube %(tube)s is already the open tube."),
        "confirm_switch": _(
            "Tube %(tube)s has %(n)s of %(cap)s. Scan %(new)s again to close %(tube)s and start %(new)s."
        ),
        "switched": _("Tube %(old)s closed; tube %(tube)s is open."),
        "close_confirm": _("Tap again to close tube %(tube)s"),
        "closed_now": _("Tube %(tube)s closed with %(n)s."),
        "not_a_code": _(
            "'%(text)s' is not a tube code (%(rule)s), nor a personal or family code, nor an ID number."
        ),
        "tube_other_round": _("Tube code %(tube)s was already used in another round. Take a new tube."),
        "tube_boxed": _("Tube %(tube)s is closed and packed in box %(box)s (%(n)s people). Take a new tube."),
        "tube_picked_up": _("It already holds %(n)s of %(cap)s (filled on another device)."),
        "tube_local": _("Offline: count from this phone only"),
        "confirm_in": _("In tube %(tube)s"),
        "scanned_twice": _("Already scanned on this device at %(time)s (tube %(tube)s)."),
        "send_anyway": _("Send anyway"),
        "out_of_scope": _("lives outside this round's areas (flagged)"),
        "camera_no_permission": _("The camera could not be opened: %(error)s"),
        "camera_reading": _("Reading the code in the photo…"),
        "photo_no_code": _("No code found in the photo: take it again, closer and sharp."),
        "search_offline": _(
            "Searching needs the network. Type the ID number into the scan box: it is kept and uploaded "
            "later."
        ),
    }


def _config(
    request, round: Round, *, mode: str, context: str, capacity: int, per_household: bool, **extra
) -> dict:
    return {
        "mode": mode,
        "context": context,
        "round_id": round.pk,
        "round_open": round.status == RoundStatus.OPEN,
        "user_id": request.user.pk,
        "batch_url": reverse("api:scan_batch", kwargs={"round_id": round.pk}),
        "find_url": reverse("web:testing_find", kwargs={"pk": round.pk}),
        "tube_url": reverse("web:testing_tube", kwargs={"pk": round.pk}),
        "decoder_url": static(DECODER),
        "sw_url": reverse("web:testing_sw"),
        "sw_scope": reverse("web:testing_sw").rsplit("/", 1)[0] + "/",
        "capacity": capacity,
        "per_household": per_household,
        "messages": _js_messages(),
        "state_labels": _state_labels(),
        **extra,
    }


@login_required
@never_cache
def desk(request, pk: int):
    round = _round(request, pk)
    raw_point = request.GET.get("point", "")
    if not raw_point:
        return render(
            request,
            "web/capture/desk_points.html",
            {
                "round": round,
                "points": [
                    (p, range(1, p.desks + 1))
                    for p in capture_selectors.desk_points(user=request.user, round=round)
                ],
                "door_to_door": capture_selectors.samples_door_to_door(user=request.user, round=round),
            },
        )
    point = capture_selectors.desk_point_get(user=request.user, round=round, pk=raw_point)
    try:
        desk_no = int(request.GET.get("desk") or 1)
    except ValueError:
        desk_no = 0
    if not 1 <= desk_no <= point.desks:
        return redirect(reverse("web:testing_desk", kwargs={"pk": round.pk}))
    rules = capture_rules(round=round, place_path=point.compound.path, households={})
    pooling = rules["default"]
    config = _config(
        request,
        round,
        mode="desk",
        context=f"desk:{point.pk}:{desk_no}",
        capacity=pooling["capacity"],
        per_household=pooling["per_household"],
        point_id=point.pk,
        desk=desk_no,
    )
    return render(
        request,
        "web/capture/desk.html",
        {
            "round": round,
            "point": point,
            "desk": desk_no,
            "pooling": pooling,
            "config": config,
            "rules": rules,
        },
    )


@login_required
@never_cache
def door_buildings(request, pk: int):
    round = _round(request, pk)
    buildings = capture_selectors.door_to_door_buildings(user=request.user, round=round)
    return render(
        request,
        "web/capture/door_buildings.html",
        {
            "round": round,
            "buildings": buildings,
            "config": _config(
                request, round, mode="buildings", context="door", capacity=0, per_household=False
            ),
            # Kept by the service worker at once, so that a leader can walk into a stairwell with no signal.
            "offline_urls": [
                url + suffix
                for row in buildings[:30]
                for url in [
                    reverse("web:testing_door", kwargs={"pk": round.pk, "building_pk": row.building.pk})
                ]
                for suffix in ("", "?everyone=1")
            ],
        },
    )


# The fields of a door and of a person in the door page's data, in order: the page holds a building of
# hundreds of people as short arrays (capture/page.js expands them), not as markup, so that the page
# stays small and still works with no network once loaded.
DOOR_FIELDS = (
    *("id", "label", "floor", "door", "well", "risk", "sealed", "capacity", "per_household", "people"),
)
PERSON_FIELDS = ("id", "name", "age", "state", "tube", "flags")
IMMOBILE, TO_SAMPLE = 1, 2  # the bits of a person's flags


def _door_data(plan, building: Area) -> dict:
    """The building's doors as the page's script reads them (embedded compactly, DOOR_FIELDS and
    PERSON_FIELDS): its stairwells' headings, each door bottom up, each person with their state."""
    wells, doors = [], []
    for well in plan.stairwells:
        if not well.floors:
            continue
        if well.area.pk != building.pk:
            heading = well.area.name
        else:
            heading = str(_("Houses in no group")) if building.kind == "village" else ""
        wells.append(heading)
        for floor, floor_doors in well.floors:
            for door in floor_doors:
                doors.append(
                    [
                        door.household.pk,
                        door.label,
                        floor,
                        door.household.door,
                        len(wells) - 1,
                        door.risk,
                        int(door.sealed),
                        door.capacity,
                        int(door.per_household),
                        [
                            [
                                p.person_id,
                                p.name,
                                p.age,
                                p.state,
                                p.tube,
                                (IMMOBILE if p.immobile else 0) | (TO_SAMPLE if p.to_sample else 0),
                            ]
                            for p in door.people
                        ],
                    ]
                )
    return {
        "building": {"id": building.pk, "name": building.name},
        "wells": wells,
        "door_fields": DOOR_FIELDS,
        "person_fields": PERSON_FIELDS,
        "doors": doors,
    }


class _CompactJSON(DjangoJSONEncoder):
    """JSON without spaces and with Chinese as itself (three bytes a character, not six)."""

    def __init__(self, *args, **kwargs):
        kwargs.update(ensure_ascii=False, separators=(",", ":"))
        super().__init__(*args, **kwargs)


def _door_messages() -> dict[str, str]:
    """The words the door page's script writes on each door and person (door.js)."""
    return {
        "floor": _("%(floor)sF"),
        "sealed": _("Sealed"),
        "aged": _("aged %(age)s"),
        "immobile": _("Cannot come down"),
        # The rule each door's people are swabbed by, as the server applies it (capture_rules).
        "door_single": _("one person to a tube"),
        "door_sealed_single": _("sealed: one person to a tube"),
        "door_pooled": _("%(n)s to a tube"),
        "door_household": _("one tube per household"),
        "door_resample_only": _("re-sample: one person to a tube"),
        "door_resample_too": _("re-samples alone"),
    }


@login_required
@never_cache
def door(request, pk: int, building_pk: int):
    round = _round(request, pk)
    building = area_get(user=request.user, pk=building_pk, kind=BLOCK_KINDS, perm=Perm.TESTING_SAMPLE)
    everyone = request.GET.get("everyone") == "1"
    plan = capture_selectors.door_to_door_list(
        user=request.user, round=round, building=building, everyone=everyone
    )
    rules = capture_rules(
        round=round,
        place_path=building.path,
        households={door.household.pk: door.household.path for door in plan.doors},
    )
    data = _door_data(plan, building)
    config = _config(
        request,
        round,
        mode="door",
        context="door",
        capacity=rules["default"]["capacity"],
        per_household=rules["default"]["per_household"],
        building_id=building.pk,
        door_messages=_door_messages(),
    )
    return render(
        request,
        "web/capture/door.html",
        {
            "round": round,
            "building": building,
            "everyone": everyone,
            "config": config,
            "has_doors": bool(data["doors"]),
            "doors_json": json_script(data, "capture-doors", encoder=_CompactJSON),
            "rules_json": json_script(rules, "capture-rules", encoder=_CompactJSON),
            "config_json": json_script(config, "capture-config", encoder=_CompactJSON),
            "owed": sum(1 for d in data["doors"] for p in d[-1] if p[-1] & TO_SAMPLE),
        },
    )


@login_required
@require_POST
def find_person(request, pk: int):
    """The fallback finder (htmx): people by ID number, name or door, each with a button that puts
    them in the current tube. Posted: an ID number never goes into an address (a log line)."""
    round = _round(request, pk)
    query = request.POST.get("q", "").strip()[:60]
    kind, found = (
        capture_selectors.capture_person_search(user=request.user, round=round, query=query)
        if query
        else ("empty", [])
    )
    return render(
        request,
        "web/capture/_found.html",
        {
            "query": query,
            "kind": kind,
            "takeable": (PersonState.MISSING, PersonState.RESAMPLE),
            "found": [
                {
                    "person": f.person,
                    "door": f.door,
                    "state": f.state,
                    "tube": f.tube,
                    "in_round": f.in_round,
                    "label": f.state.short_label,
                }
                for f in found
            ],
        },
    )


@login_required
@require_POST
def tube_state(request, pk: int):
    """A tube code the page scanned, as the server knows it (JSON, `capture.selectors.desk_tube`):
    the page asks on every tube scan, so that a tube picked up on a second phone shows its real
    count and a closed, boxed or used tube is refused before anyone is swabbed into it. Posted: a
    mistyped ID number must not land in an address. Text that is no tube code is told with the rule."""
    round = _round(request, pk)
    tube = capture_selectors.desk_tube(user=request.user, round=round, code=request.POST.get("code", "")[:80])
    return JsonResponse({"tube": tube.as_json()})


@require_GET
def service_worker(request):
    """The service worker of the capture pages (scope /testing/): network first, the cache when
    there is no network. It holds no data of its own; it is public like the static files."""
    texts = {
        "title": _("No network"),
        "body": _("This page was not kept on this device. The scans you made are kept and will be uploaded."),
        "retry": _("Try again"),
    }
    body = render_to_string(
        "web/capture/sw.js",
        {
            "version": _asset_version(),
            "assets_json": json.dumps([static(name) for name in CAPTURE_ASSETS]),
            "lazy_assets_json": json.dumps([static(name) for name in CAPTURE_LAZY_ASSETS]),
            # Escaped for HTML: the worker writes them into its offline page.
            "texts_json": json.dumps({key: escape(text) for key, text in texts.items()}, ensure_ascii=False),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _asset_version() -> str:
    """Changes when an asset changes, so that a new worker replaces the old cache."""
    digest = hashlib.sha256()
    for name in (*CAPTURE_ASSETS, *CAPTURE_LAZY_ASSETS):
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]
