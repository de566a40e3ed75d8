"""Self-registration pages: the public form behind a compound's QR code, the review queue, code cards."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from firstline.accounts.roles import Perm
from firstline.areas.models import SITE_KINDS, AreaKind
from firstline.areas.selectors import area_get, area_named, compound_by_public_token
from firstline.areas.services import area_public_token_ensure
from firstline.common.client import client_address
from firstline.people.selectors import person_get
from firstline.registration import codes, selectors, services
from firstline.web.errors import submit
from firstline.web.views.common import breadcrumbs
from firstline.web.views.doors import door_picker
from firstline.web.views.households import person_form_choices

MEMBER_ROWS = 2


def _members_from(post) -> list[dict]:
    members = []
    for index in range(services.MAX_MEMBERS + 5):
        prefix = f"m-{index}-"
        values = {
            field: post.get(prefix + field, "").strip()
            for field in services.MEMBER_FIELDS
            if field != "vulnerabilities"
        }
        tags = post.getlist(prefix + "vulnerabilities")
        if tags:
            values["vulnerabilities"] = ",".join(tags)
        if any(v for k, v in values.items() if k not in ("id_type", "relation", "vaccination", "sex")):
            members.append({k: v for k, v in values.items() if v})
    return members


def public_form(request, token: str):
    compound = compound_by_public_token(token=token)
    errors, status, members = {}, 200, []
    if request.method == "POST":
        if request.POST.get("website"):  # the honeypot: people never fill a hidden field
            return render(request, "web/registration/thanks.html", {"compound": compound, "reference": "—"})
        members = _members_from(request.POST)
        try:
            done = submit(
                lambda: services.registration_submit(
                    compound=compound,
                    household=selectors.public_door(compound=compound, pk=request.POST.get("household")),
                    address_text=request.POST.get("address_text", ""),
                    contact_phone=request.POST.get("contact_phone", ""),
                    members=members,
                    submission_key=request.POST.get("submission_key", ""),
                    client_ip=client_address(request),
                )
            )
        except services.RateLimited:
            return render(request, "web/registration/limited.html", {"compound": compound}, status=429)
        if done:
            return render(
                request, "web/registration/thanks.html", {"compound": compound, "reference": done.result.pk}
            )
        errors, status = done.errors, done.status
    rows = max(MEMBER_ROWS, len(members))
    member_rows = [(i, members[i] if i < len(members) else {}) for i in range(rows)]
    return render(
        request,
        "web/registration/public.html",
        {
            "compound": compound,
            "buildings": selectors.public_buildings(compound=compound),
            "errors": errors,
            "values": request.POST,
            "member_rows": member_rows,
            "next_index": rows,
            "submission_key": request.POST.get("submission_key") or secrets.token_urlsafe(24),
            "max_members": services.MAX_MEMBERS,
            **person_form_choices(),
        },
        status=status,
    )


def public_doors(request, token: str):
    building, doors = selectors.public_doors(
        compound=compound_by_public_token(token=token), building_id=request.GET.get("building")
    )
    return render(request, "web/registration/_doors.html", {"doors": doors, "building": building})


@login_required
def poster(request, pk: int):
    # The poster makes the compound's token on first print: a page of those who may edit the compound.
    compound = area_get(user=request.user, pk=pk, kind=SITE_KINDS, perm=Perm.AREA_EDIT)
    token = area_public_token_ensure(acting_user=request.user, compound=compound)
    url = request.build_absolute_uri(reverse("web:registration_public", args=[token]))
    return render(
        request,
        "web/registration/poster.html",
        {"compound": compound, "url": url, "qr": codes.qr_svg(url, scale=8)},
    )


QUEUE_ROWS = 500


@login_required
def queue(request):
    """The review queue: forms within the hourly quota, the ones held past it, and the clients that
    sent many, with one action that rejects checked forms and every form of checked senders."""
    waiting = selectors.review_queue(user=request.user, rows=QUEUE_ROWS)
    errors, status = {}, 200
    if request.method == "POST":
        done = _reject_many(request)
        if done:
            return redirect("web:registration_queue")
        errors, status = done.errors, done.status
    return render(
        request,
        "web/registration/queue.html",
        {
            "pending": waiting.pending,
            "suspect": waiting.suspect,
            "senders": waiting.senders,
            "errors": errors,
            "reason": request.POST.get("reason", ""),
            "max_rows": QUEUE_ROWS,
        },
        status=status,
    )


def _reject_many(request):
    """Reject the checked forms and every waiting form of the checked senders."""
    ids = [int(v) for v in request.POST.getlist("submission") if v.isdigit()]
    senders = [v for v in request.POST.getlist("sender") if v]

    def reject() -> int:
        if not ids and not senders:
            raise ValidationError(_("Check the forms or the senders to reject."))
        return services.registrations_reject_many(
            acting_user=request.user,
            submission_ids=ids,
            senders=senders,
            reason=request.POST.get("reason", ""),
        )

    done = submit(reject)
    if done:
        messages.success(
            request,
            ngettext("%(n)d form rejected.", "%(n)d forms rejected.", done.result) % {"n": done.result},
        )
    return done


@login_required
def review(request, pk: int):
    submission = selectors.registration_get(user=request.user, pk=pk)
    errors, status = {}, 200
    if request.method == "POST" and request.POST.get("action") == "reject":
        done = submit(
            lambda: services.registration_reject(
                acting_user=request.user, submission=submission, reason=request.POST.get("reason", "")
            )
        )
        if done:
            messages.success(request, _("Rejected."))
            return redirect("web:registration_queue")
        errors, status = done.errors, done.status
    elif request.method == "POST":
        corrections = [
            {
                **{
                    field: request.POST.get(f"m-{i}-{field}", "").strip()
                    for field in ("name", "id_type", "id_number", "phone", "relation")
                },
                "drop": request.POST.get(f"m-{i}-drop") == "1",
            }
            for i in range(submission.member_count)
        ]

        def accept():
            household = area_named(
                user=request.user,
                pk=request.POST.get("household"),
                field="household",
                perm=Perm.LEDGER_EDIT,
                kind=AreaKind.HOUSEHOLD,
            )
            return household, services.registration_accept(
                acting_user=request.user, submission=submission, household=household, corrections=corrections
            )

        done = submit(accept)
        if done:
            household, people = done.result
            messages.success(
                request, _("Accepted: %(n)d people registered, their codes are ready.") % {"n": len(people)}
            )
            return redirect("web:household", pk=household.pk)
        errors, status = done.errors, done.status
    return render(
        request,
        "web/registration/review.html",
        {
            "submission": submission,
            "members": selectors.registration_members_masked(user=request.user, submission=submission),
            "pick": door_picker(request, submission.compound, chosen=submission.household_id),
            "errors": errors,
            "crumbs": breadcrumbs(request.user, submission.compound),
            **person_form_choices(),
        },
        status=status,
    )


@login_required
def person_card(request, pk: int):
    # A card makes the person's code on first print: a page of those who may change their household.
    person = person_get(user=request.user, pk=pk, perm=Perm.LEDGER_EDIT, current_only=True)
    code = services.code_issue_for_person(acting_user=request.user, person=person)
    cards = [
        {
            "title": person.name,
            "subtitle": person.id_masked,
            "qr": codes.qr_svg_screen(codes.payload_for(code.code), title=person.name),
        }
    ]
    return render(
        request,
        "web/registration/cards.html",
        {"cards": cards, "back": reverse("web:person", args=[person.pk])},
    )


@login_required
def family_card(request, pk: int):
    household = area_get(user=request.user, pk=pk, kind=AreaKind.HOUSEHOLD, perm=Perm.LEDGER_EDIT)
    code = services.family_code_ensure(acting_user=request.user, household=household)
    cards = []
    if code:
        names = "、".join(p.name for p in code.members.all())
        cards.append(
            {
                "title": _("Family of %(door)s") % {"door": household.door},
                "subtitle": names,
                "qr": codes.qr_svg_screen(codes.payload_for(code.code), title=names),
            }
        )
    return render(
        request,
        "web/registration/cards.html",
        {"cards": cards, "back": reverse("web:household", args=[household.pk])},
    )
