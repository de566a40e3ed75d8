"""Mass testing: rounds, sampling points, samples in pooled tubes and boxes, through the real
`testing.rounds.services`, `testing.capture.services` and `testing.transport.services`.

A sample is a scan (`scans_record`), so its tube is opened, counted and closed as at a desk:
`SampleFactory(round=round_, person=person, tube_code="TG0000001", point=point)`.
"""

import uuid

import factory
from django.utils import timezone

from firstline.areas.models import Area, AreaKind
from firstline.testing.capture.services import STORED, ScanIn, scans_record
from firstline.testing.models import Box, Round, RoundStatus, Sample, SamplingPoint, Tube
from firstline.testing.rounds import services
from firstline.testing.transport import services as transport
from tests.factories.accounts import builder_for
from tests.factories.areas import CompoundFactory, compound_of, door_in
from tests.factories.people import PersonFactory

POINT_NAMES = (
    "东门采样点",
    "西门采样点",
    "南门广场采样点",
    "北门采样点",
    "社区服务中心采样点",
    "篮球场采样点",
)


class _ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError(
            f"{model_class.__name__} rows are written by testing's services: create them, don't build them."
        )


class RoundFactory(_ServiceFactory):
    """A round over an area (a compound of its own by default), open for sampling unless `status` says
    otherwise; `scope` narrows the areas tested (default: all of `area`)."""

    class Meta:
        model = Round

    area = factory.SubFactory(CompoundFactory)
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.area))
    name = factory.Sequence(lambda n: f"第{n + 1}轮全员核酸")
    date = factory.LazyFunction(timezone.localdate)
    scope = None
    status = RoundStatus.OPEN

    @classmethod
    def _create(cls, model_class, *, acting_user, status, **kwargs):
        round = services.round_create(acting_user=acting_user, **kwargs)
        if status != RoundStatus.PLANNED:
            round = services.round_set_status(acting_user=acting_user, round=round, status=RoundStatus.OPEN)
        if status == RoundStatus.CLOSED:
            round = services.round_set_status(acting_user=acting_user, round=round, status=RoundStatus.CLOSED)
        return round


class SamplingPointFactory(_ServiceFactory):
    """A sampling point of a compound, with two desks."""

    class Meta:
        model = SamplingPoint

    compound = factory.SubFactory(CompoundFactory)
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.compound))
    name = factory.Sequence(
        lambda n: POINT_NAMES[n % len(POINT_NAMES)] + ("" if n < len(POINT_NAMES) else str(n))
    )
    desks = 2
    location = "小区广场"
    serves = None

    @classmethod
    def _create(cls, model_class, *, acting_user, compound, serves, **values):
        return services.sampling_point_create(
            acting_user=acting_user, compound=compound, values=values, serves=serves
        )


def _person_in(round: Round):
    return PersonFactory(household=door_in(round.area))


def _compound_in(area: Area) -> Area:
    """The compound of `area`, or one inside it when the area is a community or a street."""
    return compound_of(area if area.kind not in (AreaKind.STREET, AreaKind.COMMUNITY) else door_in(area))


class SampleFactory(_ServiceFactory):
    """One person scanned into a tube at a desk of a point (door to door with `point=None`)."""

    class Meta:
        model = Sample

    round = factory.SubFactory(RoundFactory)
    person = factory.LazyAttribute(lambda o: _person_in(o.round))
    point = factory.LazyAttribute(lambda o: SamplingPointFactory(compound=_compound_in(o.round.area)))
    tube_code = factory.Sequence(lambda n: f"TF{n:07d}")
    desk = 1
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.round.area))
    scanned_at = None  # now

    @classmethod
    def _create(cls, model_class, *, acting_user, round, person, point, tube_code, desk, scanned_at):
        scan = ScanIn(
            client_id=uuid.uuid4(),
            tube_code=tube_code,
            person_id=person.pk,
            scanned_at=scanned_at,
            point_id=point.pk if point else None,
            desk=desk if point else None,
            door_to_door=point is None,
        )
        (outcome,) = scans_record(acting_user=acting_user, round=round, scans=[scan])
        if outcome.status != STORED:
            raise ValueError(f"The scan was not stored: {outcome.status} {outcome.code} {outcome.message}")
        return Sample.objects.get(round=round, person=person, tube__code=outcome.tube.code)


class TubeFactory(_ServiceFactory):
    """A pooled tube holding `size` people scanned in one batch (new people of the round's area, unless
    `people` names them)."""

    class Meta:
        model = Tube

    round = factory.SubFactory(RoundFactory)
    size = 3
    people = factory.LazyAttribute(lambda o: [_person_in(o.round) for _ in range(o.size)])
    point = factory.LazyAttribute(lambda o: SamplingPointFactory(compound=_compound_in(o.round.area)))
    code = factory.Sequence(lambda n: f"TT{n:07d}")
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.round.area))

    @classmethod
    def _create(cls, model_class, *, acting_user, round, size, people, point, code):
        scans = [
            ScanIn(client_id=uuid.uuid4(), tube_code=code, person_id=person.pk, point_id=point.pk, desk=1)
            for person in people
        ]
        outcomes = scans_record(acting_user=acting_user, round=round, scans=scans)
        refused = [o for o in outcomes if o.status != STORED]
        if refused:
            raise ValueError(f"Scans were not stored: {[(o.status, o.code, o.message) for o in refused]}")
        return Tube.objects.get(code=code)


class BoxFactory(_ServiceFactory):
    """A transport box opened at a point, with `tubes` (codes) scanned in; `packed=True` packs it counted."""

    class Meta:
        model = Box

    round = factory.SubFactory(RoundFactory)
    point = factory.LazyAttribute(lambda o: SamplingPointFactory(compound=_compound_in(o.round.area)))
    code = factory.Sequence(lambda n: f"BOX-F{n:04d}")
    tubes = ()
    packed = False
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.round.area))

    @classmethod
    def _create(cls, model_class, *, acting_user, round, point, code, tubes, packed):
        box = transport.box_open(acting_user=acting_user, round=round, code=code, point=point)
        if tubes:
            transport.box_add_tubes(acting_user=acting_user, box=box, tube_codes=list(tubes))
        if packed:
            box = transport.box_pack(acting_user=acting_user, box=box, counted=len(tubes))
        return box
