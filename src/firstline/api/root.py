"""The JSON API under /api/v1/: one NinjaAPI, a router per domain, errors mapped once here."""

import logging
import traceback

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError

from firstline.api.auth import SessionAuth, TokenAuth, TooManyWrongTokens
from firstline.api.messages import schema_errors
from firstline.api.parsing import ObjectBodyParser, refuse_unknown_query_parameters, unknown_parameter_errors
from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.common.redact import redact_id_numbers

log = logging.getLogger("firstline.api")


def _docs_for_signed_in(view):
    """The docs page and the schema are for people signed in. Swagger UI draws its icons from data:
    URLs, which the policy allows on these two answers only."""
    return login_required(csp_update({"img-src": ["data:"]})(view))


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
    parser=ObjectBodyParser(),
    docs_decorator=_docs_for_signed_in,
)


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    """Anything unexpected: logged here with its traceback, answered without it, DEBUG or not.

    The log line has the method and path (never the query string, which may carry what was searched)
    and ID numbers quoted by an exception's message are masked.
    """
    text = "".join(traceback.format_exception(exc))
    log.error("API error on %s %s\n%s", request.method, request.path, redact_id_numbers(text))
    return api.create_response(request, {"detail": "Server error.", "code": "server_error"}, status=500)


# What Django itself would have answered had the catch-all above not caught it first.
@api.exception_handler(SuspiciousOperation)
def _bad_request(request, exc: SuspiciousOperation):
    log.warning("Bad request on %s %s: %s", request.method, request.path, type(exc).__name__)
    return api.create_response(request, {"detail": "Bad request.", "code": "bad_request"}, status=400)


@api.exception_handler(DjangoPermissionDenied)
def _django_forbidden(request, exc: DjangoPermissionDenied):
    return api.create_response(request, {"detail": "Forbidden.", "code": "forbidden"}, status=403)


@api.exception_handler(TooManyWrongTokens)
def _too_many_wrong_tokens(request, exc: TooManyWrongTokens):
    response = api.create_response(
        request,
        {"detail": str(exc), "code": "too_many_wrong_tokens", "retry_after": exc.retry_after},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


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
    return api.create_response(
        request, {"detail": "Invalid input.", "code": "invalid", "errors": errors}, status=422
    )


@api.exception_handler(SchemaValidationError)
def _invalid_schema(request, exc: SchemaValidationError):
    """Input that does not fit the schema: the same shape as a domain ValidationError, each fault at
    its place with a message in the caller's language (api/messages.py), never the input echoed."""
    return api.create_response(
        request,
        {"detail": "Invalid input.", "code": "invalid", "errors": schema_errors(exc.errors)},
        status=422,
    )


def _register_routers() -> None:
    from firstline.api import (
        areas,
        distribution,
        errands,
        imports,
        notices,
        parcels,
        people,
        registration,
        supplies,
        survey,
        testing,
    )

    api.add_router("/areas", areas.router)
    api.add_router("/people", people.router)
    api.add_router("/visits", survey.router)
    api.add_router("/imports", imports.router)
    api.add_router("/registrations", registration.router)
    api.add_router("/testing", testing.router)
    api.add_router("/notices", notices.router)
    api.add_router("/supplies", supplies.router)
    api.add_router("/distributions", distribution.router)
    api.add_router("/parcels", parcels.router)
    api.add_router("/errands", errands.router)


_register_routers()


def _unknown_parameters(request, names: list[str]):
    return api.create_response(
        request,
        {"detail": "Invalid input.", "code": "invalid", "errors": unknown_parameter_errors(names)},
        status=422,
    )


refuse_unknown_query_parameters(api, on_unknown=_unknown_parameters)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any address under /api/ that no operation matches (a path id that is not a number, a typo):
    the API's own 404, in JSON, rather than the pages' HTML one (with DEBUG on, Django's debug page)."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
