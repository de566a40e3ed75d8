"""Two phones delivering the same door at the same moment, on two real connections (PostgreSQL):
the database lets one through."""

import threading

import pytest
from django.db import connection, connections

from firstline.distribution import services
from firstline.distribution.models import Batch, Receipt, ShareStatus
from tests.conftest import household

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL"),
]


def test_two_phones_at_once_deliver_one_share(world, campaign):
    services.batch_issue(acting_user=world.staff, batch=Batch.objects.get(campaign=campaign, number=1))
    services.building_handover(acting_user=world.staff, campaign=campaign, building=world.b1)
    door = household(world.b1, "101")
    start = threading.Barrier(2)
    results = {}

    def phone(name, user):
        try:
            start.wait()
            results[name] = services.receipts_record(
                acting_user=user,
                campaign=campaign,
                entries=[{"household": door.pk, "outcome": "delivered", "client_key": name}],
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=phone, args=("A", world.leader)),
        threading.Thread(target=phone, args=("B", world.staff)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r["delivered"] for r in results.values()) == [0, 1]
    assert sorted(len(r["rejected"]) for r in results.values()) == [0, 1]
    assert Receipt.objects.filter(household=door).count() == 1
    assert campaign.shares.get(household=door).status == ShareStatus.DELIVERED
