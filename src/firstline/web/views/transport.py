"""Transport boxes at the sampling point: open a box by scanning its code, scan tubes into it,
count and pack it, and hand it to the transporter. Scanner friendly: every form has one
autofocused input that a barcode scanner fills and submits with Enter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.testing.models import Box
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.transport import selectors as transport_selectors
from firstline.testing.transport import services as transport_services
from firstline.web.errors import submit

# The point a user last opened a box at: preselected next time.
_LAST_POINT = "transport_point"


def tube_codes_of(text: str) -> list[str]:
    """Codes typed or scanned into one field: one per line, or separated by spaces or commas."""
    return [code for code in (text or "").replace(",", " ").replace("，", " ").split() if code]


def counted_of(raw: str, *, required: bool = True) -> int | None:
    """The number of tubes counted by hand, from a form field."""
    text = (raw or "").strip()
    if not text and not required:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValidationError({"counted": _("Give the number of tubes you counted.")}) from None
    if value < 0:
        raise ValidationError({"counted": _("Give the number of tubes you counted.")})
    return value


@login_required
def boxes(request, pk: int):
    """The round's boxes with their hand-offs; open a box at a point."""
    round = rounds_selectors.round_get(user=request.user, pk=pk)
    points = list(
        rounds_selectors.points_for_round(user=request.user, round=round, perm=Perm.TESTING_TRANSPORT)
    )
    errors: dict[str, list[str]] = {}
    status = 200
    chosen = request.POST.get("point") or str(request.session.get(_LAST_POINT, ""))
    if request.method == "POST":
        done = submit(
            lambda: transport_services.box_open_at_point(
                acting_user=request.user,
                round=round,
                code=request.POST.get("code", ""),
                point_id=request.POST.get("point"),
            ),
            conflict_field="code",
        )
        if done:
            request.session[_LAST_POINT] = done.result.point_id
            return redirect("web:testing_box", pk=done.result.pk)
        errors, status = done.errors, done.status
    return render(
        request,
        "web/transport/boxes.html",
        {
            "round": round,
            "boxes": transport_selectors.round_boxes_trail(user=request.user, round=round),
            "points": points,
            "chosen": chosen,
            "errors": errors,
            "code": request.POST.get("code", "") if errors else "",
        },
        status=status,
    )


def _add(request, box: Box):
    return transport_services.box_add_tubes(
        acting_user=request.user, box=box, tube_codes=tube_codes_of(request.POST.get("tubes", ""))
    )


def _remove(request, box: Box) -> None:
    code = request.POST.get("tube", "")
    transport_services.box_remove_tube(acting_user=request.user, box=box, tube_code=code)
    messages.success(
        request, _("Tube %(tube)s was taken out of box %(box)s.") % {"tube": code, "box": box.code}
    )


def _pack(request, box: Box) -> None:
    packed = transport_services.box_pack(
        acting_user=request.user, box=box, counted=counted_of(request.POST.get("counted"))
    )
    messages.success(
        request, _("Box %(box)s is packed with %(n)d tubes.") % {"box": packed.code, "n": packed.tube_count}
    )


def _pick_up(request, box: Box) -> None:
    courier = request.POST.get("courier_name", "")
    transport_services.box_pick_up(
        acting_user=request.user,
        box=box,
        counted=counted_of(request.POST.get("counted"), required=False),
        courier_name=courier,
        courier_phone=request.POST.get("courier_phone", ""),
        require_courier=True,
    )
    messages.success(
        request, _("Box %(box)s was handed to %(courier)s.") % {"box": box.code, "courier": courier.strip()}
    )


# The box page's actions: each makes one write, and says what it did when it was done.
_BOX_ACTIONS = {"add": _add, "remove": _remove, "pack": _pack, "pickup": _pick_up}


@login_required
def box(request, pk: int):
    """One box: scan tubes in, take one out, count and pack, hand it to the courier."""
    box = transport_selectors.box_get(user=request.user, pk=pk)
    errors: dict[str, list[str]] = {}
    status = 200
    scan = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in _BOX_ACTIONS:
            errors, status = {"general": [_("Unknown action.")]}, 400
        else:
            done = submit(lambda: _BOX_ACTIONS[action](request, box))
            if done and action != "add":
                return redirect("web:testing_box", pk=box.pk)
            scan = done.result
            errors, status = done.errors, done.status
        box.refresh_from_db()
    return render(
        request,
        "web/transport/box.html",
        {
            "box": box,
            "tubes": list(transport_selectors.box_tubes(box=box)),
            "events": transport_selectors.box_events(box=box),
            "scan": scan,
            "errors": errors,
            "courier_name": request.POST.get("courier_name", "") if errors else "",
            "courier_phone": request.POST.get("courier_phone", "") if errors else "",
            "can_handle": can(request.user, Perm.TESTING_TRANSPORT, box.area_path),
            "packing": box.status == Box.Status.PACKING,
            "packed": box.status == Box.Status.PACKED,
        },
        status=status,
    )
