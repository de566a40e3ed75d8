"""Transport boxes at the sampling point: open a box by scanning its code, scan tubes into it,
count and pack it, and hand it to the transporter. Scanner friendly: every form has one
autofocused input that a barcode scanner fills and submits with Enter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.testing.models import Box
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.transport import selectors as transport_selectors
from firstline.testing.transport import services as transport_services
from firstline.web.views.common import error_dict

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
    try:
        round = rounds_selectors.round_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    points = list(rounds_selectors.points_for_round(user=request.user, round=round, perm=Perm.TESTING_TRANSPORT))
    errors: dict[str, list[str]] = {}
    status = 200
    chosen = request.POST.get("point") or str(request.session.get(_LAST_POINT, ""))
    if request.method == "POST":
        point = next((p for p in points if str(p.pk) == request.POST.get("point")), None)
        try:
            if not points:
                raise PermissionDenied(code=Perm.TESTING_TRANSPORT)
            if point is None:
                raise ValidationError({"point": _("Choose the sampling point where the box is packed.")})
            box = transport_services.box_open(acting_user=request.user, round=round, code=request.POST.get("code", ""), point=point)
            request.session[_LAST_POINT] = point.pk
            return redirect("web:testing_box", pk=box.pk)
        except PermissionDenied:
            errors, status = {"general": [_("You may not pack boxes here.")]}, 403
        except ValidationError as exc:
            errors, status = error_dict(exc), 422
        except Conflict as exc:
            errors, status = {"code": [str(exc)]}, 409
    return render(request, "web/transport/boxes.html", {
        "round": round,
        "boxes": transport_selectors.round_boxes_trail(user=request.user, round=round),
        "points": points,
        "chosen": chosen,
        "errors": errors,
        "code": request.POST.get("code", "") if errors else "",
    }, status=status)


@login_required
def box(request, pk: int):
    """One box: scan tubes in, take one out, count and pack, picked up."""
    try:
        box = transport_selectors.box_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    errors: dict[str, list[str]] = {}
    status = 200
    scan = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                scan = transport_services.box_add_tubes(acting_user=request.user, box=box, tube_codes=tube_codes_of(request.POST.get("tubes", "")))
            elif action == "remove":
                code = request.POST.get("tube", "")
                transport_services.box_remove_tube(acting_user=request.user, box=box, tube_code=code)
                messages.success(request, _("Tube %(tube)s was taken out of box %(box)s.") % {"tube": code, "box": box.code})
                return redirect("web:testing_box", pk=box.pk)
            elif action == "pack":
                packed = transport_services.box_pack(acting_user=request.user, box=box, counted=counted_of(request.POST.get("counted")))
                messages.success(request, _("Box %(box)s is packed with %(n)d tubes.") % {"box": packed.code, "n": packed.tube_count})
                return redirect("web:testing_box", pk=box.pk)
            elif action == "pickup":
                transport_services.box_pick_up(acting_user=request.user, box=box,
                                      counted=counted_of(request.POST.get("counted"), required=False))
                messages.success(request, _("Box %(box)s was picked up.") % {"box": box.code})
                return redirect("web:testing_box", pk=box.pk)
            else:
                errors, status = {"general": [_("Unknown action.")]}, 400
        except PermissionDenied:
            errors, status = {"general": [_("You may not pack or hand off this box.")]}, 403
        except ValidationError as exc:
            errors, status = error_dict(exc), 422
        except Conflict as exc:
            errors, status = {"general": [str(exc)]}, 409
        box.refresh_from_db()
    return render(request, "web/transport/box.html", {
        "box": box,
        "tubes": list(transport_selectors.box_tubes(box=box)),
        "events": transport_selectors.box_events(box=box),
        "scan": scan,
        "errors": errors,
        "can_handle": can(request.user, Perm.TESTING_TRANSPORT, box.area_path),
        "packing": box.status == Box.Status.PACKING,
        "packed": box.status == Box.Status.PACKED,
    }, status=status)
