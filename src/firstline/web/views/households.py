"""A household (a door): its members, former members, visits; adding a member; recording a visit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import AreaKind, RiskStatus
from firstline.areas.selectors import area_effective_risk, area_get
from firstline.common.identity import IdType, mask_phone
from firstline.people import services as people_services
from firstline.people.models import Relation, ResidenceStatus, Sex, Vaccination, VulnerabilityTag
from firstline.people.selectors import household_former_members, household_members
from firstline.survey import services as survey_services
from firstline.survey.models import Channel, Outcome
from firstline.survey.selectors import household_visits
from firstline.web.errors import flash_errors, submit
from firstline.web.views.antigen import household_testing_context
from firstline.web.views.common import breadcrumbs

PERSON_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "phone",
    "birth_date",
    "age",
    "sex",
    "relation",
    "status",
    "vaccination",
    "returned_from",
    "returned_on",
    "note",
)


def person_form_values(post) -> dict:
    """Raw values of the member form, as the service expects them (the service cleans them)."""
    data = {field: post.get(field, "") for field in PERSON_FIELDS if post.get(field, "") != ""}
    tags = []
    for tag in post.getlist("vulnerabilities"):
        tags.append(
            {"tag": tag, "due_date": post.get("due_date") or None}
            if tag == VulnerabilityTag.PREGNANT
            else tag
        )
    if tags:
        data["vulnerabilities"] = tags
    return data


def person_form_choices() -> dict:
    return {
        "id_types": IdType.choices,
        "sexes": Sex.choices,
        "relations": Relation.choices,
        "statuses": ResidenceStatus.choices,
        "vaccinations": Vaccination.choices,
        "tag_choices": VulnerabilityTag.choices,
    }


def _render(request, household, *, errors=None, values=None, status=200):
    crumbs = breadcrumbs(request.user, household)
    members = list(household_members(user=request.user, household=household))
    for residence in members:
        residence.person.phone_masked = mask_phone(residence.person.phone)
    return render(
        request,
        "web/households/detail.html",
        {
            "household": household,
            "crumbs": crumbs,
            "risk": RiskStatus(area_effective_risk(area=household, ancestors=[c["area"] for c in crumbs])),
            "members": members,
            "former": household_former_members(user=request.user, household=household),
            "visits": household_visits(user=request.user, household=household),
            "can_edit": can(request.user, Perm.LEDGER_EDIT, household.path),
            "can_visit": can(request.user, Perm.VISIT_RECORD, household.path),
            "outcomes": Outcome.choices,
            "channels": Channel.choices,
            "errors": errors or {},
            "values": values or {},
            **person_form_choices(),
            # Testing: each resident's state in the open rounds, the antigen form and latest reports.
            **household_testing_context(request, household, members),
        },
        status=status,
    )


@login_required
def household_detail(request, pk: int):
    return _render(request, area_get(user=request.user, pk=pk, kind=AreaKind.HOUSEHOLD))


@login_required
@require_POST
def member_add(request, pk: int):
    household = area_get(user=request.user, pk=pk, kind=AreaKind.HOUSEHOLD)
    data = person_form_values(request.POST)
    done = submit(
        lambda: people_services.person_register(acting_user=request.user, household=household, data=data),
        conflict_field="id_number",
    )
    if not done:
        return _render(request, household, errors=done.errors, values=request.POST, status=done.status)
    messages.success(request, _("%(name)s was added to the household.") % {"name": done.result.name})
    return redirect("web:household", pk=household.pk)


@login_required
@require_POST
def visit_add(request, pk: int):
    household = area_get(user=request.user, pk=pk, kind=AreaKind.HOUSEHOLD)
    done = submit(
        lambda: survey_services.visit_record(
            acting_user=request.user,
            household=household,
            outcome=request.POST.get("outcome", ""),
            channel=request.POST.get("channel", Channel.DOOR),
            note=request.POST.get("note", ""),
        )
    )
    if done:
        messages.success(request, _("The visit was recorded."))
    else:
        flash_errors(request, done.errors)
    if request.headers.get("HX-Request"):
        return render(request, "web/survey/_visit_done.html", {"household": household})
    return redirect("web:household", pk=household.pk)
