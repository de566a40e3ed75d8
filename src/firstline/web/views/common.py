"""Small pieces the page views share: turning domain errors into page answers, breadcrumbs."""

from django.core.exceptions import ValidationError
from django.http import Http404

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths
from firstline.areas.models import Area
from firstline.areas.selectors import area_ancestors, area_get
from firstline.common.errors import NotFound


def visible_area(request, pk: int, *, kind: str | None = None, perm: str = Perm.LEDGER_VIEW) -> Area:
    try:
        return area_get(user=request.user, pk=pk, kind=kind, perm=perm)
    except NotFound:
        raise Http404 from None


def page_for(user, perm: str) -> None:
    """A page of lists for one kind of work (the review queue, possible duplicates): not found for
    someone whose roles give them none of that work anywhere, as for an address that does not exist."""
    if not scope_paths(user, perm):
        raise Http404


def breadcrumbs(user, area: Area) -> list[dict]:
    """Ancestors root first; those outside the user's scope are named but not linked."""
    return [
        {"area": a, "link": can(user, Perm.LEDGER_VIEW, a.path)} for a in area_ancestors(area=area)
    ]


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]}, with general messages under 'general'."""
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        if "__all__" in errors:
            errors["general"] = errors.pop("__all__")
        return errors
    return {"general": list(exc.messages)}
