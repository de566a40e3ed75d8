"""The JSON API under /api/v1/: one NinjaAPI, a router per domain, errors mapped once here."""

from django.core.exceptions import ValidationError
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError

from firstline.api.auth import SessionAuth, TokenAuth
from firstline.common.errors import Conflict, NotFound, PermissionDenied

api = NinjaAPI(
    title="firstline API",
    version="1",
    description=(
        "The household ledger, survey visits, imports, self-registration and mass testing of firstline. "
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


_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


@api.exception_handler(SchemaValidationError)
def _invalid_schema(request, exc: SchemaValidationError):
    """Input that does not fit the schema: the same shape as a domain ValidationError.

    Ninja's default answer echoes the rejected input back, which could put an ID number in clear
    into an error; only the field and the message are kept.
    """
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # loc is ("body", <parameter>, field, ...) or ("query", field, ...); list indexes are dropped.
        loc = [part for part in error.get("loc", ()) if isinstance(part, str)]
        if loc and loc[0] == "body" and len(loc) > 2:
            loc = loc[2:]
        elif loc and loc[0] in _SOURCES:
            loc = loc[1:]
        errors.setdefault(loc[0] if loc else "__all__", []).append(str(error.get("msg", "")))
    return api.create_response(request, {"detail": "Invalid input.", "code": "invalid", "errors": errors}, status=422)


def _register_routers() -> None:
    from firstline.api import areas, imports, notices, people, registration, survey, testing

    api.add_router("/areas", areas.router)
    api.add_router("/people", people.router)
    api.add_router("/visits", survey.router)
    api.add_router("/imports", imports.router)
    api.add_router("/registrations", registration.router)
    api.add_router("/testing", testing.router)
    api.add_router("/notices", notices.router)


_register_routers()
