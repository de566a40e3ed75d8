"""Writes on accounts: API tokens, role grants, sign-in locks. Each is audited in its own transaction.

`acting_user=None` stands for the command line (`manage.py api_token`), which runs as the system,
the same way `areas.services.area_create_root` does.
"""

import datetime as dt
import logging
import math
import secrets

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.models import ApiToken, ApiTokenFailure, Grant
from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import forget_grants, require, scope_paths, user_grants
from firstline.accounts.throttle import signin_key
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.paths import is_within

TOKEN_BYTES = 32

log = logging.getLogger(__name__)


def _manages(acting_user, user) -> bool:
    """Whether every grant of `user` lies where `acting_user` may manage users."""
    paths = [path for _role, path in user_grants(user)]
    managed = scope_paths(acting_user, Perm.USER_MANAGE)
    return bool(paths) and all(is_within(path, managed) for path in paths)


@transaction.atomic
def api_token_create(*, acting_user, user, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; returns (token, key). The key is shown once and never stored."""
    if acting_user is not None and acting_user.pk != user.pk:
        raise PermissionDenied(_("People make their own API tokens."), code="api_token.create")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token after what will use it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is longer than 100 characters.")})
    key = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8])
    audit_record(
        actor=acting_user,
        action="api_token.create",
        target=token,
        changes={"user": user.pk, "name": name, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, acting_user, token: ApiToken) -> ApiToken:
    """Revoke a token: by its owner, by whoever manages all of the owner's areas, or by the system."""
    if acting_user is not None and acting_user.pk != token.user_id and not _manages(acting_user, token.user):
        raise PermissionDenied(code="api_token.revoke")
    now = timezone.now()
    # Conditional update: revoking twice keeps the first time and writes one audit row.
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        audit_record(
            actor=acting_user,
            action="api_token.revoke",
            target=token,
            changes={"user": token.user_id, "name": token.name, "prefix": token.prefix},
        )
    token.refresh_from_db(fields=["revoked_at"])
    return token


@transaction.atomic
def grant_create(*, acting_user, user, role: str, area) -> Grant:
    """Give `user` a role on `area` (and its subtree). Needs user management on that area."""
    require(acting_user, Perm.USER_MANAGE, area.path)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    try:
        with transaction.atomic():
            grant = Grant.objects.create(user=user, role=role, area=area, granted_by=acting_user)
    except IntegrityError:
        raise Conflict(_("This person already holds this role here."), code="grant_exists") from None
    forget_grants(user)
    audit_record(
        actor=acting_user,
        action="grant.create",
        target=grant,
        area_path=area.path,
        changes={"user": user.pk, "role": role, "area": area.pk},
    )
    return grant


@transaction.atomic
def grant_revoke(*, acting_user, grant: Grant) -> None:
    require(acting_user, Perm.USER_MANAGE, grant.area.path)
    changes = {"user": grant.user_id, "role": grant.role, "area": grant.area_id}
    area_path = grant.area.path
    grant_pk = grant.pk
    Grant.objects.filter(pk=grant_pk).delete()
    forget_grants(grant.user)
    audit_record(
        actor=acting_user,
        action="grant.revoke",
        target_type="accounts.grant",
        target_id=grant_pk,
        area_path=area_path,
        changes=changes,
    )


@transaction.atomic
def user_create(
    *, acting_user, username: str, password: str, full_name: str, phone: str = "", role: str, area
) -> Grant:
    """A new account with its first grant: how staff sign up a building leader or a volunteer."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    require(acting_user, Perm.USER_MANAGE, area.path)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    username = (username or "").strip()
    errors = {}
    if not username or len(username) > 150:
        errors["username"] = _("Choose a username of 1 to 150 characters.")
    users = get_user_model()
    if username and users.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is taken.")
    try:
        validate_password(password)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    user = users.objects.create_user(
        username=username, password=password, first_name=(full_name or "").strip()[:150]
    )
    grant = Grant.objects.create(user=user, role=role, area=area, granted_by=acting_user)
    audit_record(
        actor=acting_user,
        action="user.create",
        target=user,
        area_path=area.path,
        changes={"username": username, "role": role, "area": area.pk, "phone": phone[:20]},
    )
    return grant


def team_member_add(
    *, acting_user, area, username: str, password: str, full_name: str, role: str, existing: bool
) -> Grant:
    """Give a role on `area`: to the account named `username` if `existing` and there is one, else to
    a new account (the team page's one form for both)."""
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.filter(username=(username or "").strip()).first() if existing else None
    if account is not None:
        return grant_create(acting_user=acting_user, user=account, role=role, area=area)
    return user_create(
        acting_user=acting_user,
        username=username,
        password=password,
        full_name=full_name,
        role=role,
        area=area,
    )


@transaction.atomic
def user_unlock(*, acting_user, user) -> int:
    """Lift the sign-in lock of `user` (too many wrong passwords): their failed sign-ins are forgotten.

    Needs user management on every area of theirs, as revoking their token does. Returns how many
    failures were forgotten; with none, nothing is written. A lock of the whole client address
    (many accounts failing from one network) lifts by itself after AXES_COOLOFF_TIME.
    """
    if acting_user is not None and not _manages(acting_user, user):
        raise PermissionDenied(code="user.unlock")
    attempts = AccessAttempt.objects.filter(username=signin_key(user.get_username()))
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    if not failures:
        return 0
    attempts.delete()
    paths = sorted(path for _role, path in user_grants(user))
    audit_record(
        actor=acting_user,
        action="user.unlock",
        target=user,
        area_path=paths[0] if paths else "",
        changes={"user": user.pk, "failures": failures},
    )
    return failures


def _token_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    size = settings.FIRSTLINE_TOKEN_FAILURE_WINDOW
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    start = epoch + ((now - epoch) // size) * size
    return start, start + size


def api_token_failure_record(*, client_address: str, now: dt.datetime | None = None) -> int | None:
    """Count one wrong API token from `client_address`. Returns None while the client is within
    FIRSTLINE_TOKEN_FAILURE_LIMIT wrong tokens in the current window, else the seconds until the
    window ends (the answer's Retry-After).

    Counted in the database, so that every worker process sees the same count. Windows are fixed
    (of FIRSTLINE_TOKEN_FAILURE_WINDOW): simple, one row per client and window, and a guesser gets
    at most twice the limit across a window's edge. Not audited: a wrong token changes nothing, and
    a guesser would fill the trail; crossing the limit is logged (the address, never the token).
    """
    now = now or timezone.now()
    start, end = _token_window(now)
    limit = settings.FIRSTLINE_TOKEN_FAILURE_LIMIT
    window = ApiTokenFailure.objects.filter(client_address=client_address, window_start=start)
    # Conditional UPDATEs: the failure is counted unless the client is at the limit already.
    if window.filter(failures__lt=limit).update(failures=F("failures") + 1):
        return None
    if not window.exists():
        try:
            with transaction.atomic():
                ApiTokenFailure.objects.create(client_address=client_address, window_start=start, failures=1)
        except IntegrityError:
            # Another process made the row just now: count on it.
            if window.filter(failures__lt=limit).update(failures=F("failures") + 1):
                return None
        else:
            # The client's first wrong token of this window: forget the windows that ended.
            ApiTokenFailure.objects.filter(window_start__lt=start).delete()
            return None
    if window.filter(failures=limit).update(failures=limit + 1):
        log.warning("Too many wrong API tokens from %s: refused until %s.", client_address, end.isoformat())
    return max(1, math.ceil((end - now).total_seconds()))
