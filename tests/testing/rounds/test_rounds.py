"""Rounds: who sees a round, and a round's window."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from firstline.common.errors import NotFound, PermissionDenied
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.rounds import services

pytestmark = pytest.mark.django_db


def test_rounds_are_visible_where_they_touch_the_users_areas(world, round_):
    assert list(rounds_selectors.rounds_visible(user=world.leader)) == [round_]
    assert list(rounds_selectors.rounds_visible(user=world.coordinator)) == [round_]
    assert list(rounds_selectors.rounds_visible(user=world.outsider)) == []
    assert list(rounds_selectors.rounds_visible(user=world.resident)) == []
    with pytest.raises(NotFound):
        rounds_selectors.round_get(user=world.outsider, pk=round_.pk)
    with pytest.raises(PermissionDenied):
        services.round_create(acting_user=world.leader, area=world.b1, name="楼内", date=round_.date)
    with pytest.raises(ValidationError):
        services.round_create(
            acting_user=world.staff, area=world.c1, name="越界", date=round_.date, scope=[world.p2]
        )


def test_a_round_window_without_a_time_zone_is_refused_with_the_field_named(world, round_):
    with pytest.raises(ValidationError) as error:
        services.round_create(
            acting_user=world.staff,
            area=world.c1,
            name="窗口",
            date=round_.date,
            starts_at=dt.datetime(2022, 4, 4, 6, 0),
        )
    assert error.value.message_dict == {"starts_at": ["The time must carry a time zone."]}
    with pytest.raises(ValidationError) as error:
        services.round_update(
            acting_user=world.staff, round=round_, values={"ends_at": dt.datetime(2022, 4, 4, 12, 0)}
        )
    assert error.value.message_dict == {"ends_at": ["The time must carry a time zone."]}
