"""The audit trail in sentences: each recorded action read as one sentence in the page's language
("shequ revealed the ID number of 王* at 3号楼2单元603"), its details in words, names masked.

`sentences(entries)` reads a page of entries with three queries whatever its size (the people, the
places and the users it names). An action without a sentence of its own still reads as words.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from firstline.accounts.roles import Role
from firstline.accounts.selectors import usernames_of
from firstline.areas.models import Area, RiskStatus
from firstline.areas.selectors import place_labels
from firstline.followups.models import AntigenResult
from firstline.people.models import Person, Source
from firstline.people.selectors import masked_names
from firstline.survey.models import Channel, Outcome
from firstline.testing.models import ExemptionReason
from firstline.web import (
    audit_words_distribution,
    audit_words_errands,
    audit_words_parcels,
    audit_words_supplies,
)
from firstline.web.audit_words_base import (
    Line,
    _fields,
    _label,
    _reason,
    _tags,
    _Words,
    _yes_full,
    vars_,
)

# action -> a function of the entry's words giving (sentence, details).
SENTENCES: dict[str, Callable[[_Words], tuple[str, list[str]]]] = {
    # People and where they live.
    "person.reveal_id": lambda w: (
        _("%(actor)s revealed the ID number of %(person)s at %(place)s") % vars_(w),
        _reason(w),
    ),
    "person.reveal_phone": lambda w: (
        _("%(actor)s revealed the phone of %(person)s at %(place)s to call them") % vars_(w),
        _reason(w),
    ),
    "person.register": lambda w: (
        _("%(actor)s registered %(person)s at %(place)s") % vars_(w),
        [_("From: %(source)s") % {"source": _label(Source, w.get("source"))}]
        + ([_("Possibly already registered: a pair to check")] if w.get("possible_duplicates") else []),
    ),
    "person.id_number_held": lambda w: (
        _("%(actor)s registered %(person)s at %(place)s with an ID number another record holds") % vars_(w),
        [_("The number is held for review until the two records are checked.")],
    ),
    "person.update": lambda w: (
        _("%(actor)s corrected the details of %(person)s at %(place)s") % vars_(w),
        [_("Changed: %(fields)s") % {"fields": _fields(Person, list(w.changes))}],
    ),
    "person.vulnerabilities": lambda w: (
        _("%(actor)s changed the needs of %(person)s at %(place)s") % vars_(w),
        [_("Now: %(tags)s") % {"tags": _tags(w.new("vulnerabilities"))}],
    ),
    "person.merge": lambda w: (
        _("%(actor)s merged two records of %(person)s at %(place)s into one") % vars_(w),
        [],
    ),
    "duplicate.dismiss": lambda w: (_("%(actor)s marked two records as two different people") % vars_(w), []),
    "residence.move": lambda w: (
        _("%(actor)s moved %(person)s to %(place)s") % vars_(w),
        [_("On %(date)s") % {"date": w.get("date")}] if w.get("date") else [],
    ),
    "residence.end": lambda w: (
        _("%(actor)s recorded that %(person)s left %(place)s") % vars_(w),
        ([_("On %(date)s") % {"date": w.get("date")}] if w.get("date") else []) + _reason(w),
    ),
    "visit.record": lambda w: (
        _("%(actor)s recorded a visit to %(place)s: %(outcome)s")
        % {**vars_(w), "outcome": _label(Outcome, w.get("outcome"))},
        [_("By: %(channel)s") % {"channel": _label(Channel, w.get("channel"))}] if w.get("channel") else [],
    ),
    # The ledger in and out.
    "ledger.export": lambda w: (
        _("%(actor)s exported the ledger of %(place)s") % vars_(w),
        [ngettext("%(n)d row", "%(n)d rows", w.count("rows")) % {"n": w.count("rows")}, _yes_full(w)],
    ),
    "import.upload": lambda w: (
        _("%(actor)s uploaded a resident list for %(place)s") % vars_(w),
        [w.get("file"), ngettext("%(n)d row", "%(n)d rows", w.count("rows")) % {"n": w.count("rows")}],
    ),
    "import.start": lambda w: (
        _("%(actor)s started importing a resident list into %(place)s") % vars_(w),
        [],
    ),
    "import.refused": lambda w: (
        _("The resident list for %(place)s was not imported: rows to correct") % vars_(w),
        [
            ngettext("%(n)d row refused", "%(n)d rows refused", w.count("rejected_rows"))
            % {"n": w.count("rejected_rows")}
        ],
    ),
    "import.done": lambda w: (
        _("The resident list for %(place)s is imported") % vars_(w),
        [
            ngettext("%(n)d person", "%(n)d people", w.count("people")) % {"n": w.count("people")},
            ngettext("%(n)d new household", "%(n)d new households", w.count("households_created"))
            % {"n": w.count("households_created")},
        ],
    ),
    # Self-registration and codes.
    "registration.accept": lambda w: (
        _("%(actor)s accepted a registration form for %(place)s") % vars_(w),
        [
            ngettext("%(n)d person registered", "%(n)d people registered", w.count("people"))
            % {"n": w.count("people")}
        ],
    ),
    "registration.reject": lambda w: (
        _("%(actor)s rejected a registration form for %(place)s") % vars_(w),
        _reason(w),
    ),
    "registration.reject_many": lambda w: (
        ngettext(
            "%(actor)s rejected %(n)d registration form for %(place)s",
            "%(actor)s rejected %(n)d registration forms for %(place)s",
            w.count("submissions"),
        )
        % {**vars_(w), "n": w.count("submissions")},
        _reason(w),
    ),
    "code.issue": lambda w: (
        _("%(actor)s printed the personal code of %(person)s at %(place)s") % vars_(w),
        [],
    ),
    "code.issue_family": lambda w: (
        _("%(actor)s printed the family code of %(place)s") % vars_(w),
        [ngettext("%(n)d member", "%(n)d members", w.count("members")) % {"n": w.count("members")}],
    ),
    "code.revoke": lambda w: (_("%(actor)s withdrew a code at %(place)s") % vars_(w), []),
    # Areas.
    "area.create": lambda w: (_("%(actor)s added %(place)s") % vars_(w), []),
    "area.update": lambda w: (
        _("%(actor)s edited %(place)s") % vars_(w),
        [_("Changed: %(fields)s") % {"fields": _fields(Area, list(w.changes))}],
    ),
    "area.risk": lambda w: (
        _("%(actor)s changed the risk status of %(place)s from %(old)s to %(new)s")
        % {
            **vars_(w),
            "old": _label(RiskStatus, w.old("risk_status")),
            "new": _label(RiskStatus, w.new("risk_status")),
        },
        _reason(w),
    ),
    "area.public_token": lambda w: (
        _("%(actor)s printed the registration poster of %(place)s") % vars_(w),
        [],
    ),
    "building.layout": lambda w: (
        _("%(actor)s laid out %(place)s") % vars_(w),
        [
            _("%(units)d units, %(floors)d floors, %(doors)d doors a floor")
            % {"units": w.count("units"), "floors": w.count("floors"), "doors": w.count("doors_per_floor")}
        ],
    ),
    "village.layout": lambda w: (
        _("%(actor)s laid out %(place)s") % vars_(w),
        [
            _("%(groups)d groups of %(houses)d houses")
            % {"groups": w.count("groups"), "houses": w.count("houses_per_group")}
        ],
    ),
    "demo.load": lambda w: (
        _("The demonstration data was loaded into %(place)s") % vars_(w),
        [
            ngettext("%(n)d household", "%(n)d households", w.count("households"))
            % {"n": w.count("households")},
            ngettext("%(n)d resident", "%(n)d residents", w.count("residents")) % {"n": w.count("residents")},
        ],
    ),
    # Accounts and roles.
    "grant.create": lambda w: (
        _("%(actor)s gave %(user)s the role %(role)s at %(place)s")
        % {**vars_(w), "user": w.user(), "role": _label(Role, w.get("role"))},
        [],
    ),
    "grant.revoke": lambda w: (
        _("%(actor)s withdrew the role %(role)s of %(user)s at %(place)s")
        % {**vars_(w), "user": w.user(), "role": _label(Role, w.get("role"))},
        [],
    ),
    "user.create": lambda w: (
        _("%(actor)s created the account %(username)s (%(role)s) at %(place)s")
        % {**vars_(w), "username": w.get("username"), "role": _label(Role, w.get("role"))},
        [],
    ),
    "user.unlock": lambda w: (
        _("%(actor)s unlocked the account %(user)s") % {**vars_(w), "user": w.user()},
        [],
    ),
    "api_token.create": lambda w: (
        _("%(actor)s created the API token %(name)s for %(user)s")
        % {**vars_(w), "name": w.get("name"), "user": w.user()},
        [],
    ),
    "api_token.revoke": lambda w: (
        _("%(actor)s withdrew the API token %(name)s of %(user)s")
        % {**vars_(w), "name": w.get("name"), "user": w.user()},
        [],
    ),
    # Mass testing.
    "testing.round.create": lambda w: (
        _("%(actor)s planned the round %(name)s for %(place)s") % {**vars_(w), "name": w.get("name")},
        [_("On %(date)s") % {"date": w.get("date")}] if w.get("date") else [],
    ),
    "testing.round.update": lambda w: (
        _("%(actor)s changed a round of %(place)s") % vars_(w),
        [_("Changed: %(fields)s") % {"fields": "、".join(_round_field(k) for k in w.changes) or "—"}],
    ),
    "testing.round.open": lambda w: (_("%(actor)s opened a round of %(place)s") % vars_(w), []),
    "testing.round.close": lambda w: (
        _("%(actor)s closed a round of %(place)s") % vars_(w),
        [
            ngettext("%(n)d resident expected", "%(n)d residents expected", w.count("expected"))
            % {"n": w.count("expected")}
        ]
        if w.get("expected")
        else [],
    ),
    "testing.pooling": lambda w: (
        _("%(actor)s changed how a round of %(place)s pools samples") % vars_(w),
        [],
    ),
    "testing.point.create": lambda w: (
        _("%(actor)s set up the sampling point %(name)s at %(place)s") % {**vars_(w), "name": w.get("name")},
        [
            _("Opens %(opens)s–%(closes)s")
            % {"opens": str(w.get("opens_at"))[:5], "closes": str(w.get("closes_at"))[:5]}
        ]
        if w.get("opens_at")
        else [],
    ),
    "testing.point.update": lambda w: (
        _("%(actor)s changed a sampling point at %(place)s") % vars_(w),
        [_("Changed: %(fields)s") % {"fields": "、".join(_round_field(k) for k in w.changes) or "—"}],
    ),
    "testing.scans": lambda w: (
        ngettext(
            "%(actor)s sent %(n)d scan from %(place)s",
            "%(actor)s sent %(n)d scans from %(place)s",
            w.count("scans"),
        )
        % {**vars_(w), "n": w.count("scans")},
        [
            ngettext("%(n)d sample stored", "%(n)d samples stored", w.count("samples"))
            % {"n": w.count("samples")},
            *(
                [ngettext("%(n)d refused", "%(n)d refused", w.count("refused")) % {"n": w.count("refused")}]
                if w.count("refused")
                else []
            ),
        ],
    ),
    "testing.calldown": lambda w: (
        ngettext(
            "%(actor)s called down %(n)d stairwell at %(place)s",
            "%(actor)s called down %(n)d stairwells at %(place)s",
            w.count("stairwells"),
        )
        % {**vars_(w), "n": w.count("stairwells")},
        [
            ngettext("%(n)d person expected", "%(n)d people expected", w.count("people"))
            % {"n": w.count("people")}
        ],
    ),
    "testing.exemption.create": lambda w: (
        _("%(actor)s exempted %(person)s at %(place)s from testing") % vars_(w),
        [_label(ExemptionReason, w.get("reason"))],
    ),
    "testing.exemption.update": lambda w: (
        _("%(actor)s changed the exemption of %(person)s at %(place)s") % vars_(w),
        [_label(ExemptionReason, w.new("reason"))],
    ),
    "testing.exemption.remove": lambda w: (
        _("%(actor)s withdrew the exemption of %(person)s at %(place)s") % vars_(w),
        [],
    ),
    "testing.export": lambda w: (
        _("%(actor)s exported the samples of %(place)s") % vars_(w),
        [
            ngettext("%(n)d sample", "%(n)d samples", w.count("samples")) % {"n": w.count("samples")},
            _yes_full(w),
        ],
    ),
    "testing.box.open": lambda w: (
        _("%(actor)s opened the box %(code)s at %(place)s") % {**vars_(w), "code": w.get("code")},
        [],
    ),
    "testing.box.add": lambda w: (
        ngettext(
            "%(actor)s put %(n)d tube into a box at %(place)s",
            "%(actor)s put %(n)d tubes into a box at %(place)s",
            w.count("tubes"),
        )
        % {**vars_(w), "n": w.count("tubes")},
        [],
    ),
    "testing.box.remove": lambda w: (
        _("%(actor)s took the tube %(tube)s out of a box at %(place)s") % {**vars_(w), "tube": w.get("tube")},
        [],
    ),
    "testing.box.pack": lambda w: (
        ngettext(
            "%(actor)s sealed a box of %(n)d tube at %(place)s",
            "%(actor)s sealed a box of %(n)d tubes at %(place)s",
            w.count("tubes"),
        )
        % {**vars_(w), "n": w.count("tubes")},
        [],
    ),
    "testing.box.pickup": lambda w: (
        _("%(actor)s recorded the pick-up of a box at %(place)s") % vars_(w),
        [],
    ),
    "testing.box.receive": lambda w: (
        _("%(actor)s received a box from %(place)s") % vars_(w),
        [
            ngettext("%(n)d tube arrived", "%(n)d tubes arrived", w.count("received"))
            % {"n": w.count("received")}
        ]
        + (
            [
                ngettext("%(n)d tube missing", "%(n)d tubes missing", w.count("missing"))
                % {"n": w.count("missing")}
            ]
            if w.count("missing")
            else []
        ),
    ),
    "testing.results": lambda w: (
        _("%(actor)s recorded the results for %(place)s") % vars_(w),
        [
            _("%(negative)d negative, %(positive)d positive, %(invalid)d invalid")
            % {
                "negative": w.count("negative"),
                "positive": w.count("positive"),
                "invalid": w.count("invalid"),
            }
        ],
    ),
    "testing.results.upload": lambda w: (
        _("%(actor)s uploaded a results file") % vars_(w),
        [w.get("file"), ngettext("%(n)d row", "%(n)d rows", w.count("rows")) % {"n": w.count("rows")}],
    ),
    "testing.positive": lambda w: (
        _("%(actor)s recorded a positive result of %(person)s at %(place)s") % vars_(w),
        [],
    ),
    "testing.pool_positive": lambda w: (
        _("%(actor)s recorded a positive pool at %(place)s") % vars_(w),
        [
            ngettext("%(n)d person to test again", "%(n)d people to test again", w.count("people"))
            % {"n": w.count("people")}
        ],
    ),
    "testing.antigen": lambda w: (
        _("%(actor)s reported an antigen test of %(person)s at %(place)s: %(result)s")
        % {
            **vars_(w),
            "person": w.person if w.get("person") else _("someone in the household"),
            "result": _label(AntigenResult, w.get("result")),
        },
        [],
    ),
    "testing.followup.close": lambda w: (
        _("%(actor)s closed a follow-up at %(place)s") % vars_(w),
        [w.get("note")] if w.get("note") else [],
    ),
}


def _round_field(key: str) -> str:
    words = {
        "name": _("name"),
        "date": _("date"),
        "scope": _("areas"),
        "status": _("status"),
        "serves": _("buildings served"),
        "opens_at": _("opening time"),
        "closes_at": _("closing time"),
        "desks": _("desks"),
        "per_desk_hour": _("people a desk an hour"),
        "queue_cap": _("queue limit"),
        "location": _("location"),
    }
    return str(words.get(key, key.replace("_", " ")))


def _fallback(w: _Words) -> tuple[str, list[str]]:
    return _("%(actor)s made a change at %(place)s") % vars_(w), []


# The later apps' sentences and filter groups, each in its own module.
_APP_WORDS = (audit_words_supplies, audit_words_distribution, audit_words_parcels, audit_words_errands)
for _module in _APP_WORDS:
    assert not set(SENTENCES) & set(_module.SENTENCES), sorted(set(SENTENCES) & set(_module.SENTENCES))
    SENTENCES.update(_module.SENTENCES)


# Changes that name a person or a user by id.
_PERSON_TYPES = ("people.person",)


def sentences(entries) -> list[Line]:
    """The page's entries as sentences: three queries for the people, places and users named."""
    entries = list(entries)
    person_ids, user_ids = set(), set()
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        if entry.target_type in _PERSON_TYPES:
            person_ids.add(entry.target_id)
        if changes.get("person") is not None:
            person_ids.add(changes["person"])
        if changes.get("user") is not None:
            user_ids.add(changes["user"])
    people = masked_names(ids=person_ids)
    places = place_labels(paths={e.area_path for e in entries})
    users = usernames_of(ids=user_ids)
    lines = []
    for entry in entries:
        words = _Words(entry, people, places, users)
        sentence, details = SENTENCES.get(entry.action, _fallback)(words)
        lines.append(
            Line(entry=entry, sentence=sentence, details=[str(d) for d in details if d not in ("", None)])
        )
    return lines


# The filter of the page: groups of actions, named in words.
ACTION_GROUPS = {
    "reveal": (("person.reveal_id", "person.reveal_phone"), gettext_noop("ID numbers and phones revealed")),
    "export": (("ledger.export", "testing.export"), gettext_noop("Exports")),
    "people": (("person.", "residence.", "duplicate.", "visit."), gettext_noop("People and households")),
    "imports": (("import.",), gettext_noop("Imports")),
    "registration": (("registration.", "code."), gettext_noop("Self-registration and codes")),
    "areas": (("area.", "building.", "village."), gettext_noop("Areas")),
    "accounts": (("grant.", "user.", "api_token."), gettext_noop("Accounts and roles")),
    "testing": (("testing.",), gettext_noop("Mass testing")),
}
for _module in _APP_WORDS:
    ACTION_GROUPS.update(_module.ACTION_GROUPS)


def action_groups() -> list[tuple[str, str]]:
    return [(key, _(label)) for key, (_prefixes, label) in ACTION_GROUPS.items()]


def action_prefixes(key: str) -> tuple[str, ...]:
    return ACTION_GROUPS.get(key, ((),))[0]
