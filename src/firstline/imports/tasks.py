"""Background tasks of the imports app (django-tasks; the database backend by default)."""

from django_tasks import task

from firstline.imports.services import import_run


@task()
def run_import(job_id: int) -> str:
    return import_run(job_id).status
