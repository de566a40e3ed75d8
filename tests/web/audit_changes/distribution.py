"""What distribution's services write into an audit entry's `changes`, action by action."""

CHANGES = {
    "distribution.create": {
        "name": "爱心生菜",
        "rule": "household",
        "households": 40,
        "shares": "40",
        "batches": 2,
        "buildings": 3,
    },
    "distribution.confirm": {"households": [None, 11], "ledger": 12},
    "distribution.issue": {"batch": 1, "shares": "24"},
    "distribution.handover": {"user": 1, "shares": "24", "households": 24},
    "distribution.receipts": {"delivered": 20, "not_home": 2, "refused": 1, "doors_refused": 1},
    "distribution.return": {"shares": "3", "households": 3, "batch": 1},
    "distribution.close": {"status": ["in_progress", "closed"]},
    "distribution.export": {"buildings": 3},
}
