"""What the supplies services write into `changes`, action by action."""

_MOVE = {
    "item": 3,
    "item_name": "生菜",
    "quantity": "120000",
    "balance": "120000",
    "ref": "supplies.donation#1",
}

CHANGES = {
    "stock.receipt": _MOVE,
    "stock.issue": {**_MOVE, "quantity": "-50", "balance": "119950", "ref": ""},
    "stock.transfer_out": {**_MOVE, "quantity": "-48", "ref": "supplies.resupplyrequest#2"},
    "stock.transfer_in": {**_MOVE, "quantity": "48", "ref": "supplies.stockmovement#9"},
    "stock.return": {**_MOVE, "quantity": "2", "ref": "distribution.campaign#1"},
    "stock.adjustment": {**_MOVE, "quantity": "-2", "ref": ""},
    "stock.stocktake": {**_MOVE, "quantity": "1", "ref": "supplies.stocktake#4"},
    "stock.usage": {**_MOVE, "quantity": "-46", "ref": ""},
    "stock.levels": {"item": 3, "item_name": "口罩", "minimum": ["0", "20"], "target": ["0", "60"]},
    "stock.export": {"movements": 120},
    "stock.batch": {"movements": 10000, "items": 4},
    "stocktake.record": {"items": 3, "differences": 2, "disinfected": True},
    "resupply.raise": {"item": 3, "item_name": "口罩", "quantity": "48", "balance": "12"},
    "resupply.send": {"status": ["open", "sent"], "item": 3, "item_name": "口罩", "quantity": "48"},
    "resupply.receive": {"status": ["sent", "received"], "item": 3, "item_name": "口罩", "quantity": "48"},
    "resupply.cancel": {"status": ["open", "cancelled"], "item": 3, "item_name": "口罩"},
    "donor.create": {"kind": "village"},
    "item.create": {"item_name": "生菜", "unit": "jin"},
    "warehouse.create": {"sampling_point": True},
    "donation.receive": {"donor": 1, "lines": 2},
}
