"""A person: details (ID masked), reveal (audited), corrections, vulnerable groups, moving; duplicates."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import Area, AreaKind
from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.common.identity import mask_phone
from firstline.common.paths import ancestor_paths, subtree_q
from firstline.people import selectors, services
from firstline.people.cleaning import parse_date
from firstline.people.models import VulnerabilityTag
from firstline.testing.capture.selectors import person_samples
from firstline.web.views.common import breadcrumbs, error_dict, page_for
from firstline.web.views.households import PERSON_FIELDS, person_form_choices


def _person(request, pk: int):
    try:
        return selectors.person_detail(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _render(request, person, *, errors=None, status=200):
    residences = list(person.residences.all())
    current = next((r for r in residences if r.is_current), None)
    path = (current or residences[0]).household.path if residences else ""
    compound_doors = []
    if current and can(request.user, Perm.LEDGER_EDIT, path):
        compound_path = ancestor_paths(current.household.path)[2]  # street, community, compound
        compound_doors = (
            Area.objects.filter(subtree_q(compound_path), kind=AreaKind.HOUSEHOLD)
            .select_related("parent", "parent__parent").order_by("path")[:3000]
        )
    return render(request, "web/people/detail.html", {
        "person": person,
        "phone_masked": mask_phone(person.phone),
        "residences": residences,
        "current": current,
        "crumbs": breadcrumbs(request.user, current.household) if current else [],
        "can_edit": bool(path) and can(request.user, Perm.LEDGER_EDIT, path),
        "can_reveal": bool(path) and can(request.user, Perm.ID_REVEAL, path) and bool(person.id_masked),
        "doors": compound_doors,
        **person_form_choices(),
        "tags": {v.tag: v for v in person.vulnerabilities.all()},
        # Every swab of the person, newest round first: "was I tested on the 4th?" has one answer.
        "samples": list(person_samples(user=request.user, person=person)[:30]) if path else [],
        "errors": errors or {},
        "today": dt.date.today().isoformat(),  # noqa: DTZ011 (a date for a form default)
    }, status=status)


@login_required
def person_detail(request, pk: int):
    return _render(request, _person(request, pk))


def _write(request, person, write, success: str):
    """Run one service write from the person page: faults go back onto the page, success redirects."""
    try:
        write()
    except PermissionDenied:
        return _render(request, person, errors={"general": [_("You may not edit this person.")]}, status=403)
    except ValidationError as exc:
        return _render(request, person, errors=error_dict(exc), status=422)
    except Conflict as exc:
        return _render(request, person, errors={"id_number": [str(exc)]}, status=409)
    messages.success(request, success)
    return redirect("web:person", pk=person.pk)


@login_required
@require_POST
def person_edit(request, pk: int):
    person = _person(request, pk)
    data = {field: request.POST.get(field, "") for field in PERSON_FIELDS if field in request.POST}
    data.pop("relation", None)
    data.pop("status", None)
    if not data.get("id_number"):
        data.pop("id_number", None)  # the masked number is not sent back: keep the stored one
        data.pop("id_type", None)
    return _write(request, person, lambda: services.person_update(acting_user=request.user, person=person, data=data), _("Saved."))


@login_required
@require_POST
def person_reveal(request, pk: int):
    person = _person(request, pk)
    try:
        number = services.person_reveal_id(acting_user=request.user, person=person, reason=request.POST.get("reason", ""))
    except PermissionDenied:
        return HttpResponse(escape(_("You may not see ID numbers.")), status=403)
    # Shown in place for this answer only; the page itself never holds it.
    return HttpResponse(f'<code class="revealed" data-testid="revealed">{escape(number)}</code>')


@login_required
@require_POST
def person_vulnerabilities(request, pk: int):
    person = _person(request, pk)
    tags = {}
    for tag in request.POST.getlist("vulnerabilities"):
        detail = {}
        if tag == VulnerabilityTag.PREGNANT and request.POST.get("due_date"):
            try:
                detail["due_date"] = parse_date(request.POST["due_date"])
            except ValidationError as exc:
                return _render(request, person, errors={"due_date": exc.messages}, status=422)
        tags[tag] = detail
    return _write(request, person, lambda: services.person_set_vulnerabilities(acting_user=request.user, person=person, tags=tags),
                  _("Saved."))


@login_required
@require_POST
def person_move(request, pk: int):
    person = _person(request, pk)
    try:
        target = Area.objects.get(pk=int(request.POST.get("household") or 0), kind=AreaKind.HOUSEHOLD)
        date = parse_date(request.POST.get("date")) or dt.date.today()  # noqa: DTZ011
    except (Area.DoesNotExist, ValueError, ValidationError):
        return _render(request, person, errors={"household": [_("Choose the new household.")]}, status=422)
    return _write(request, person, lambda: services.residence_move(
        acting_user=request.user, person=person, to_household=target, relation=request.POST.get("relation", "other"),
        status=request.POST.get("status", "resident"), date=date,
    ), _("%(name)s has moved.") % {"name": person.name})


@login_required
@require_POST
def person_leave(request, pk: int):
    person = _person(request, pk)
    try:
        date = parse_date(request.POST.get("date")) or dt.date.today()  # noqa: DTZ011
    except ValidationError as exc:
        return _render(request, person, errors={"date": exc.messages}, status=422)
    return _write(request, person, lambda: services.residence_end(
        acting_user=request.user, person=person, date=date, reason=request.POST.get("reason", "")
    ), _("%(name)s has left the household.") % {"name": person.name})


@login_required
def duplicates(request):
    page_for(request.user, Perm.PERSON_MERGE)
    pairs = list(selectors.duplicates_open(user=request.user)[:100])
    return render(request, "web/people/duplicates.html", {"pairs": pairs})


@login_required
@require_POST
def duplicate_resolve(request, pk: int):
    candidate = selectors.duplicates_open(user=request.user).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "dismiss":
            services.duplicate_dismiss(acting_user=request.user, candidate=candidate)
            messages.success(request, _("Marked as two different people."))
        else:
            keep, merge = (candidate.person, candidate.other) if action == "keep_left" else (candidate.other, candidate.person)
            services.person_merge(acting_user=request.user, keep=keep, merge=merge)
            messages.success(request, _("Merged into %(name)s (#%(pk)d).") % {"name": keep.name, "pk": keep.pk})
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    return redirect("web:duplicates")


