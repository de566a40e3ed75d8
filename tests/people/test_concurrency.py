"""Two desks registering the same person at the same moment: exactly one record results."""

import threading

import pytest
from django.db import connection, connections

from firstline.common.errors import Conflict
from firstline.people import services
from firstline.people.models import Person
from tests.conftest import household

ID = "11010519491231002X"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_of_one_id_number_store_one_person(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs on PostgreSQL (CI runs it there)")
    door = household(world.b1, "101")
    barrier = threading.Barrier(4)
    outcomes = []

    def desk(name: str) -> None:
        try:
            barrier.wait()
            services.person_register(
                acting_user=world.staff, household=door, data={"name": name, "id_number": ID}
            )
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(f"desk{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "stored"]
    assert Person.objects.count() == 1
