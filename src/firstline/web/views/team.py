"""The team page (who holds which role where, whose sign-in is locked) and the profile page (the
user's own API tokens)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts import selectors as account_selectors
from firstline.accounts import services as account_services
from firstline.accounts.models import ApiToken, Grant
from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import scope_paths
from firstline.areas.models import AreaKind
from firstline.areas.selectors import area_get, areas_visible
from firstline.common.errors import Conflict, NotFound, PermissionDenied

_GRANTABLE_KINDS = [AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.COMPOUND, AreaKind.BUILDING, AreaKind.UNIT]


def _grantable_areas(user):
    return areas_visible(user=user, perm=Perm.USER_MANAGE).filter(kind__in=_GRANTABLE_KINDS).order_by("path")[:2000]


@login_required
def team(request):
    if not scope_paths(request.user, Perm.USER_MANAGE):
        raise Http404
    errors = {}
    values = {}
    if request.method == "POST":
        values = request.POST
        try:
            area = area_get(user=request.user, pk=int(values.get("area") or 0), perm=Perm.USER_MANAGE)
            existing = get_user_model().objects.filter(username=values.get("username", "").strip()).first()
            if existing and values.get("existing") == "1":
                account_services.grant_create(acting_user=request.user, user=existing, role=values.get("role", ""), area=area)
            else:
                account_services.user_create(
                    acting_user=request.user, username=values.get("username", ""), password=values.get("password", ""),
                    full_name=values.get("full_name", ""), role=values.get("role", ""), area=area,
                )
            messages.success(request, _("%(user)s now holds the role.") % {"user": values.get("username")})
            return redirect("web:team")
        except (NotFound, ValueError):
            errors = {"area": [_("Choose an area.")]}
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"general": exc.messages}
            errors["general"] = errors.pop("__all__", errors.get("general", []))
        except (Conflict, PermissionDenied) as exc:
            errors = {"general": [str(exc)]}
    grants = account_selectors.grants_managed_by(user=request.user)
    return render(request, "web/team/team.html", {
        "grants": grants, "areas": _grantable_areas(request.user), "roles": Role.choices,
        "errors": errors, "values": values, "locked": account_selectors.users_locked_out(user=request.user),
    }, status=422 if errors else 200)


@login_required
@require_POST
def user_unlock(request, pk: int):
    """Lift the sign-in lock of an account this manager manages (otherwise: not found)."""
    account = next((a.user for a in account_selectors.users_locked_out(user=request.user) if a.user.pk == pk), None)
    if account is None:
        raise Http404
    account_services.user_unlock(acting_user=request.user, user=account)
    messages.success(request, _("%(user)s can sign in again.") % {"user": account.username})
    return redirect("web:team")


@login_required
@require_POST
def grant_revoke(request, pk: int):
    grant = account_selectors.grants_managed_by(user=request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    account_services.grant_revoke(acting_user=request.user, grant=grant)
    messages.success(request, _("The role was withdrawn."))
    return redirect("web:team")


@login_required
def profile(request):
    new_key = None
    errors = {}
    if request.method == "POST":
        try:
            _token, new_key = account_services.api_token_create(
                acting_user=request.user, user=request.user, name=request.POST.get("name", "")
            )
        except ValidationError as exc:
            errors = exc.message_dict
    return render(request, "web/team/profile.html", {
        "tokens": account_selectors.api_tokens_of(user=request.user),
        "grants": Grant.objects.filter(user=request.user).select_related("area").order_by("area__path"),
        "new_key": new_key, "errors": errors,
    })


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    account_services.api_token_revoke(acting_user=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("web:profile")
