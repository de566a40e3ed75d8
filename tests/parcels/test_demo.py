import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from firstline.areas.models import Area
from firstline.parcels.selectors import parcel_board

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_day_of_parcels_at_the_gate_in_every_state(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", "--small", stdout=io.StringIO())
    staff = get_user_model().objects.get(username="shequ")
    board = parcel_board(user=staff, site=Area.objects.get(name="睿和新城"))
    assert board.counts == {
        "registered": 12,
        "holding": 20,
        "deliverable": 30,
        "out": 24,
        "delivered": 30,
        "returned": 1,
    }
    assert board.overdue == 2
