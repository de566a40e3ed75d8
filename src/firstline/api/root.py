"""The JSON API under /api/v1/: one NinjaAPI, a router per domain, errors mapped once here."""

from django.core.exceptions import ValidationError
from ninja import NinjaAPI

from firstline.api.auth import SessionAuth, TokenAuth
from firstline.common.errors import Conflict, NotFound, PermissionDenied

api = NinjaAPI(
    title="firstline API",
    version="1",
    description=(
        "The household ledger, survey visits, imports and self-registration of firstline. "
        "Authenticate with `Authorization: Bearer <token>` (tokens are made on the profile page or "
        "with `manage.py api_token`). ID numbers are masked in every answer; revealing one is a "
        "separate, audited call."
    ),
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc), "code": exc.code}, status=403)


@api.exception_handler(NotFound)
def _not_found(request, exc: NotFound):
    return api.create_response(request, {"detail": "Not found.", "code": "not_found"}, status=404)


@api.exception_handler(Conflict)
def _conflict(request, exc: Conflict):
    return api.create_response(request, {"detail": str(exc), "code": exc.code, **exc.details}, status=409)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return api.create_response(request, {"detail": "Invalid input.", "code": "invalid", "errors": errors}, status=422)


def _register_routers() -> None:
    from firstline.api import areas, imports, people, registration, survey

    api.add_router("/areas", areas.router)
    api.add_router("/people", people.router)
    api.add_router("/visits", survey.router)
    api.add_router("/imports", imports.router)
    api.add_router("/registrations", registration.router)


_register_routers()
