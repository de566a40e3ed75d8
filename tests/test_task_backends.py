"""Background work runs on the database backend by default and on Redis (RQ) at scale: both for real."""

import os

import pytest
from django.conf import settings
from django.test import override_settings

from firstline.imports import services
from firstline.imports.models import ImportJob, ImportStatus
from firstline.imports.tasks import run_import
from tests.imports.test_import import messy_xlsx

pytestmark = pytest.mark.django_db(transaction=True)
# The same server and database as settings.RQ_QUEUES["default"]: django_rq reads its queue table once.
REDIS_URL = settings.FIRSTLINE_REDIS_URL
# One queue per test process (pytest-xdist's workers run at once and must not take each other's jobs).
QUEUE = f"firstline-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _queued_job(world) -> ImportJob:
    job = services.import_upload(
        acting_user=world.staff, area=world.p1, filename="list.xlsx", data=messy_xlsx()
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    return job


def test_database_backend_queues_and_the_worker_runs(world):
    from django_tasks_db.models import DBTaskResult

    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=tasks):
        job = _queued_job(world)
        result = run_import.enqueue(job.pk)
        assert DBTaskResult.objects.get(id=result.id).status == "READY"
        from django.core.management import call_command

        call_command("db_worker", batch=True, interval=0, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 4)


def test_redis_backend_queues_and_an_rq_worker_runs(world):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        reason = f"Redis is not running at {REDIS_URL} (start it with redis-server)"
        if os.environ.get("FIRSTLINE_REQUIRE_REDIS"):
            pytest.fail(reason)
        pytest.skip(reason)
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [QUEUE]}}
    queues = {"default": {"URL": REDIS_URL}, QUEUE: {"URL": REDIS_URL}}
    with override_settings(TASKS=tasks, RQ_QUEUES=queues):
        job = _queued_job(world)
        queue = django_rq.get_queue(QUEUE, job_class=Job)
        queue.empty()
        result = run_import.using(queue_name=QUEUE).enqueue(job.pk)
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
        result.refresh()
        assert result.status == "SUCCESSFUL" and result.return_value == "done"
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 4)
