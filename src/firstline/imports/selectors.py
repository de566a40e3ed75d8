"""Reads on imports, scoped to the areas where the user may import."""

from django.db.models import QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_filter
from firstline.common.errors import NotFound
from firstline.imports.models import ColumnMapping, ImportJob


def import_jobs(*, user, area=None) -> QuerySet[ImportJob]:
    """Import jobs where the user may import (those into `area` only, if given); the file is not read."""
    queryset = scope_filter(
        ImportJob.objects.select_related("area", "created_by"), user, Perm.LEDGER_IMPORT, "area__path"
    )
    if area is not None:
        queryset = queryset.filter(area=area)
    return queryset.defer("file_sealed")


def import_job_get(*, user, pk: int, with_file: bool = False) -> ImportJob:
    """One job; `with_file` reads the stored file too (to map its columns)."""
    queryset = import_jobs(user=user)
    if with_file:
        queryset = queryset.defer(None)
    try:
        return queryset.get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def column_mappings(*, user, area) -> QuerySet[ColumnMapping]:
    paths = [area.path[:i] for i in range(6, len(area.path) + 1, 6)]
    return scope_filter(
        ColumnMapping.objects.filter(area__path__in=paths), user, Perm.LEDGER_IMPORT, "area__path"
    ).order_by("name")
