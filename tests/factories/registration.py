"""Self-registrations from a compound's public page and personal codes, through `registration.services`."""

import uuid

import factory

from firstline.registration.models import PersonalCode, SelfRegistration
from firstline.registration.services import code_issue_for_person, registration_submit
from tests.factories.accounts import builder_for
from tests.factories.areas import HouseholdFactory, compound_of
from tests.factories.identity import chinese_name, mobile_number, resident_id_number
from tests.factories.people import PersonFactory


def member(n: int, **fields) -> dict:
    """One member of a household form as a resident types it: name, ID number, phone, relation."""
    return {
        "name": chinese_name(n),
        "id_number": resident_id_number(n),
        "phone": mobile_number(n),
        "relation": "head",
        **fields,
    }


class SelfRegistrationFactory(factory.django.DjangoModelFactory):
    """A household's form sent from the compound's page for one of its doors (one member by default)."""

    class Meta:
        model = SelfRegistration

    household = factory.SubFactory(HouseholdFactory)
    compound = factory.LazyAttribute(lambda o: compound_of(o.household))
    address_text = ""
    contact_phone = factory.Sequence(mobile_number)
    # Numbers far from PersonFactory's, so that a form and a registered person never share one by chance.
    members = factory.Sequence(lambda n: [member(5_000_000 + n)])
    submission_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
    client_ip = factory.Sequence(lambda n: f"198.51.100.{n % 250 + 1}")

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Forms are sealed by registration.services: create them, don't build them.")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return registration_submit(**kwargs)


class PersonalCodeFactory(factory.django.DjangoModelFactory):
    """A person's live personal code (`code_issue_for_person`); `codes.payload_for(code.code)` is what is
    scanned.
    """

    class Meta:
        model = PersonalCode

    person = factory.SubFactory(PersonFactory)
    acting_user = factory.LazyAttribute(
        lambda o: builder_for(o.person.residences.get(is_current=True).household)
    )

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Codes are signed by registration.services: create them, don't build them.")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return code_issue_for_person(**kwargs)
