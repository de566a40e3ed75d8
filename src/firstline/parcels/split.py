"""Splitting the day's deliveries among volunteers: the cost model and the balancing (ADR 0015).

A *job* is one floor of one stairwell (a unit, or a building without units): the doors a volunteer
reaches in one climb. Its work, in seconds:

    per door                     60    knock, scan the code or take the photo, hand over
    per parcel                   light 20, medium 40, heavy 90 (carried from the gate's trolley)
    climbing, walk-up            30 per floor above the first (up and down again)
    climbing, lift               60 a trip (waiting) + 5 per floor
    heavy parcel, walk-up        15 per floor above the first, each heavy parcel (a 50-jin sack)

and a volunteer pays 180 s once for every building they visit (the walk from the gate and back).
A building is a lift building when its `has_lift` is True; unknown is walk-up.

Balancing: longest job first onto the volunteer who would finish it earliest (building visits
counted), then a local improvement that moves a volunteer's share of a building to another volunteer
already in that building when the plan's makespan does not grow, and moves single jobs off the most
loaded volunteer while that lowers the makespan (and two volunteers sharing two buildings trade
them, one each, when neither ends above the makespan). The lower bound is max(total work ÷ volunteers,
largest single job), each counted with at least one building visit per building.
"""

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CostModel:
    building_visit: int = 180
    per_door: int = 60
    parcel_light: int = 20
    parcel_medium: int = 40
    parcel_heavy: int = 90
    walkup_floor: int = 30
    lift_trip: int = 60
    lift_floor: int = 5
    heavy_walkup_floor: int = 15

    def parcel(self, weight_class: str) -> int:
        return {"light": self.parcel_light, "medium": self.parcel_medium}.get(weight_class, self.parcel_heavy)

    def job_cost(self, *, floor: int, has_lift: bool, doors: int, weights: list[str]) -> int:
        above = max(floor - 1, 0)
        if has_lift:
            climb = self.lift_trip + self.lift_floor * above if above else 0
            heavy_climb = 0
        else:
            climb = self.walkup_floor * above
            heavy_climb = self.heavy_walkup_floor * above * sum(1 for w in weights if w == "heavy")
        return self.per_door * doors + sum(self.parcel(w) for w in weights) + climb + heavy_climb


COSTS = CostModel()


@dataclass
class Job:
    key: tuple  # (block id, stairwell id, floor)
    building: int
    order: tuple  # walking order: building, stairwell, floor
    cost: int
    parcels: list[int] = field(default_factory=list)
    doors: int = 0


@dataclass
class Share:
    volunteer: int
    jobs: list[Job] = field(default_factory=list)
    load: int = 0

    @property
    def buildings(self) -> set[int]:
        return {job.building for job in self.jobs}


@dataclass
class Plan:
    shares: list[Share]
    makespan: int
    lower_bound: int
    total_work: int

    @property
    def ratio(self) -> float:
        return self.makespan / self.lower_bound if self.lower_bound else 1.0


def _load(jobs: list[Job], model: CostModel) -> int:
    return sum(job.cost for job in jobs) + model.building_visit * len({job.building for job in jobs})


def load_of(jobs: list[Job], model: CostModel = None) -> int:
    """A volunteer's work for these jobs: the jobs plus one visit per building."""
    return _load(jobs, model or COSTS)


def lower_bound(jobs: list[Job], volunteers: int, model: CostModel = COSTS) -> int:
    """max(total work ÷ volunteers, largest single job), each building visited at least once; rounded up."""
    if not jobs or not volunteers:
        return 0
    total = _load(jobs, model)
    largest = max(job.cost for job in jobs) + model.building_visit
    return max(math.ceil(total / volunteers), largest)


def split(jobs: list[Job], volunteers: list[int], model: CostModel = COSTS) -> Plan:
    """Every job given to exactly one volunteer; each share in walking order."""
    shares = [Share(volunteer=v) for v in volunteers]
    if not shares:
        return Plan(shares=[], makespan=0, lower_bound=0, total_work=0)
    held: list[set[int]] = [set() for _ in shares]
    for job in sorted(jobs, key=lambda j: (-j.cost, j.order)):
        best = min(
            range(len(shares)),
            key=lambda i: (
                shares[i].load + job.cost + (0 if job.building in held[i] else model.building_visit),
                i,
            ),
        )
        shares[best].jobs.append(job)
        held[best].add(job.building)
        shares[best].load = _load(shares[best].jobs, model)
    _improve(shares, model)
    for share in shares:
        share.jobs.sort(key=lambda j: j.order)
    return Plan(
        shares=shares,
        makespan=max(s.load for s in shares),
        lower_bound=lower_bound(jobs, len(shares), model),
        total_work=sum(s.load for s in shares),
    )


def _improve(shares: list[Share], model: CostModel, passes: int = 50) -> None:
    for _ in range(passes):
        if not (
            _gather_buildings(shares, model)
            or _trade_buildings(shares, model)
            or _unload_busiest(shares, model)
        ):
            return


def _gather_buildings(shares: list[Share], model: CostModel) -> bool:
    """Move one volunteer's part of a building to another volunteer already there, if the makespan
    does not grow: one building visit fewer for nothing."""
    makespan = max(s.load for s in shares)
    for giver in sorted(shares, key=lambda s: s.load):
        for building in sorted(giver.buildings):
            part = [j for j in giver.jobs if j.building == building]
            part_cost = sum(j.cost for j in part)
            for taker in sorted(shares, key=lambda s: s.load):
                if taker is giver or building not in taker.buildings:
                    continue
                if taker.load + part_cost <= makespan:
                    giver.jobs = [j for j in giver.jobs if j.building != building]
                    taker.jobs.extend(part)
                    giver.load = _load(giver.jobs, model)
                    taker.load = _load(taker.jobs, model)
                    return True
    return False


def _trade_buildings(shares: list[Share], model: CostModel) -> bool:
    """Two volunteers both in buildings A and B: one gives the other their part of A and takes the
    other's part of B, if neither ends above the makespan: two building visits fewer."""
    makespan = max(s.load for s in shares)
    for first in shares:
        for second in shares:
            if first is second:
                continue
            both = sorted(first.buildings & second.buildings)
            for given in both:
                for taken in both:
                    if given == taken:
                        continue
                    first_jobs = [j for j in first.jobs if j.building != given] + [
                        j for j in second.jobs if j.building == taken
                    ]
                    second_jobs = [j for j in second.jobs if j.building != taken] + [
                        j for j in first.jobs if j.building == given
                    ]
                    first_load, second_load = _load(first_jobs, model), _load(second_jobs, model)
                    if max(first_load, second_load) <= makespan:
                        first.jobs, first.load = first_jobs, first_load
                        second.jobs, second.load = second_jobs, second_load
                        return True
    return False


def _unload_busiest(shares: list[Share], model: CostModel) -> bool:
    """Move one job off the most loaded volunteer where that lowers the makespan."""
    busiest = max(shares, key=lambda s: s.load)
    makespan = busiest.load
    for job in sorted(busiest.jobs, key=lambda j: -j.cost):
        rest = [j for j in busiest.jobs if j is not job]
        left = _load(rest, model)
        for taker in sorted(shares, key=lambda s: s.load):
            if taker is busiest:
                continue
            taken = _load([*taker.jobs, job], model)
            others = max((s.load for s in shares if s is not busiest and s is not taker), default=0)
            if max(left, taken, others) < makespan:
                busiest.jobs, busiest.load = rest, left
                taker.jobs.append(job)
                taker.load = taken
                return True
    return False
