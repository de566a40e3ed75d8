"""Scans racing each other on PostgreSQL: a batch sent again while the first is still being stored,
and one person scanned at two desks at once. Each sample is stored exactly once.

(On SQLite every write transaction is serialised, so there is no race to test; the retried batch
and the double scan are tested sequentially on both databases in test_scanning.py.)
"""

import threading
import uuid

import pytest
from django.db import connection, connections

from firstline.testing.capture.services import ScanIn, scans_record
from firstline.testing.models import Round, SamplingPoint, Tube
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db(transaction=True)


def _race(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs on PostgreSQL (CI runs it there)")


def test_the_same_batch_sent_four_times_at_once_is_stored_once(
    on_postgresql, world, residents, round_, point
):
    batch = [desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:8]]
    round_id, user = round_.pk, world.volunteer
    results = _race(
        [lambda: scans_record(acting_user=user, round=Round.objects.get(pk=round_id), scans=batch)] * 4
    )
    statuses = sorted(tuple(o.status for o in outcomes) for outcomes in results)
    assert statuses == [("duplicate",) * 8] * 3 + [("stored",) * 8]
    tube = Tube.objects.get(code="TG0000001")
    assert (tube.filled, tube.samples.count()) == (8, 8)


def test_one_person_at_two_desks_at_once_is_sampled_once(on_postgresql, world, residents, round_, point):
    code = residents.codes[residents.b1[0].pk]
    round_id, point_id, user = round_.pk, point.pk, world.volunteer

    def desk(tube):
        return lambda: scans_record(
            acting_user=user,
            round=Round.objects.get(pk=round_id),
            scans=[
                ScanIn(
                    client_id=uuid.uuid4(),
                    tube_code=tube,
                    person_code=code,
                    point_id=SamplingPoint.objects.get(pk=point_id).pk,
                )
            ],
        )[0]

    outcomes = _race([desk("TG0000001"), desk("TG0000002")])
    assert sorted((o.status, o.code) for o in outcomes) == [("refused", "already_sampled"), ("stored", "")]
    assert sorted(Tube.objects.values_list("filled", flat=True)) == [1]
