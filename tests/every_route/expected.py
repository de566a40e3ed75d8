"""The answers every route gives every role, written out by hand from the product rules (and read
against what the code does): two codes per role, for a record inside the areas of side "in" (C1,
P1, 1号楼, the resident's own door) and of side "out" (C2, P2, 9号楼).

Roles: coordinator (street S: both sides are inside), staff (C1), leader (1号楼 and 2号楼),
volunteer (P1), lab (street S, tubes and boxes only), resident (their door of 1号楼), outsider
(staff of C2), anonymous. 302L is a redirect to sign in; 405 a method the route does not take.

The rules the rows follow:
- outside a role's areas a record does not exist: 404 (the same answer as for no record at all);
- inside them, an action the role does not have is 403 (nothing is changed, the page says which
  role is needed); a list page of a kind of work the role never does (review queue, duplicates,
  rounds for a resident or a lab) is 404;
- staff and the coordinator do everything in their subtree but the lab's work; a leader sees and
  corrects their buildings, records visits, samples door to door, exempts, calls the missing (a
  phone revealed, audited) and reports antigen tests, but never reveals an ID number, changes a risk
  status, edits areas, merges, imports or exports; a volunteer sees their compound, records visits,
  samples at its points and packs boxes; a lab receives boxes and reports results, and sees no
  person; a resident reads their own household and reports its antigen tests.
"""

from tests.every_route import apps as _apps

ROLES = ("coordinator", "staff", "leader", "volunteer", "lab", "resident", "outsider", "anonymous")


def _rows(table: dict[str, str]) -> dict[str, dict[str, str]]:
    """ "200 200 | 404 404 | ..." (in, out for each role in ROLES) -> {"coordinator:in": "200", ...}."""
    rows = {}
    for route, text in table.items():
        pairs = [pair.split() for pair in text.split("|")]
        assert len(pairs) == len(ROLES) and all(len(p) == 2 for p in pairs), route
        rows[route] = {
            f"{role}:{where}": code
            for role, pair in zip(ROLES, pairs, strict=True)
            for where, code in zip(("in", "out"), pair, strict=True)
        }
    return rows


# route: coordinator | staff | leader | volunteer | lab | resident | outsider | anonymous
EXPECTED = _rows(
    {
        "set_language GET": "302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302",
        "set_language POST": "302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302",
        "web:login GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
        "web:login POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
        "web:logout GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405",
        "web:logout POST": "302L 302L | 302L 302L | 302L 302L | 302L 302L | 302L 302L | 302L 302L | 302L "
        "302L | 302L 302L",
        "web:home GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 302L 302L",
        "web:home POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 302L 302L",
        "web:team GET": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:team POST": "302 302 | 302 422 | 404 404 | 404 404 | 404 404 | 404 404 | 422 302 | 302L 302L",
        "web:grant_revoke "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:grant_revoke "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:user_unlock "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:user_unlock "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:profile GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 302L 302L",
        "web:profile POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 302L 302L",
        # A resident's own page and codes: nobody else's (their door is side "in").
        "web:resident GET": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 302L 302L",
        "web:resident "
        "POST": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 302L 302L",
        "web:resident_code "
        "GET": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 404 | 404 404 | 302L 302L",
        "web:resident_code "
        "POST": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 404 | 404 404 | 302L 302L",
        "web:resident_family_code "
        "GET": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 404 | 404 404 | 302L 302L",
        "web:resident_family_code "
        "POST": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 404 | 404 404 | 302L 302L",
        "web:audit GET": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:audit POST": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:token_revoke "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:token_revoke "
        "POST": "404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 302L 302L",
        "web:area GET": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:area POST": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:area_risk "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:area_risk "
        "POST": "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:area_edit "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:area_edit "
        "POST": "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:area_add GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:area_add "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:building_add "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:building_add "
        "POST": "302 302 | 302 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:building_map "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:building_map "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:survey_list "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:survey_list "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        # The door picker's partial: a role that may change the ledger, in its areas or above them.
        "web:door_picker "
        "GET": "200 200 | 200 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:door_picker "
        "POST": "200 200 | 200 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:household "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 200 | 302L 302L",
        "web:household "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 200 | 302L 302L",
        "web:member_add "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:member_add "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
        "web:visit_add "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:visit_add "
        "POST": "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
        "web:person GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 200 | 302L 302L",
        "web:person POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 200 | 302L 302L",
        "web:person_edit "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:person_edit "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
        "web:person_reveal "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:person_reveal "
        "POST": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 403 404 | 404 200 | 302L 302L",
        "web:person_phone "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:person_phone "
        "POST": "200 200 | 200 404 | 200 404 | 403 404 | 404 404 | 403 404 | 404 200 | 302L 302L",
        "web:person_vulnerabilities "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:person_vulnerabilities "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
        "web:person_move "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:person_move "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
        "web:person_leave "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:person_leave "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 403 404 | 404 302 | 302L 302L",
        "web:duplicates "
        "GET": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:duplicates "
        "POST": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:duplicate_resolve "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:duplicate_resolve "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:search GET": "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 200 200 | 200 200 | 302L 302L",
        "web:search POST": "303 303 | 303 303 | 303 303 | 303 303 | 404 404 | 303 303 | 303 303 | 302L 302L",
        "web:import_start "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:import_start "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:area_export "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:area_export "
        "POST": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:import_job "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:import_job "
        "POST": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:import_columns "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:import_columns "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:import_report "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:import_report "
        "POST": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:registration_public "
        "GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
        "web:registration_public "
        "POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
        "web:registration_doors "
        "GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
        "web:registration_doors "
        "POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
        "web:registration_poster "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:registration_poster "
        "POST": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:registration_queue "
        "GET": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:registration_queue "
        "POST": "302 302 | 302 302 | 404 404 | 404 404 | 404 404 | 404 404 | 302 302 | 302L 302L",
        "web:registration_review "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:registration_review "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:person_card "
        "GET": "200 200 | 200 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:person_card "
        "POST": "200 200 | 200 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:family_card "
        "GET": "200 200 | 200 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:family_card "
        "POST": "200 200 | 200 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_rounds "
        "GET": "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:testing_rounds "
        "POST": "302 302 | 302 422 | 403 403 | 403 403 | 404 404 | 404 404 | 422 302 | 302L 302L",
        "web:testing_round "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_round "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_round_status "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_round_status "
        "POST": "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_pooling "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_pooling "
        "POST": "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_points "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_points "
        "POST": "302 302 | 302 404 | 422 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_point_edit "
        "GET": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_point_edit "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_coverage "
        "GET": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_coverage "
        "POST": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_missing "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_missing "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_exempt "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_exempt "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_exempt_remove "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_exempt_remove "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_calldowns "
        "GET": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_calldowns "
        "POST": "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_positives "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_positives "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_seal "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_seal "
        "POST": "302 302 | 302 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_export "
        "GET": "200 200 | 200 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_export "
        "POST": "200 200 | 200 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_tubes "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_tubes "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_desk "
        "GET": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_desk "
        "POST": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_door_buildings "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_door_buildings "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_door "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_door "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_find "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_find "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_tube "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:testing_tube "
        "POST": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_sw GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200",
        "web:testing_sw "
        "POST": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405",
        "web:testing_boxes "
        "GET": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_boxes "
        "POST": "302 302 | 302 404 | 403 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:testing_box "
        "GET": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:testing_box "
        "POST": "409 409 | 409 404 | 404 404 | 409 404 | 404 404 | 404 404 | 404 409 | 302L 302L",
        "web:lab GET": "404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 404 404 | 302L 302L",
        "web:lab POST": "404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 404 404 | 302L 302L",
        "web:lab_box GET": "404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 404 404 | 302L 302L",
        "web:lab_box POST": "404 404 | 404 404 | 404 404 | 404 404 | 409 409 | 404 404 | 404 404 | 302L 302L",
        "web:lab_upload "
        "GET": "404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 404 404 | 302L 302L",
        "web:lab_upload "
        "POST": "404 404 | 404 404 | 404 404 | 404 404 | 302 302 | 404 404 | 404 404 | 302L 302L",
        "web:lab_upload_report "
        "GET": "404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 404 404 | 302L 302L",
        "web:lab_upload_report "
        "POST": "404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 404 404 | 404 404 | 302L 302L",
        "web:antigen_report "
        "GET": "200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 200 200 | 302L 302L",
        "web:antigen_report "
        "POST": "200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 200 200 | 302L 302L",
        "web:antigen_household "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:antigen_household "
        "POST": "302 302 | 302 404 | 302 404 | 403 404 | 404 404 | 302 404 | 404 302 | 302L 302L",
        "web:antigen_list "
        "GET": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:antigen_list "
        "POST": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L",
        "web:followups "
        "GET": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:followups "
        "POST": "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L",
        "web:followup_close "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:followup_close "
        "POST": "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L",
        "web:notices GET": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 302L 302L",
        "web:notices POST": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 302L 302L",
        "web:notices_read "
        "GET": "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L",
        "web:notices_read "
        "POST": "302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302L 302L",
        "GET /api/v1/areas": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 401 401",
        "GET /api/v1/areas/{area_id}": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 200 "
        "| 401 401",
        "PATCH /api/v1/areas/{area_id}": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 "
        "200 | 401 401",
        "GET /api/v1/areas/{area_id}/children": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 "
        "| 404 200 | 401 401",
        "POST /api/v1/areas/{area_id}/children": "201 201 | 201 404 | 404 404 | 403 404 | 404 404 | 404 404 "
        "| 404 201 | 401 401",
        "POST /api/v1/areas/{area_id}/buildings": "201 201 | 201 404 | 404 404 | 403 404 | 404 404 | 404 "
        "404 | 404 201 | 401 401",
        "POST /api/v1/areas/{area_id}/risk": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | "
        "404 200 | 401 401",
        "GET /api/v1/areas/{area_id}/risk-history": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 "
        "404 | 404 200 | 401 401",
        "GET /api/v1/areas/{area_id}/map": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 "
        "200 | 401 401",
        "GET /api/v1/people/households/{household_id}/members": "200 200 | 200 404 | 200 404 | 200 404 | "
        "404 404 | 200 404 | 404 200 | 401 401",
        "GET /api/v1/people/{person_id}": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 "
        "200 | 401 401",
        "PATCH /api/v1/people/{person_id}": "200 200 | 200 404 | 200 404 | 403 404 | 404 404 | 403 404 | "
        "404 200 | 401 401",
        "POST /api/v1/people": "201 201 | 201 404 | 201 404 | 403 404 | 404 404 | 403 404 | 404 201 | 401 "
        "401",
        "POST /api/v1/people/{person_id}/reveal-id": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 403 "
        "404 | 404 200 | 401 401",
        "PUT /api/v1/people/{person_id}/vulnerabilities": "200 200 | 200 404 | 200 404 | 403 404 | 404 404 "
        "| 403 404 | 404 200 | 401 401",
        "POST /api/v1/people/{person_id}/move": "422 422 | 422 404 | 422 404 | 403 404 | 404 404 | 403 404 "
        "| 404 422 | 401 401",
        "POST /api/v1/people/{person_id}/end-residence": "204 204 | 204 404 | 204 404 | 403 404 | 404 404 | "
        "403 404 | 404 204 | 401 401",
        "POST /api/v1/people/merge": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 403 404 | 404 200 | "
        "401 401",
        "GET /api/v1/visits/never-reached": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | "
        "404 200 | 401 401",
        "GET /api/v1/visits/second-visit": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 "
        "200 | 401 401",
        "GET /api/v1/visits/vulnerable": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 "
        "200 | 401 401",
        "POST /api/v1/visits": "201 201 | 201 404 | 201 404 | 201 404 | 404 404 | 403 404 | 404 201 | 401 "
        "401",
        "GET /api/v1/imports/{job_id}": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 "
        "200 | 401 401",
        "POST /api/v1/imports/{job_id}/start": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | "
        "404 200 | 401 401",
        "GET /api/v1/imports/export": "200 200 | 200 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 200 "
        "| 401 401",
        "POST /api/v1/imports": "201 201 | 201 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 201 | 401 "
        "401",
        "GET /api/v1/people/search": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | "
        "401 401",
        "POST /api/v1/people/search": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 "
        "| 401 401",
        "GET /api/v1/registrations/pending": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | "
        "200 200 | 401 401",
        "POST /api/v1/registrations/reject": "200 200 | 200 200 | 403 403 | 403 403 | 403 403 | 403 403 | "
        "200 200 | 401 401",
        "POST /api/v1/registrations/codes/resolve": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 "
        "404 | 404 200 | 401 401",
        "GET /api/v1/registrations/{submission_id}": "200 200 | 200 404 | 404 404 | 404 404 | 404 404 | 404 "
        "404 | 404 200 | 401 401",
        "POST /api/v1/registrations/{submission_id}/accept": "200 200 | 200 404 | 404 404 | 404 404 | 404 "
        "404 | 404 404 | 404 200 | 401 401",
        "POST /api/v1/registrations/{submission_id}/reject": "204 204 | 204 404 | 404 404 | 404 404 | 404 "
        "404 | 404 404 | 404 204 | 401 401",
        "GET /api/v1/testing/rounds": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 "
        "| 401 401",
        "POST /api/v1/testing/rounds": "201 201 | 201 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 201 "
        "| 401 401",
        "GET /api/v1/testing/rounds/{round_id}": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 "
        "| 404 200 | 401 401",
        "PATCH /api/v1/testing/rounds/{round_id}": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 "
        "404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/pooling": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "PUT /api/v1/testing/rounds/{round_id}/pooling": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "POST /api/v1/testing/rounds/{round_id}/status": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "POST /api/v1/testing/rounds/{round_id}/scans": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "POST /api/v1/testing/rounds/{round_id}/scans/batch": "200 200 | 200 404 | 200 404 | 200 404 | 404 "
        "404 | 404 404 | 404 200 | 401 401",
        "POST /api/v1/testing/rounds/{round_id}/tubes/{tube_code}/close": "200 200 | 200 404 | 200 404 | "
        "200 404 | 404 404 | 404 404 | "
        "404 200 | 401 401",
        "GET /api/v1/testing/points": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 "
        "| 401 401",
        "POST /api/v1/testing/points": "201 201 | 201 404 | 404 404 | 403 404 | 404 404 | 404 404 | 404 201 "
        "| 401 401",
        "PATCH /api/v1/testing/points/{point_id}": "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 "
        "404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/points": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/exemptions": "200 200 | 200 404 | 404 404 | 404 404 | 404 "
        "404 | 404 404 | 404 200 | 401 401",
        "POST /api/v1/testing/rounds/{round_id}/exemptions": "201 201 | 201 404 | 201 404 | 403 404 | 404 "
        "404 | 404 404 | 404 201 | 401 401",
        "DELETE /api/v1/testing/exemptions/{exemption_id}": "204 204 | 204 404 | 204 404 | 403 404 | 404 "
        "404 | 404 404 | 404 204 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/tubes": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/tubes/{tube_code}": "200 200 | 200 404 | 404 404 | 200 404 | 200 200 | 404 404 "
        "| 404 200 | 401 401",
        "POST /api/v1/testing/tubes/{tube_code}/seal": "422 422 | 422 404 | 404 404 | 403 404 | 404 404 | "
        "404 404 | 404 422 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/boxes": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "POST /api/v1/testing/rounds/{round_id}/boxes": "201 201 | 201 404 | 403 404 | 201 404 | 404 404 | "
        "404 404 | 404 201 | 401 401",
        "GET /api/v1/testing/boxes/{box_code}": "200 200 | 200 404 | 404 404 | 200 404 | 200 200 | 404 404 "
        "| 404 200 | 401 401",
        "POST /api/v1/testing/boxes/{box_code}/tubes": "409 409 | 409 404 | 404 404 | 409 404 | 403 403 | "
        "404 404 | 404 409 | 401 401",
        "DELETE /api/v1/testing/boxes/{box_code}/tubes/{tube_code}": "409 409 | 409 404 | 404 404 | 409 404 "
        "| 403 403 | 404 404 | 404 409 | 401 "
        "401",
        "POST /api/v1/testing/boxes/{box_code}/pack": "409 409 | 409 404 | 404 404 | 409 404 | 403 403 | "
        "404 404 | 404 409 | 401 401",
        "POST /api/v1/testing/boxes/{box_code}/pickup": "409 409 | 409 404 | 404 404 | 409 404 | 403 403 | "
        "404 404 | 404 409 | 401 401",
        "POST /api/v1/testing/boxes/{box_code}/receive": "403 403 | 403 404 | 404 404 | 403 404 | 409 409 | "
        "404 404 | 404 403 | 401 401",
        "POST /api/v1/testing/results": "403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 403 403 | 403 "
        "403 | 401 401",
        "POST /api/v1/testing/results/upload": "403 403 | 403 403 | 403 403 | 403 403 | 201 201 | 403 403 | "
        "403 403 | 401 401",
        "GET /api/v1/testing/results/uploads/{upload_id}": "404 404 | 404 404 | 404 404 | 404 404 | 200 200 "
        "| 404 404 | 404 404 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/coverage": "200 200 | 200 404 | 404 404 | 200 404 | 404 404 "
        "| 404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/missing": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/buildings/{building_id}": "200 200 | 200 404 | 200 404 | 200 "
        "404 | 404 404 | 404 404 | 404 200 "
        "| 401 401",
        "GET /api/v1/testing/rounds/{round_id}/door-to-door/{building_id}": "200 200 | 200 404 | 200 404 | "
        "200 404 | 404 404 | 404 404 | "
        "404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/call-downs": "200 200 | 200 404 | 404 404 | 200 404 | 404 "
        "404 | 404 404 | 404 200 | 401 401",
        "POST /api/v1/testing/rounds/{round_id}/call-downs": "201 201 | 201 404 | 403 404 | 403 404 | 404 "
        "404 | 404 404 | 404 201 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/positives": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 "
        "| 404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/resample-tasks": "200 200 | 200 404 | 200 404 | 200 404 | "
        "404 404 | 404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/export.xlsx": "200 200 | 200 404 | 404 404 | 403 404 | 404 "
        "404 | 404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/rounds/{round_id}/summary": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | "
        "404 404 | 404 200 | 401 401",
        "GET /api/v1/testing/antigen": "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 200 404 | 404 200 "
        "| 401 401",
        "POST /api/v1/testing/antigen": "201 201 | 201 404 | 201 404 | 403 404 | 404 404 | 201 404 | 404 "
        "201 | 401 401",
        "GET /api/v1/testing/follow-ups": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 "
        "200 | 401 401",
        "POST /api/v1/testing/follow-ups/{follow_up_id}/close": "200 200 | 200 404 | 404 404 | 404 404 | "
        "404 404 | 404 404 | 404 200 | 401 401",
        "GET /api/v1/notices": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 401 "
        "401",
        "POST /api/v1/notices/read": "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | "
        "401 401",
    }
)

# The later apps' rows, each in its own module of tests/every_route/apps/.
for _route, _text in _apps.merged("EXPECTED").items():
    assert _route not in EXPECTED, _route
    EXPECTED.update(_rows({_route: _text}))
