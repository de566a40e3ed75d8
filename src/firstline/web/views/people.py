"""A person: details (ID masked), reveal (audited), corrections, vulnerable groups, moving; duplicates."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.common.identity import mask_phone
from firstline.people import selectors, services
from firstline.people.models import VulnerabilityTag
from firstline.testing.capture.selectors import person_samples
from firstline.web.errors import flash_errors, submit
from firstline.web.views.common import breadcrumbs, form_date
from firstline.web.views.doors import door_picker
from firstline.web.views.households import PERSON_FIELDS, person_form_choices


def _render(request, person, *, errors=None, status=200):
    residences = list(person.residences.all())
    current = next((r for r in residences if r.is_current), None)
    path = (current or residences[0]).household.path if residences else ""
    can_edit = bool(path) and can(request.user, Perm.LEDGER_EDIT, path)
    return render(
        request,
        "web/people/detail.html",
        {
            "person": person,
            "phone_masked": mask_phone(person.phone),
            "residences": residences,
            "current": current,
            "crumbs": breadcrumbs(request.user, current.household) if current else [],
            "can_edit": can_edit,
            "can_reveal": bool(path) and can(request.user, Perm.ID_REVEAL, path) and bool(person.id_masked),
            # Where the person may move to: a door of their compound that the user may edit.
            "pick": door_picker(request, current.household) if current and can_edit else None,
            **person_form_choices(),
            "tags": {v.tag: v for v in person.vulnerabilities.all()},
            # Every swab of the person, newest round first: "was I tested on the 4th?" has one answer.
            "samples": list(person_samples(user=request.user, person=person)[:30]) if path else [],
            "errors": errors or {},
            "today": dt.date.today().isoformat(),  # noqa: DTZ011 (a date for a form default)
        },
        status=status,
    )


@login_required
def person_detail(request, pk: int):
    return _render(request, selectors.person_detail(user=request.user, pk=pk))


def _write(request, person, write, success: str):
    """Run one write from the person page: its errors go back onto the page, success redirects."""
    done = submit(write, conflict_field="id_number")
    if not done:
        return _render(request, person, errors=done.errors, status=done.status)
    messages.success(request, success)
    return redirect("web:person", pk=person.pk)


@login_required
@require_POST
def person_edit(request, pk: int):
    person = selectors.person_detail(user=request.user, pk=pk)
    data = {field: request.POST.get(field, "") for field in PERSON_FIELDS if field in request.POST}
    data.pop("relation", None)
    data.pop("status", None)
    if not data.get("id_number"):
        data.pop("id_number", None)  # the masked number is not sent back: keep the stored one
        data.pop("id_type", None)
    return _write(
        request,
        person,
        lambda: services.person_update(acting_user=request.user, person=person, data=data),
        _("Saved."),
    )


@login_required
@require_POST
def person_phone(request, pk: int):
    """Tap-to-call: the phone in clear (audited) as a tel: link, in place of the masked one."""
    person = selectors.person_get(user=request.user, pk=pk)
    done = submit(
        lambda: services.person_reveal_phone(
            acting_user=request.user, person=person, reason=request.POST.get("reason") or "call list"
        ),
        refused="general",
    )
    return render(
        request,
        "web/people/_phone.html",
        {"person": person, "phone": done.result if done else "", "errors": done.errors},
        status=done.status,
    )


@login_required
@require_POST
def person_reveal(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    number = services.person_reveal_id(
        acting_user=request.user, person=person, reason=request.POST.get("reason", "")
    )
    # Shown in place for this answer only; the page itself never holds it.
    return HttpResponse(f'<code class="revealed" data-testid="revealed">{escape(number)}</code>')


@login_required
@require_POST
def person_vulnerabilities(request, pk: int):
    person = selectors.person_detail(user=request.user, pk=pk)

    def needs() -> dict:
        tags = {}
        for tag in request.POST.getlist("vulnerabilities"):
            detail = {}
            if tag == VulnerabilityTag.PREGNANT and request.POST.get("due_date"):
                detail["due_date"] = form_date(request.POST["due_date"], field="due_date")
            tags[tag] = detail
        return tags

    return _write(
        request,
        person,
        lambda: services.person_set_vulnerabilities(acting_user=request.user, person=person, tags=needs()),
        _("Saved."),
    )


@login_required
@require_POST
def person_move(request, pk: int):
    person = selectors.person_detail(user=request.user, pk=pk)
    return _write(
        request,
        person,
        lambda: services.residence_move_to(
            acting_user=request.user,
            person=person,
            household_id=request.POST.get("household"),
            relation=request.POST.get("relation", "other"),
            status=request.POST.get("status", "resident"),
            date=form_date(request.POST.get("date")),
        ),
        _("%(name)s has moved.") % {"name": person.name},
    )


@login_required
@require_POST
def person_leave(request, pk: int):
    person = selectors.person_detail(user=request.user, pk=pk)
    return _write(
        request,
        person,
        lambda: services.residence_end(
            acting_user=request.user,
            person=person,
            date=form_date(request.POST.get("date")),
            reason=request.POST.get("reason", ""),
        ),
        _("%(name)s has left the household.") % {"name": person.name},
    )


DUPLICATE_ROWS = 50


@login_required
def duplicates(request):
    """A page of 50 open pairs, newest first; no count of them all: a next page exists when one more
    pair does."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    rows = DUPLICATE_ROWS
    pairs = list(selectors.duplicate_queue(user=request.user)[(number - 1) * rows : number * rows + 1])
    return render(
        request,
        "web/people/duplicates.html",
        {"pairs": pairs[:rows], "number": number, "has_next": len(pairs) > rows},
    )


@login_required
@require_POST
def duplicate_resolve(request, pk: int):
    candidate = selectors.duplicate_get(user=request.user, pk=pk)
    action = request.POST.get("action")
    if action == "dismiss":
        done = submit(lambda: services.duplicate_dismiss(acting_user=request.user, candidate=candidate))
        success = _("Marked as two different people.")
    else:
        keep, merge = (
            (candidate.person, candidate.other)
            if action == "keep_left"
            else (candidate.other, candidate.person)
        )
        done = submit(lambda: services.person_merge(acting_user=request.user, keep=keep, merge=merge))
        success = _("Merged into %(name)s (#%(pk)d).") % {"name": keep.name, "pk": keep.pk}
    if done:
        messages.success(request, success)
    else:
        flash_errors(request, done.errors)
    return redirect("web:duplicates")
