"""How to call every page and every API operation with the records of one side (see world.py)."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.every_route import apps as _apps


def _csv(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


# Pages: URL name -> a function of the side giving the path (query string included).
WEB_PATHS = {
    "set_language": lambda s: "/i18n/setlang/",
    "web:login": lambda s: "/login/",
    "web:logout": lambda s: "/logout/",
    "web:home": lambda s: "/",
    "web:team": lambda s: "/team/",
    "web:grant_revoke": lambda s: f"/team/grants/{s.grant.pk}/withdraw/",
    "web:user_unlock": lambda s: f"/team/users/{s.grant.user_id}/unlock/",
    "web:profile": lambda s: "/me/",
    "web:resident": lambda s: "/mine/",
    "web:resident_code": lambda s: f"/mine/codes/{s.person.pk}/",
    "web:resident_family_code": lambda s: f"/mine/family/{s.household.pk}/",
    "web:audit": lambda s: "/audit/",
    "web:token_revoke": lambda s: f"/me/tokens/{s.token.pk}/revoke/",
    "web:area": lambda s: f"/areas/{s.compound.pk}/",
    "web:area_risk": lambda s: f"/areas/{s.building.pk}/risk/",
    "web:area_edit": lambda s: f"/areas/{s.building.pk}/edit/",
    "web:building_add": lambda s: f"/areas/{s.compound.pk}/buildings/",
    "web:area_add": lambda s: f"/areas/{s.community.pk}/add/",
    "web:building_map": lambda s: f"/areas/{s.building.pk}/map/",
    "web:survey_list": lambda s: f"/areas/{s.building.pk}/survey/",
    "web:door_picker": lambda s: f"/areas/{s.compound.pk}/doors/?door_from=block&door_block={s.building.pk}",
    "web:household": lambda s: f"/households/{s.household.pk}/",
    "web:member_add": lambda s: f"/households/{s.household.pk}/members/",
    "web:visit_add": lambda s: f"/households/{s.household.pk}/visits/",
    "web:person": lambda s: f"/people/{s.person.pk}/",
    "web:person_edit": lambda s: f"/people/{s.person.pk}/edit/",
    "web:person_reveal": lambda s: f"/people/{s.person.pk}/reveal/",
    "web:person_phone": lambda s: f"/people/{s.person.pk}/phone/",
    "web:person_vulnerabilities": lambda s: f"/people/{s.person.pk}/needs/",
    "web:person_move": lambda s: f"/people/{s.person.pk}/move/",
    "web:person_leave": lambda s: f"/people/{s.person.pk}/leave/",
    "web:duplicates": lambda s: "/people/duplicates/",
    "web:duplicate_resolve": lambda s: f"/people/duplicates/{s.duplicate.pk}/",
    "web:search": lambda s: f"/search/?q={s.person.name}",
    "web:import_start": lambda s: f"/areas/{s.compound.pk}/import/",
    "web:area_export": lambda s: f"/areas/{s.compound.pk}/export/",
    "web:import_job": lambda s: f"/imports/{s.job.pk}/",
    "web:import_columns": lambda s: f"/imports/{s.job.pk}/columns/",
    "web:import_report": lambda s: f"/imports/{s.job.pk}/report.csv",
    "web:registration_public": lambda s: f"/r/{s.compound.public_token}/",
    "web:registration_doors": lambda s: f"/r/{s.compound.public_token}/doors/?building={s.building.pk}",
    "web:registration_poster": lambda s: f"/areas/{s.compound.pk}/registration-poster/",
    "web:registration_queue": lambda s: "/registrations/",
    "web:registration_review": lambda s: f"/registrations/{s.submission.pk}/",
    "web:person_card": lambda s: f"/people/{s.person.pk}/card/",
    "web:family_card": lambda s: f"/households/{s.household.pk}/family-card/",
    "web:testing_rounds": lambda s: "/testing/",
    "web:testing_round": lambda s: f"/testing/rounds/{s.round.pk}/",
    "web:testing_round_status": lambda s: f"/testing/rounds/{s.round.pk}/status/",
    "web:testing_pooling": lambda s: f"/testing/rounds/{s.round.pk}/pooling/",
    "web:testing_points": lambda s: f"/testing/rounds/{s.round.pk}/points/",
    "web:testing_point_edit": lambda s: f"/testing/points/{s.point.pk}/",
    "web:testing_coverage": lambda s: f"/testing/rounds/{s.round.pk}/coverage/{s.compound.pk}/",
    "web:testing_missing": lambda s: f"/testing/rounds/{s.round.pk}/missing/{s.building.pk}/",
    "web:testing_exempt": lambda s: f"/testing/rounds/{s.round.pk}/exemptions/",
    "web:testing_exempt_remove": lambda s: f"/testing/exemptions/{s.exemption.pk}/remove/",
    "web:testing_calldowns": lambda s: f"/testing/rounds/{s.round.pk}/calldowns/{s.point.pk}/",
    "web:testing_positives": lambda s: f"/testing/rounds/{s.round.pk}/positives/",
    "web:testing_seal": lambda s: f"/testing/tubes/{s.tube.pk}/seal/",
    "web:testing_export": lambda s: f"/testing/rounds/{s.round.pk}/export/{s.compound.pk}/",
    "web:testing_tubes": lambda s: f"/testing/rounds/{s.round.pk}/tubes/",
    "web:testing_desk": lambda s: f"/testing/rounds/{s.round.pk}/desk/?point={s.point.pk}&desk=1",
    "web:testing_door_buildings": lambda s: f"/testing/rounds/{s.round.pk}/door/",
    "web:testing_door": lambda s: f"/testing/rounds/{s.round.pk}/door/{s.building.pk}/",
    "web:testing_find": lambda s: f"/testing/rounds/{s.round.pk}/find/?q={s.person.name}",
    "web:testing_tube": lambda s: f"/testing/rounds/{s.round.pk}/tube/",
    "web:testing_sw": lambda s: "/testing/sw.js",
    "web:testing_boxes": lambda s: f"/testing/rounds/{s.round.pk}/boxes/",
    "web:testing_box": lambda s: f"/testing/boxes/{s.box.pk}/",
    "web:lab": lambda s: "/lab/",
    "web:lab_box": lambda s: f"/lab/boxes/{s.box.pk}/",
    "web:lab_upload": lambda s: "/lab/results/upload/",
    "web:lab_upload_report": lambda s: f"/lab/uploads/{s.upload.pk}/",
    "web:antigen_report": lambda s: "/antigen/",
    "web:antigen_household": lambda s: f"/households/{s.household.pk}/antigen/",
    "web:antigen_list": lambda s: f"/antigen/area/{s.compound.pk}/",
    "web:followups": lambda s: "/followups/",
    "web:followup_close": lambda s: f"/followups/{s.follow_up.pk}/close/",
    "web:notices": lambda s: "/notices/",
    "web:notices_read": lambda s: "/notices/read/",
}


# API operations: (method, path template of the OpenAPI schema) -> (path, JSON body or None).
API_CALLS = {
    ("GET", "/api/v1/areas"): lambda s: ("/api/v1/areas", None),
    ("GET", "/api/v1/areas/{area_id}"): lambda s: (f"/api/v1/areas/{s.compound.pk}", None),
    ("PATCH", "/api/v1/areas/{area_id}"): lambda s: (
        f"/api/v1/areas/{s.building.pk}",
        {"note": "东侧有电梯"},
    ),
    ("GET", "/api/v1/areas/{area_id}/children"): lambda s: (f"/api/v1/areas/{s.compound.pk}/children", None),
    ("POST", "/api/v1/areas/{area_id}/children"): lambda s: (
        f"/api/v1/areas/{s.compound.pk}/children",
        {"kind": "building", "name": "新楼"},
    ),
    ("POST", "/api/v1/areas/{area_id}/buildings"): lambda s: (
        f"/api/v1/areas/{s.compound.pk}/buildings",
        {"name": "新建楼", "units": 1, "floors": 2, "doors_per_floor": 2, "has_lift": False},
    ),
    ("POST", "/api/v1/areas/{area_id}/risk"): lambda s: (
        f"/api/v1/areas/{s.building.pk}/risk",
        {"status": "controlled", "reason": "密接"},
    ),
    ("GET", "/api/v1/areas/{area_id}/risk-history"): lambda s: (
        f"/api/v1/areas/{s.building.pk}/risk-history",
        None,
    ),
    ("GET", "/api/v1/areas/{area_id}/map"): lambda s: (f"/api/v1/areas/{s.building.pk}/map", None),
    ("GET", "/api/v1/people/households/{household_id}/members"): lambda s: (
        f"/api/v1/people/households/{s.household.pk}/members",
        None,
    ),
    ("GET", "/api/v1/people/{person_id}"): lambda s: (f"/api/v1/people/{s.person.pk}", None),
    ("PATCH", "/api/v1/people/{person_id}"): lambda s: (
        f"/api/v1/people/{s.person.pk}",
        {"phone": "13800138111"},
    ),
    ("POST", "/api/v1/people"): lambda s: (
        "/api/v1/people",
        {"household_id": s.household.pk, "name": "新成员"},
    ),
    ("POST", "/api/v1/people/{person_id}/reveal-id"): lambda s: (
        f"/api/v1/people/{s.person.pk}/reveal-id",
        {},
    ),
    ("PUT", "/api/v1/people/{person_id}/vulnerabilities"): lambda s: (
        f"/api/v1/people/{s.person.pk}/vulnerabilities",
        {"vulnerabilities": [{"tag": "独居老人"}]},
    ),
    ("POST", "/api/v1/people/{person_id}/move"): lambda s: (
        f"/api/v1/people/{s.person.pk}/move",
        {"household_id": s.household.pk, "date": "2022-04-05"},
    ),
    ("POST", "/api/v1/people/{person_id}/end-residence"): lambda s: (
        f"/api/v1/people/{s.person.pk}/end-residence",
        {"date": "2022-04-05"},
    ),
    ("POST", "/api/v1/people/merge"): lambda s: (
        "/api/v1/people/merge",
        {"keep_id": s.duplicate.person_id, "merge_id": s.duplicate.other_id},
    ),
    ("GET", "/api/v1/visits/never-reached"): lambda s: (
        f"/api/v1/visits/never-reached?area={s.building.pk}",
        None,
    ),
    ("GET", "/api/v1/visits/second-visit"): lambda s: (
        f"/api/v1/visits/second-visit?area={s.building.pk}",
        None,
    ),
    ("GET", "/api/v1/visits/vulnerable"): lambda s: (f"/api/v1/visits/vulnerable?area={s.building.pk}", None),
    ("POST", "/api/v1/visits"): lambda s: (
        "/api/v1/visits",
        {"household_id": s.household.pk, "outcome": "registered"},
    ),
    ("GET", "/api/v1/imports/{job_id}"): lambda s: (f"/api/v1/imports/{s.job.pk}", None),
    ("POST", "/api/v1/imports/{job_id}/start"): lambda s: (
        f"/api/v1/imports/{s.job.pk}/start",
        {"mapping": {"姓名": "name", "楼号": "building", "单元": "unit", "房号": "door"}},
    ),
    ("GET", "/api/v1/imports/export"): lambda s: (f"/api/v1/imports/export?area={s.compound.pk}", None),
    ("POST", "/api/v1/imports"): lambda s: (
        "/api/v1/imports",
        {
            "area_id": s.compound.pk,
            "start": "false",
            "file": _csv("l.csv", f"姓名,楼号,房号\n新人,{s.building.name},101\n"),
        },
    ),
    ("GET", "/api/v1/people/search"): lambda s: (f"/api/v1/people/search?q={s.person.name}", None),
    ("POST", "/api/v1/people/search"): lambda s: ("/api/v1/people/search", {"q": s.person.name}),
    ("GET", "/api/v1/registrations/pending"): lambda s: ("/api/v1/registrations/pending", None),
    ("POST", "/api/v1/registrations/reject"): lambda s: (
        "/api/v1/registrations/reject",
        {"submission_ids": [s.submission.pk], "reason": "垃圾提交"},
    ),
    ("POST", "/api/v1/registrations/codes/resolve"): lambda s: (
        "/api/v1/registrations/codes/resolve",
        {"payload": s.code_payload},
    ),
    ("GET", "/api/v1/registrations/{submission_id}"): lambda s: (
        f"/api/v1/registrations/{s.submission.pk}",
        None,
    ),
    ("POST", "/api/v1/registrations/{submission_id}/accept"): lambda s: (
        f"/api/v1/registrations/{s.submission.pk}/accept",
        {"household_id": s.household.pk, "corrections": []},
    ),
    ("POST", "/api/v1/registrations/{submission_id}/reject"): lambda s: (
        f"/api/v1/registrations/{s.submission.pk}/reject",
        {"reason": "重复提交"},
    ),
    ("GET", "/api/v1/testing/rounds"): lambda s: ("/api/v1/testing/rounds", None),
    ("POST", "/api/v1/testing/rounds"): lambda s: (
        "/api/v1/testing/rounds",
        {"area_id": s.community.pk, "name": "新一轮", "date": "2022-04-06"},
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}"): lambda s: (f"/api/v1/testing/rounds/{s.round.pk}", None),
    ("PATCH", "/api/v1/testing/rounds/{round_id}"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}",
        {"note": "改"},
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/pooling"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/pooling",
        None,
    ),
    ("PUT", "/api/v1/testing/rounds/{round_id}/pooling"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/pooling",
        {"by_risk": [{"risk_status": "normal", "capacity": 20}]},
    ),
    ("POST", "/api/v1/testing/rounds/{round_id}/status"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/status",
        {"status": "closed"},
    ),
    ("POST", "/api/v1/testing/rounds/{round_id}/scans"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/scans",
        {
            "client_id": str(uuid.uuid4()),
            "tube_code": "TZ0000001",
            "person_id": s.person.pk,
            "door_to_door": True,
        },
    ),
    ("POST", "/api/v1/testing/rounds/{round_id}/scans/batch"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/scans/batch",
        {
            "scans": [
                {
                    "client_id": str(uuid.uuid4()),
                    "tube_code": "TZ0000002",
                    "person_id": s.person.pk,
                    "door_to_door": True,
                }
            ]
        },
    ),
    ("POST", "/api/v1/testing/rounds/{round_id}/tubes/{tube_code}/close"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/tubes/{s.tube.code}/close",
        {},
    ),
    ("GET", "/api/v1/testing/points"): lambda s: (f"/api/v1/testing/points?compound={s.compound.pk}", None),
    ("POST", "/api/v1/testing/points"): lambda s: (
        "/api/v1/testing/points",
        {"compound_id": s.compound.pk, "name": "北门"},
    ),
    ("PATCH", "/api/v1/testing/points/{point_id}"): lambda s: (
        f"/api/v1/testing/points/{s.point.pk}",
        {"desks": 3},
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/points"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/points",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/exemptions"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/exemptions",
        None,
    ),
    ("POST", "/api/v1/testing/rounds/{round_id}/exemptions"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/exemptions",
        {"person_id": s.person.pk, "reason": "hospital"},
    ),
    ("DELETE", "/api/v1/testing/exemptions/{exemption_id}"): lambda s: (
        f"/api/v1/testing/exemptions/{s.exemption.pk}",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/tubes"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/tubes",
        None,
    ),
    ("GET", "/api/v1/testing/tubes/{tube_code}"): lambda s: (f"/api/v1/testing/tubes/{s.tube.code}", None),
    ("POST", "/api/v1/testing/tubes/{tube_code}/seal"): lambda s: (
        f"/api/v1/testing/tubes/{s.tube.code}/seal",
        {"level": "household"},
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/boxes"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/boxes",
        None,
    ),
    ("POST", "/api/v1/testing/rounds/{round_id}/boxes"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/boxes",
        {"code": "BZ0001", "point_id": s.point.pk},
    ),
    ("GET", "/api/v1/testing/boxes/{box_code}"): lambda s: (f"/api/v1/testing/boxes/{s.box.code}", None),
    ("POST", "/api/v1/testing/boxes/{box_code}/tubes"): lambda s: (
        f"/api/v1/testing/boxes/{s.box.code}/tubes",
        {"tube_codes": [s.tube.code]},
    ),
    ("DELETE", "/api/v1/testing/boxes/{box_code}/tubes/{tube_code}"): lambda s: (
        f"/api/v1/testing/boxes/{s.box.code}/tubes/{s.tube.code}",
        None,
    ),
    ("POST", "/api/v1/testing/boxes/{box_code}/pack"): lambda s: (
        f"/api/v1/testing/boxes/{s.box.code}/pack",
        {"counted": 1},
    ),
    ("POST", "/api/v1/testing/boxes/{box_code}/pickup"): lambda s: (
        f"/api/v1/testing/boxes/{s.box.code}/pickup",
        {},
    ),
    ("POST", "/api/v1/testing/boxes/{box_code}/receive"): lambda s: (
        f"/api/v1/testing/boxes/{s.box.code}/receive",
        {"counted": 1},
    ),
    ("POST", "/api/v1/testing/results"): lambda s: (
        "/api/v1/testing/results",
        {"results": [{"tube_code": s.tube.code, "result": "negative"}]},
    ),
    ("POST", "/api/v1/testing/results/upload"): lambda s: (
        "/api/v1/testing/results/upload",
        {"file": _csv("r.csv", f"试管编码,检测结果\n{s.tube.code},阴性\n")},
    ),
    ("GET", "/api/v1/testing/results/uploads/{upload_id}"): lambda s: (
        f"/api/v1/testing/results/uploads/{s.upload.pk}",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/coverage"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/coverage?area={s.compound.pk}",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/missing"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/missing?area={s.building.pk}",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/buildings/{building_id}"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/buildings/{s.building.pk}",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/door-to-door/{building_id}"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/door-to-door/{s.building.pk}",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/call-downs"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/call-downs?point={s.point.pk}",
        None,
    ),
    ("POST", "/api/v1/testing/rounds/{round_id}/call-downs"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/call-downs",
        {"point_id": s.point.pk, "stairwell_ids": [s.building.pk]},
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/positives"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/positives",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/resample-tasks"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/resample-tasks",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/export.xlsx"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/export.xlsx?area={s.compound.pk}",
        None,
    ),
    ("GET", "/api/v1/testing/rounds/{round_id}/summary"): lambda s: (
        f"/api/v1/testing/rounds/{s.round.pk}/summary",
        None,
    ),
    ("GET", "/api/v1/testing/antigen"): lambda s: (f"/api/v1/testing/antigen?area={s.household.pk}", None),
    ("POST", "/api/v1/testing/antigen"): lambda s: (
        "/api/v1/testing/antigen",
        {"household_id": s.household.pk, "result": "negative", "client_key": uuid.uuid4().hex},
    ),
    ("GET", "/api/v1/testing/follow-ups"): lambda s: ("/api/v1/testing/follow-ups", None),
    ("POST", "/api/v1/testing/follow-ups/{follow_up_id}/close"): lambda s: (
        f"/api/v1/testing/follow-ups/{s.follow_up.pk}/close",
        {"note": "单管阴性"},
    ),
    ("GET", "/api/v1/notices"): lambda s: ("/api/v1/notices", None),
    ("POST", "/api/v1/notices/read"): lambda s: ("/api/v1/notices/read", {"ids": [s.notice.pk]}),
}


# The body a page's POST is sent with, where an empty form would stop at validation before the
# rights are checked (a refused role must meet the refusal, not a form error).
WEB_POSTS = {
    "web:team": lambda s: {
        "area": s.building.pk,
        "username": "new_volunteer",
        "password": "a-long-pass-2022",
        "role": "volunteer",
    },
    "web:area_risk": lambda s: {"status": "controlled", "reason": "密接"},
    "web:area_edit": lambda s: {"name": s.building.name, "note": "东侧有电梯", "floors": "6"},
    "web:building_add": lambda s: {"name": "新楼", "units": "1", "floors": "2", "doors_per_floor": "2"},
    "web:area_add": lambda s: {"kind": "household", "name": "和平巷9号"},
    "web:member_add": lambda s: {"name": "新成员", "relation": "child"},
    "web:visit_add": lambda s: {"outcome": "registered"},
    "web:person_edit": lambda s: {"name": s.person.name, "phone": "13800138111"},
    "web:person_reveal": lambda s: {"reason": "核对"},
    "web:person_vulnerabilities": lambda s: {"vulnerabilities": "elderly_alone"},
    "web:person_move": lambda s: {"household": s.neighbour.pk, "date": "2022-04-05"},
    "web:person_leave": lambda s: {"date": "2022-04-05", "reason": "搬走"},
    "web:duplicate_resolve": lambda s: {"action": "dismiss"},
    "web:search": lambda s: {"q": s.person.name},
    "web:import_start": lambda s: {
        "file": _csv("l.csv", f"姓名,楼号,单元,房号\n新人,{s.building.name},1,101\n")
    },
    "web:import_columns": lambda s: {"col-0": "name", "col-1": "building", "col-2": "unit", "col-3": "door"},
    "web:registration_public": lambda s: {
        "submission_key": uuid.uuid4().hex,
        "contact_phone": "13700137000",
        "household": s.household.pk,
        "m-0-name": "自报新人",
    },
    "web:registration_queue": lambda s: {"submission": s.submission.pk, "reason": "垃圾提交"},
    "web:registration_review": lambda s: {"action": "reject", "reason": "重复提交"},
    "web:testing_rounds": lambda s: {"area": s.community.pk, "name": "新一轮", "date": "2022-04-06"},
    "web:testing_round_status": lambda s: {"status": "closed"},
    "web:testing_pooling": lambda s: {
        "capacity_normal": "20",
        "capacity_precaution": "20",
        "capacity_controlled": "10",
        "capacity_sealed": "1",
    },
    "web:testing_points": lambda s: {"compound": s.compound.pk, "name": "北门"},
    "web:testing_point_edit": lambda s: {"name": s.point.name, "desks": "3", "is_active": "1"},
    "web:testing_exempt": lambda s: {"person": s.person.pk, "reason": "hospital"},
    "web:testing_calldowns": lambda s: {"stairwell": s.building.pk},
    "web:testing_seal": lambda s: {"level": "household"},
    "web:testing_find": lambda s: {"q": s.person.name},
    "web:testing_tube": lambda s: {"code": s.tube.code},
    "web:testing_boxes": lambda s: {"point": s.point.pk, "code": "BZ0009"},
    "web:testing_box": lambda s: {"action": "add", "tubes": s.tube.code},
    "web:lab": lambda s: {"code": s.box.code},
    "web:lab_box": lambda s: {"action": "receive_count", "counted": "1"},
    "web:lab_upload": lambda s: {"file": _csv("r.csv", f"试管编码,检测结果\n{s.tube.code},阴性\n")},
    "web:antigen_household": lambda s: {"result": "negative", "client_key": uuid.uuid4().hex},
    "web:followup_close": lambda s: {"note": "单管阴性"},
}


# The later apps' ways to call their routes, each in its own module of tests/every_route/apps/.
for _name in ("WEB_PATHS", "WEB_POSTS", "API_CALLS"):
    _table = globals()[_name]
    _part = _apps.merged(_name)
    assert not set(_table) & set(_part), sorted(set(_table) & set(_part))
    _table.update(_part)
