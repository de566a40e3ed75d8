"""No ID number may be stored in clear anywhere in the database: every table, every column."""

import pytest
from django.db import connection

from firstline.people import services
from tests.conftest import household

NUMBERS = ["11010519491231002X", "44052419500101001X", "E98765432"]


def _dump_database() -> bytes:
    """Every value of every table, as bytes (what a leaked dump would hold)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


@pytest.mark.django_db
def test_registered_updated_revealed_and_merged_numbers_never_rest_in_clear(world):
    door = household(world.b1, "201")
    first = services.person_register(
        acting_user=world.staff, household=door, data={"name": "张伟", "id_number": NUMBERS[0].lower()}
    )
    second = services.person_register(
        acting_user=world.staff, household=door, data={"name": "赵敏", "id_number": NUMBERS[1]}
    )
    services.person_update(
        acting_user=world.staff, person=second, data={"id_type": "passport", "id_number": NUMBERS[2]}
    )
    assert services.person_reveal_id(acting_user=world.staff, person=first, reason="核对") == NUMBERS[0]
    dump = _dump_database()
    assert len(dump) > 10_000  # the dump really holds the ledger
    assert b"110***********002X" in dump  # masked forms are there
    for number in [*NUMBERS, NUMBERS[0].lower()]:
        assert number.encode() not in dump, number
        assert number[:-1].encode() not in dump, number  # nor the number without its check digit
