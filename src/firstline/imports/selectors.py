"""Reads on imports, scoped to the areas where the user may import."""

from django.db.models import QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_filter
from firstline.common.errors import NotFound
from firstline.imports.models import ColumnMapping, ImportJob


def import_jobs(*, user) -> QuerySet[ImportJob]:
    return scope_filter(ImportJob.objects.select_related("area", "created_by"), user, Perm.LEDGER_IMPORT, "area__path").defer("file_sealed")


def import_job_get(*, user, pk: int) -> ImportJob:
    try:
        return import_jobs(user=user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def column_mappings(*, user, area) -> QuerySet[ColumnMapping]:
    paths = [area.path[:i] for i in range(6, len(area.path) + 1, 6)]
    return scope_filter(ColumnMapping.objects.filter(area__path__in=paths), user, Perm.LEDGER_IMPORT, "area__path").order_by("name")
