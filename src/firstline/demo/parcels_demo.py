"""The demo's gate parcels: one day at 睿和新城's gate, in every state (seed 001: residents' own
purchases reach only the gate; they are disinfected, held two hours, then carried to the door, and one
volunteer did this for ~400 households, mostly walk-up buildings).

Everything goes through the parcels services (register, disinfect, assign, deliver, return), then
the times are moved back into the replayed day in one UPDATE per group, as a generator's shortcut:

- this morning's first parcels delivered, confirmed by the resident's code;
- a batch deliverable since its two hours ended and given to the compound's volunteer (贾令君, who
  carries for the whole compound, as in the seed) through the split: out for delivery;
- a batch deliverable and not yet given to anyone, for the split page;
- a batch disinfected within the last two hours, still holding;
- the latest arrivals registered and waiting for disinfection;
- one brought back to the gate (nobody home), and two from yesterday still undelivered (flagged).
"""

import datetime as dt

from django.utils import timezone

from firstline.parcels import selectors, services
from firstline.parcels.models import Parcel
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode

WHAT = [
    ("2袋50斤的面粉", 2, "heavy"),
    ("1桶20斤的油", 1, "medium"),
    ("1袋50斤的大米", 1, "heavy"),
    ("45个蔬菜包", 45, "heavy"),
    ("1箱牛奶", 1, "medium"),
    ("3袋挂面", 3, "light"),
    ("1箱鸡蛋", 1, "medium"),
    ("2包卫生纸", 2, "light"),
    ("药品1袋", 1, "light"),
    ("1箱方便面", 1, "light"),
]
# How many parcels of the day are in each state.
PLAN = {
    "delivered": 30,
    "out": 24,
    "deliverable": 28,
    "holding": 20,
    "registered": 12,
    "returned": 1,
    "late": 2,
}


class ParcelsDemo:
    def __init__(self, *, built, users: dict):
        self.built = built
        self.users = users
        self.compound = built.compound

    def load(self) -> dict:
        staff = self.users["shequ"]
        volunteer = self.users["zhiyuan"]
        # Every 9th door of the compound (every 3rd on the small demo).
        doors = self.built.households[:: 9 if len(self.built.households) > 500 else 3]
        walkup = [d for d in doors if not self._lift(d)]
        lift = [d for d in doors if self._lift(d)]
        # One parcel in six for a lift building, the rest walk-up; a door may have several parcels.
        chosen = [
            lift[(i // 6) % len(lift)] if i % 6 == 5 and lift else walkup[i % len(walkup)]
            for i in range(sum(PLAN.values()))
        ]
        now = timezone.now()
        made: dict[str, list[Parcel]] = {}
        position = 0
        for state, count in PLAN.items():
            group = []
            for door in chosen[position : position + count]:
                description, pieces, weight = WHAT[(position + len(group)) % len(WHAT)]
                group.append(
                    services.parcel_register(
                        acting_user=volunteer,
                        household=door,
                        description=description,
                        count=pieces,
                        weight_class=weight,
                    )
                )
            made[state] = group
            position += count
        disinfected = [p.pk for state, group in made.items() if state != "registered" for p in group]
        services.parcels_disinfect(acting_user=volunteer, parcel_ids=disinfected)
        self._times(
            made["late"], registered=now - dt.timedelta(hours=27), disinfected=now - dt.timedelta(hours=26)
        )
        for state in ("delivered", "out", "deliverable", "returned"):
            self._times(
                made[state],
                registered=now - dt.timedelta(hours=4),
                disinfected=now - dt.timedelta(hours=3, minutes=30),
            )
        self._times(
            made["holding"],
            registered=now - dt.timedelta(minutes=70),
            disinfected=now - dt.timedelta(minutes=50),
        )
        self._times(made["registered"], registered=now - dt.timedelta(minutes=15), disinfected=None)
        for parcel in made["delivered"]:
            payload = self._code(parcel)
            if payload:
                services.parcel_deliver(acting_user=volunteer, parcel=parcel, code_payload=payload)
        services.parcel_return(acting_user=volunteer, parcel=made["returned"][0], reason="家中无人，电话未接")
        # The morning's split: the first batch given to the compound's volunteers.
        split = selectors.delivery_split(user=staff, site=self.compound)
        first = {p.pk for p in made["out"]}
        assignment = {v: [pk for pk in pks if pk in first] for v, pks in split.assignment().items()}
        services.delivery_split_assign(acting_user=staff, compound=self.compound, assignment=assignment)
        return {state: len(group) for state, group in made.items()}

    @staticmethod
    def _lift(door) -> bool:
        parent = door.parent
        building = parent.parent if parent.kind == "unit" else parent
        return bool(building.has_lift)

    @staticmethod
    def _times(parcels, *, registered, disinfected) -> None:
        fields = {"registered_at": registered}
        if disinfected is not None:
            fields |= {"disinfected_at": disinfected, "hold_until": disinfected + dt.timedelta(hours=2)}
        Parcel.objects.filter(pk__in=[p.pk for p in parcels]).update(**fields)

    @staticmethod
    def _code(parcel) -> str:
        code = (
            PersonalCode.objects.filter(
                kind=CodeKind.PERSON,
                revoked_at__isnull=True,
                person__residences__household_id=parcel.household_id,
                person__residences__is_current=True,
            )
            .values_list("code", flat=True)
            .first()
        )
        return codes.payload_for(code) if code else ""
