import pytest

from firstline.accounts.roles import Role
from firstline.parcels import services
from firstline.parcels.models import Parcel
from firstline.parcels.selectors import delivery_split
from firstline.parcels.split import CostModel, Job, lower_bound, split
from tests.conftest import household, make_user
from tests.factories.parcels import parcel

FLAT = CostModel(building_visit=0)


def _jobs(costs, buildings=None):
    buildings = buildings or list(range(len(costs)))
    return [
        Job(key=(b, b, i), building=b, order=(b, i), cost=c, parcels=[i])
        for i, (c, b) in enumerate(zip(costs, buildings, strict=True))
    ]


def test_job_costs_follow_the_stated_model():
    assert CostModel().job_cost(floor=6, has_lift=False, doors=2, weights=["heavy", "light"]) == (
        2 * 60 + 90 + 20 + 5 * 30 + 5 * 15
    )
    assert CostModel().job_cost(floor=6, has_lift=True, doors=2, weights=["heavy", "light"]) == (
        2 * 60 + 90 + 20 + 60 + 5 * 5
    )
    assert CostModel().job_cost(floor=1, has_lift=True, doors=1, weights=["medium"]) == 60 + 40


def test_a_small_known_instance_exact_makespan_beside_the_lower_bound():
    # LPT on 7 6 5 4 3 over two: {7,4,3}=14, {6,5}=11; the best is 13 ({7,6}, {5,4,3}), the bound 13.
    plan = split(_jobs([7, 6, 5, 4, 3]), [1, 2], FLAT)
    assert sorted(sorted(j.cost for j in s.jobs) for s in plan.shares) == [[3, 4, 7], [5, 6]]
    assert (plan.makespan, plan.lower_bound) == (14, 13)
    assert plan.makespan <= (4 / 3 - 1 / 6) * plan.lower_bound


def test_the_lower_bound_is_the_largest_job_when_it_dominates():
    assert lower_bound(_jobs([20, 1, 1]), 3, FLAT) == 20
    plan = split(_jobs([20, 1, 1]), [1, 2, 3], FLAT)
    assert (plan.makespan, plan.lower_bound) == (20, 20)


def test_a_volunteers_buildings_are_kept_together_when_that_costs_nothing():
    # Two buildings of two jobs each, two volunteers: each volunteer gets one whole building.
    model = CostModel(building_visit=10)
    plan = split(_jobs([5, 5, 5, 5], buildings=[1, 1, 2, 2]), [1, 2], model)
    assert sorted(sorted(s.buildings) for s in plan.shares) == [[1], [2]]
    assert (plan.makespan, plan.lower_bound) == (20, 20)


def test_every_job_is_assigned_exactly_once_and_the_bound_holds():
    costs = [(i * 37) % 101 + 5 for i in range(60)]
    jobs = _jobs(costs, buildings=[i % 7 for i in range(60)])
    plan = split(jobs, list(range(1, 6)))
    given = sorted(j.parcels[0] for s in plan.shares for j in s.jobs)
    assert given == list(range(60))
    assert plan.makespan >= plan.lower_bound
    assert plan.makespan <= 4 / 3 * plan.lower_bound + CostModel().building_visit * 7


@pytest.fixture(autouse=True)
def _photos(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.mark.django_db
def test_split_of_a_compounds_deliverable_parcels_and_its_assignment(world):
    second = make_user("volunteer2", Role.VOLUNTEER, world.p1)
    doors = [
        household(world.b1, "601", "Unit 1"),
        household(world.b1, "602", "Unit 1"),
        household(world.b2, "101"),
    ]
    made = [parcel(acting_user=world.volunteer, household=d, state="deliverable") for d in doors]
    held = parcel(acting_user=world.volunteer, household=doors[0], state="holding")
    view = delivery_split(user=world.staff, site=world.p1)
    assert set(view.volunteers) == {world.volunteer.pk, second.pk}
    # 1号楼 6th floor, unit 1: two doors, walk-up: 2×60 + 2×20 + 5×30 = 310; 2号楼 1st floor: 60 + 20 = 80.
    assert sorted(j.cost for s in view.plan.shares for j in s.jobs) == [80, 310]
    assert (view.plan.makespan, view.plan.lower_bound) == (490, 490)
    assigned = services.delivery_split_assign(
        acting_user=world.staff, compound=world.p1, assignment=view.assignment()
    )
    assert assigned == 3
    assert set(Parcel.objects.filter(pk__in=[p.pk for p in made]).values_list("state", flat=True)) == {"out"}
    assert Parcel.objects.get(pk=held.pk).state == "holding"
    assert {p.courier_id for p in Parcel.objects.filter(state="out")} == {world.volunteer.pk, second.pk}
