"""Survey visits (摸排), recorded through `survey.services.visit_record`."""

import factory

from firstline.survey.models import Channel, Outcome, SurveyVisit
from firstline.survey.services import visit_record
from tests.factories.accounts import builder_for
from tests.factories.areas import HouseholdFactory


class SurveyVisitFactory(factory.django.DjangoModelFactory):
    """A visit to a door; by default nobody was at home (`outcome=Outcome.REGISTERED` reaches it)."""

    class Meta:
        model = SurveyVisit

    household = factory.SubFactory(HouseholdFactory)
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.household))
    outcome = Outcome.NOT_HOME
    channel = Channel.DOOR
    note = ""
    visited_at = None  # now

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Visits are recorded by survey.services: create them, don't build them.")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return visit_record(**kwargs)
