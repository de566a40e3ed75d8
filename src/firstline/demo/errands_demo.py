"""The demo community's help requests (seed-shaped, in 睿和新城): infant formula with its brand and
maker, a stroke patient's medicine, a pregnant woman's hospital pass, insulin for a quarantined
resident (critical, overdue and escalated), documents to fetch from another compound, and an
80-year-old's groceries answered by a neighbour's offer; an errand group with its posted phones."""

import datetime as dt

from django.utils import timezone

from firstline.accounts.models import Grant
from firstline.accounts.roles import Role
from firstline.areas.models import RiskStatus
from firstline.errands import services
from firstline.errands.models import HelpRequest
from firstline.people.models import Residence


class ErrandsDemo:
    def __init__(self, *, built, users: dict):
        self.built = built
        self.users = users
        self.staff = users["shequ"]
        self.leader = users["louzhang"]
        self.volunteer = users["zhiyuan"]

    def _doors(self, building) -> list:
        return sorted(
            (h for h in self.built.households if h.path.startswith(building.path)), key=lambda h: h.path
        )

    def _person(self, household):
        residence = (
            Residence.objects.filter(household=household, is_current=True).select_related("person").first()
        )
        return residence.person if residence else None

    def load(self) -> None:
        buildings = sorted(self.built.buildings, key=lambda b: b.sort_key)
        sealed = next((b for b in buildings if b.risk_status == RiskStatus.SEALED), buildings[-1])
        first, second = buildings[0], buildings[1]
        doors = self._doors(first)
        group = services.group_create(
            acting_user=self.staff,
            area=self.built.compound,
            name="跑腿组",
            phone="13800001234",
            leader_phone="13900005678",
            members=[self.volunteer],
        )
        # An 8-month-old out of formula: asked by the building leader, carried by the group.
        formula = services.request_create(
            acting_user=self.leader,
            household=doors[0],
            person=self._person(doors[0]),
            channel="leader",
            category="formula",
            urgency="urgent",
            details="8个月宝宝奶粉没了，要一段900克两罐",
            brand="飞鹤星飞帆",
            maker="飞鹤乳业",
        )
        services.request_assign(acting_user=self.staff, request=formula, group=group)
        services.request_note(acting_user=self.volunteer, request=formula, text="母婴店有货，正在取")
        # A stroke patient's medicine: brand and maker must match; done, awaiting the household.
        stroke = services.request_create(
            acting_user=self.staff,
            household=doors[1],
            category="medicine",
            urgency="urgent",
            details="脑梗后遗症的药，吃完了，商标与厂家必须一致",
            brand="拜阿司匹灵",
            maker="拜耳医药保健有限公司",
        )
        services.request_assign(acting_user=self.staff, request=stroke, user=self.volunteer)
        services.request_done(acting_user=self.volunteer, request=stroke, text="已送到门口")
        # A woman about to give birth needs a pass to reach hospital: confirmed and rated.
        birth = services.request_create(
            acting_user=self.staff,
            household=doors[2],
            category="hospital",
            urgency="urgent",
            details="孕39周，有临产迹象，需要去妇幼保健院住院的通行证和车",
        )
        services.request_assign(acting_user=self.staff, request=birth, user=self.volunteer)
        services.request_done(acting_user=self.volunteer, request=birth, text="120已接走，通行证已开")
        services.request_confirm_by_link(token=birth.confirm_token, rating=5, note="谢谢社区")
        # Insulin for a quarantined resident in the sealed building: critical, overdue, escalated.
        insulin = services.request_create(
            acting_user=self.staff,
            household=self._doors(sealed)[0],
            category="medicine",
            urgency="critical",
            details="居家隔离，胰岛素和针头只剩一天的量",
            brand="诺和锐",
            maker="诺和诺德",
        )
        past = timezone.now() - dt.timedelta(minutes=95)
        HelpRequest.objects.filter(pk=insulin.pk).update(asked_at=past, due_at=past + dt.timedelta(hours=1))
        insulin.events.update(at=past)
        services.requests_escalate()
        # Documents in another compound for a child's exam registration: open.
        services.request_create(
            acting_user=self.staff,
            household=self._doors(second)[0],
            category="documents",
            urgency="normal",
            details="孩子中考报名，身份证和户口本在绿园小区老房子里，需要帮忙去取",
        )
        # An 80-year-old on a low floor cannot order food online; a neighbour higher up offers.
        neighbour = self.users["jumin"]
        home = Grant.objects.get(user=neighbour, role=Role.RESIDENT).area
        block = next(b for b in buildings if home.path.startswith(b.path))
        elder = next(
            h for h in self._doors(block) if h.pk != home.pk and h.pk not in {d.pk for d in doors[:3]}
        )
        groceries = services.request_create(
            acting_user=self.leader,
            household=elder,
            channel="leader",
            category="groceries",
            urgency="normal",
            details="80岁老人独居，不会网上买菜",
        )
        offer = services.offer_create(
            acting_user=neighbour, request=groceries, text="我家菜多，送一袋青菜和土豆给奶奶"
        )
        services.offer_accept(acting_user=self.staff, offer=offer)
