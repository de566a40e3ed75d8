"""Help requests shaped like the seeds' (formula, stroke medicine, a hospital pass, insulin,
documents), made through the services."""

from firstline.errands import services
from firstline.errands.models import HelpChannel

SEED_REQUESTS = {
    "formula": dict(
        category="formula",
        urgency="urgent",
        details="8个月宝宝奶粉没了，要一段900克",
        brand="飞鹤星飞帆",
        maker="飞鹤乳业",
    ),
    "stroke": dict(
        category="medicine",
        urgency="urgent",
        details="脑梗后遗症的药，吃完了，商标与厂家必须一致",
        brand="拜阿司匹灵",
        maker="拜耳医药保健有限公司",
    ),
    "pass": dict(
        category="hospital",
        urgency="urgent",
        details="孕38周，要去妇幼保健院住院待检，需要出行通行证",
    ),
    "insulin": dict(
        category="medicine",
        urgency="normal",
        details="隔离在家，胰岛素和针头快用完了",
        brand="诺和锐",
        maker="诺和诺德",
    ),
    "documents": dict(
        category="documents",
        urgency="normal",
        details="孩子中考报名，身份证和户口本在另一个小区的老房子里，需要帮忙去取",
    ),
}


def help_request(
    acting_user, household, kind: str = "formula", *, person=None, channel=HelpChannel.PHONE, **over
):
    return services.request_create(
        acting_user=acting_user,
        household=household,
        person=person,
        channel=channel,
        **{**SEED_REQUESTS[kind], **over},
    )
