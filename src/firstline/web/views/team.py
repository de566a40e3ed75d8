"""The team page (who holds which role where, whose sign-in is locked) and the profile page (the
user's own API tokens)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts import selectors as account_selectors
from firstline.accounts import services as account_services
from firstline.accounts.roles import Perm, Role
from firstline.areas.selectors import area_named, areas_grantable
from firstline.web.errors import submit


@login_required
def team(request):
    managed = account_selectors.team_of(user=request.user)
    errors, status, values = {}, 200, {}
    if request.method == "POST":
        values = request.POST
        done = submit(
            lambda: account_services.team_member_add(
                acting_user=request.user,
                area=area_named(
                    user=request.user, pk=values.get("area"), field="area", perm=Perm.USER_MANAGE
                ),
                username=values.get("username", ""),
                password=values.get("password", ""),
                full_name=values.get("full_name", ""),
                role=values.get("role", ""),
                existing=values.get("existing") == "1",
            )
        )
        if done:
            messages.success(request, _("%(user)s now holds the role.") % {"user": values.get("username")})
            return redirect("web:team")
        errors, status = done.errors, done.status
    return render(
        request,
        "web/team/team.html",
        {
            "grants": managed.grants,
            "areas": areas_grantable(user=request.user),
            "roles": Role.choices,
            "errors": errors,
            "values": values,
            "locked": managed.locked,
        },
        status=status,
    )


@login_required
@require_POST
def user_unlock(request, pk: int):
    """Lift the sign-in lock of an account this manager manages (otherwise: not found)."""
    account = account_selectors.locked_account_get(user=request.user, pk=pk)
    account_services.user_unlock(acting_user=request.user, user=account)
    messages.success(request, _("%(user)s can sign in again.") % {"user": account.username})
    return redirect("web:team")


@login_required
@require_POST
def grant_revoke(request, pk: int):
    grant = account_selectors.grant_get(user=request.user, pk=pk)
    account_services.grant_revoke(acting_user=request.user, grant=grant)
    messages.success(request, _("The role was withdrawn."))
    return redirect("web:team")


@login_required
def profile(request):
    new_key, errors = None, {}
    if request.method == "POST":
        done = submit(
            lambda: account_services.api_token_create(
                acting_user=request.user, user=request.user, name=request.POST.get("name", "")
            )
        )
        if done:
            _token, new_key = done.result
        errors = done.errors  # shown on the page, answered 200 as ever (tests/every_route)
    return render(
        request,
        "web/team/profile.html",
        {
            "tokens": account_selectors.api_tokens_of(user=request.user),
            "uses_api": account_selectors.uses_api(user=request.user),
            "grants": account_selectors.grants_of(user=request.user),
            "new_key": new_key,
            "errors": errors,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = account_selectors.api_token_get(user=request.user, pk=pk)
    account_services.api_token_revoke(acting_user=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("web:profile")
