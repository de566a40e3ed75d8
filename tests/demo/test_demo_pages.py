"""Every page answers on the demo data (people and visits written by the loader, not by services)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from firstline.areas.models import Area, AreaKind
from firstline.people.models import Residence

pytestmark = pytest.mark.django_db


def test_every_page_answers_for_staff_and_the_leader(client):
    call_command("load_demo", "--small", verbosity=0)
    compound = Area.objects.get(name="睿和新城")
    users = get_user_model().objects
    client.force_login(users.get(username="shequ"))
    residence = (
        Residence.objects.filter(household__path__startswith=compound.path, is_current=True)
        .select_related("household")
        .first()
    )
    urls = [
        "/",
        f"/areas/{compound.parent_id}/",
        f"/areas/{compound.pk}/",
        "/search/?q=王",
        "/people/duplicates/",
        "/registrations/",
        "/team/",
        "/me/",
        f"/households/{residence.household_id}/",
        f"/people/{residence.person_id}/",
        f"/areas/{compound.pk}/import/",
        f"/areas/{compound.pk}/export/",
        f"/areas/{compound.pk}/registration-poster/",
    ]
    for building in Area.objects.filter(parent=compound, kind=AreaKind.BUILDING):
        urls += [f"/areas/{building.pk}/", f"/areas/{building.pk}/map/"]
        urls += [f"/areas/{building.pk}/survey/?list={name}" for name in ("never", "second", "vulnerable")]
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(users.get(username="louzhang"))
    for building in Area.objects.filter(parent=compound, kind=AreaKind.BUILDING):
        assert client.get(f"/areas/{building.pk}/map/").status_code == 200
    assert client.get(f"/areas/{compound.pk}/").status_code == 404
