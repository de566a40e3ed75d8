"""People and their residences, registered through `people.services`, so that every value is cleaned,
the ID number sealed, hashed and masked, and the person audited as the pages would.

`PersonFactory(household=door)` is a resident with a valid ID number and a mobile; `id_number=None`
(or `phone=None`) leaves it out, `name_only=True` both, and any other key is passed to the service as
typed data
(`PersonFactory(household=door, relation="户主", vulnerabilities="独居老人")`). The number in clear is
on `person.id_number_in_clear`, for tests that scan or search it.
"""

import datetime as dt

import factory

from firstline.people.models import Person, Relation, Residence, ResidenceStatus
from firstline.people.services import person_register, residence_move
from tests.factories.accounts import builder_for
from tests.factories.areas import HouseholdFactory
from tests.factories.identity import chinese_name, mobile_number, resident_id_number


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        # Only a name, as a list written at the door often has: no ID number, no phone.
        name_only = factory.Trait(id_number=None, phone=None)

    household = factory.SubFactory(HouseholdFactory)
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.household))
    name = factory.Sequence(chinese_name)
    id_number = factory.Sequence(resident_id_number)
    phone = factory.Sequence(mobile_number)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("People are cleaned and sealed by people.services: create them, don't build them.")

    @classmethod
    def _create(cls, model_class, *, acting_user, household, source=None, moved_in=None, **data):
        data = {key: value for key, value in data.items() if value is not None}
        extra = {"source": source} if source else {}
        person = person_register(
            acting_user=acting_user, household=household, data=data, moved_in=moved_in, **extra
        )
        person.id_number_in_clear = data.get("id_number", "")
        return person


class ResidenceFactory(factory.django.DjangoModelFactory):
    """A person moving into another household (`people.services.residence_move`): the open residence
    closes on `date` and this one opens."""

    class Meta:
        model = Residence

    person = factory.SubFactory(PersonFactory)
    to_household = factory.SubFactory(HouseholdFactory)
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.to_household))
    relation = Relation.HEAD
    status = ResidenceStatus.TENANT
    date = dt.date(2022, 3, 1)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Residences open and close through people.services: create them, don't build them.")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return residence_move(**kwargs)
