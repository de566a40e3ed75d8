"""Self-registration pages: the public form behind a compound's QR code, the review queue, code cards."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import Area, AreaKind
from firstline.areas.selectors import compound_by_public_token
from firstline.areas.services import area_public_token_ensure
from firstline.common.client import client_address
from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.common.paths import subtree_q
from firstline.people.selectors import household_members, person_get
from firstline.registration import codes, selectors, services
from firstline.registration.models import CodeKind, PersonalCode, SubmissionStatus
from firstline.web.views.common import breadcrumbs, error_dict, page_for, visible_area
from firstline.web.views.households import person_form_choices

MEMBER_ROWS = 2


def _compound(token: str) -> Area:
    try:
        return compound_by_public_token(token=token)
    except NotFound:
        raise Http404 from None


def _members_from(post) -> list[dict]:
    members = []
    for index in range(services.MAX_MEMBERS + 5):
        prefix = f"m-{index}-"
        values = {field: post.get(prefix + field, "").strip() for field in services.MEMBER_FIELDS if field != "vulnerabilities"}
        tags = post.getlist(prefix + "vulnerabilities")
        if tags:
            values["vulnerabilities"] = ",".join(tags)
        if any(v for k, v in values.items() if k not in ("id_type", "relation", "vaccination", "sex")):
            members.append({k: v for k, v in values.items() if v})
    return members


def public_form(request, token: str):
    compound = _compound(token)
    buildings = Area.objects.filter(parent=compound, kind=AreaKind.BUILDING).order_by("sort_key", "path")
    errors, members = {}, []
    if request.method == "POST":
        if request.POST.get("website"):  # the honeypot: people never fill a hidden field
            return render(request, "web/registration/thanks.html", {"compound": compound, "reference": "—"})
        household = None
        if request.POST.get("household"):
            household = Area.objects.filter(pk=request.POST["household"], kind=AreaKind.HOUSEHOLD).first()
        members = _members_from(request.POST)
        try:
            submission = services.registration_submit(
                compound=compound, household=household, address_text=request.POST.get("address_text", ""),
                contact_phone=request.POST.get("contact_phone", ""), members=members,
                submission_key=request.POST.get("submission_key", ""), client_ip=client_address(request),
            )
            return render(request, "web/registration/thanks.html", {"compound": compound, "reference": submission.pk})
        except services.RateLimited:
            return render(request, "web/registration/limited.html", {"compound": compound}, status=429)
        except ValidationError as exc:
            errors = error_dict(exc)
    rows = max(MEMBER_ROWS, len(members))
    member_rows = [(i, members[i] if i < len(members) else {}) for i in range(rows)]
    return render(request, "web/registration/public.html", {
        "compound": compound, "buildings": buildings, "errors": errors, "values": request.POST,
        "member_rows": member_rows, "next_index": rows, "submission_key": request.POST.get("submission_key") or secrets.token_urlsafe(24),
        "max_members": services.MAX_MEMBERS, **person_form_choices(),
    }, status=422 if errors else 200)


def public_doors(request, token: str):
    compound = _compound(token)
    building = Area.objects.filter(pk=request.GET.get("building") or 0, parent=compound, kind=AreaKind.BUILDING).first()
    doors = []
    if building:
        doors = list(Area.objects.filter(subtree_q(building.path), kind=AreaKind.HOUSEHOLD).select_related("parent").order_by("path"))
    return render(request, "web/registration/_doors.html", {"doors": doors, "building": building})


@login_required
def poster(request, pk: int):
    compound = visible_area(request, pk, kind=AreaKind.COMPOUND)
    try:
        token = area_public_token_ensure(acting_user=request.user, compound=compound)
    except PermissionDenied:
        raise Http404 from None
    url = request.build_absolute_uri(reverse("web:registration_public", args=[token]))
    return render(request, "web/registration/poster.html", {"compound": compound, "url": url, "qr": codes.qr_svg(url, scale=8)})


QUEUE_ROWS = 500


@login_required
def queue(request):
    """The review queue: forms within the hourly quota, the ones held past it, and the clients that
    sent many, with one action that rejects checked forms and every form of checked senders."""
    page_for(request.user, Perm.REGISTRATION_REVIEW)
    errors, status = {}, 200
    if request.method == "POST":
        errors = _reject_many(request)
        if not errors:
            return redirect("web:registration_queue")
        status = 422
    waiting = list(selectors.registrations_waiting(user=request.user)[:QUEUE_ROWS])
    senders = selectors.registration_senders(user=request.user)
    counts = {(s.compound_id, s.client_hash): s.waiting for s in senders}
    for submission in waiting:
        submission.sender_waiting = counts.get((submission.compound_id, submission.client_hash), 1)
    return render(request, "web/registration/queue.html", {
        "pending": [s for s in waiting if s.status == SubmissionStatus.PENDING],
        "suspect": [s for s in waiting if s.status == SubmissionStatus.SUSPECT],
        "senders": senders, "errors": errors, "reason": request.POST.get("reason", ""), "max_rows": QUEUE_ROWS,
    }, status=status)


def _reject_many(request) -> dict[str, list[str]]:
    """Reject the checked forms and every waiting form of the checked senders."""
    ids = [int(v) for v in request.POST.getlist("submission") if v.isdigit()]
    senders = [v for v in request.POST.getlist("sender") if v]
    if not ids and not senders:
        return {"general": [_("Check the forms or the senders to reject.")]}
    try:
        rejected = services.registrations_reject_many(
            acting_user=request.user, submission_ids=ids, senders=senders, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        return error_dict(exc)
    messages.success(request, ngettext("%(n)d form rejected.", "%(n)d forms rejected.", rejected) % {"n": rejected})
    return {}


@login_required
def review(request, pk: int):
    try:
        submission = selectors.registration_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reject":
                services.registration_reject(acting_user=request.user, submission=submission, reason=request.POST.get("reason", ""))
                messages.success(request, _("Rejected."))
                return redirect("web:registration_queue")
            household = Area.objects.filter(pk=request.POST.get("household") or 0, kind=AreaKind.HOUSEHOLD).first()
            if household is None:
                raise ValidationError({"household": _("Choose the household.")})
            corrections = [
                {**{field: request.POST.get(f"m-{i}-{field}", "").strip() for field in ("name", "id_type", "id_number", "phone", "relation")},
                 "drop": request.POST.get(f"m-{i}-drop") == "1"}
                for i in range(submission.member_count)
            ]
            people = services.registration_accept(
                acting_user=request.user, submission=submission, household=household, corrections=corrections
            )
            messages.success(request, _("Accepted: %(n)d people registered, their codes are ready.") % {"n": len(people)})
            return redirect("web:household", pk=household.pk)
        except (PermissionDenied, Conflict) as exc:
            errors = {"general": [str(exc)]}
        except ValidationError as exc:
            errors = error_dict(exc)
    doors = Area.objects.filter(subtree_q(submission.compound.path), kind=AreaKind.HOUSEHOLD).select_related("parent", "parent__parent").order_by("path")
    return render(request, "web/registration/review.html", {
        "submission": submission, "members": selectors.registration_members_masked(user=request.user, submission=submission),
        "doors": doors, "errors": errors, "crumbs": breadcrumbs(request.user, submission.compound),
        **person_form_choices(),
    }, status=422 if errors else 200)


@login_required
def person_card(request, pk: int):
    try:
        person = person_get(user=request.user, pk=pk)
        code = services.code_issue_for_person(acting_user=request.user, person=person)
    except (NotFound, PermissionDenied):
        raise Http404 from None
    cards = [{"title": person.name, "subtitle": person.id_masked, "qr": codes.qr_svg(codes.payload_for(code.code))}]
    return render(request, "web/registration/cards.html", {"cards": cards, "back": reverse("web:person", args=[person.pk])})


@login_required
def family_card(request, pk: int):
    household = visible_area(request, pk, kind=AreaKind.HOUSEHOLD)
    if not can(request.user, Perm.LEDGER_EDIT, household.path):
        raise Http404
    members = [r.person for r in household_members(user=request.user, household=household)]
    code = PersonalCode.objects.filter(household=household, kind=CodeKind.FAMILY, revoked_at__isnull=True).first()
    if code is None and members:
        code = services.code_issue_family(acting_user=request.user, household=household, members=members)
    cards = []
    if code:
        names = "、".join(p.name for p in code.members.all())
        cards.append({"title": _("Family of %(door)s") % {"door": household.door}, "subtitle": names,
                      "qr": codes.qr_svg(codes.payload_for(code.code))})
    return render(request, "web/registration/cards.html", {"cards": cards, "back": reverse("web:household", args=[household.pk])})
