"""What errands' services write into an audit entry's `changes`, action by action."""

CHANGES = {
    "errands.request.create": {"category": "formula", "urgency": "urgent", "channel": "phone"},
    "errands.request.triage": {"category": ["documents", "documents"], "urgency": ["normal", "critical"]},
    "errands.request.assign": {"user": 7, "group": None},
    "errands.request.note": {"length": 12},
    "errands.request.done": {"state": "done"},
    "errands.request.confirm": {"rating": 5, "by_link": True},
    "errands.request.cancel": {"reason": "家属已买到"},
    "errands.request.escalate": {"overdue_minutes": 61},
    "errands.offer.create": {"request": 3},
    "errands.offer.accept": {"request": 3},
    "errands.offer.decline": {"request": 3},
    "errands.offer.unmatch": {"request": 3},
    "errands.group.create": {"name": "跑腿组", "members": 3},
    "errands.export": {"rows": 12},
}
