"""Users and their grants (a role on an area node)."""

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from firstline.accounts.models import Grant
from firstline.accounts.roles import Role
from firstline.accounts.scope import forget_grants
from firstline.areas.models import Area
from firstline.common.paths import SEGMENT_WIDTH
from tests.factories.identity import chinese_name

TEST_PASSWORD = "pass-for-tests-1"


class UserFactory(DjangoModelFactory):
    """A user who can sign in with TEST_PASSWORD. With `role` and `area`, also a grant of that role there:
    `UserFactory(username="leader", role=Role.BUILDING_LEADER, area=b1)`."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    class Params:
        role = None
        area = None

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(chinese_name)

    @classmethod
    def _create(cls, model_class, *args, password: str = TEST_PASSWORD, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)

    grant = factory.Maybe(
        "role",
        yes_declaration=factory.RelatedFactory(
            "tests.factories.accounts.GrantFactory",
            factory_related_name="user",
            role=factory.SelfAttribute("..role"),
            area=factory.SelfAttribute("..area"),
        ),
    )


class GrantFactory(DjangoModelFactory):
    """A role on an area and its subtree. A grant computes nothing, so it is written as a row, like the
    seed data of a deployment; `accounts.services.grant_create` is what tests of granting call."""

    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    role = Role.VOLUNTEER
    area = factory.SubFactory("tests.factories.areas.CompoundFactory")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        grant = super()._create(model_class, *args, **kwargs)
        forget_grants(grant.user)  # the user object may hold its grants from before
        return grant


def builder_for(area):
    """The street coordinator who builds, registers and samples when a test names nobody: one user,
    `builder`, granted on the street above `area` (the same user the suite's `world` builds with)."""
    users = get_user_model()
    user, _created = users.objects.get_or_create(username="builder", defaults={"first_name": "建设者"})
    street = Area.objects.get(path=area.path[:SEGMENT_WIDTH])
    Grant.objects.get_or_create(user=user, role=Role.STREET_COORDINATOR, area=street)
    return users.objects.get(pk=user.pk)
