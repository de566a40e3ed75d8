"""What the parcels services write into `changes`, action by action."""

CHANGES = {
    "parcels.register": {"description": "2袋50斤的面粉", "count": 2, "by_code": True},
    "parcels.disinfect": {"hold_until": "2022-04-04T12:00:00+08:00"},
    "parcels.deliver": {"proof": "code"},
    "parcels.return": {"reason": "家中无人"},
    "parcels.assign": {"courier": 7},
    "parcels.export": {"day": "2022-04-04", "rows": 12},
}
