"""Lab results, one per tube, and what each one sets off.

- Negative: every person in the tube is negative for the round.
- Invalid: the tube's people go back to the queue (their samples no longer count), to be sampled again.
- Positive, pooled tube: its people are "pool positive, awaiting single re-sample"; a re-sample task
  per person goes on the door-to-door list, and the building and unit leaders (and community staff)
  of their doors get a notice. Staff can then seal the households, units or buildings in one action.
- Positive, single tube (a re-sample, or a sealed building's single tubes): the person is positive
  and a follow-up is opened.

A result keeps its source (API, file and row, or the lab page). A tube has one result: reporting
the same one again changes nothing, and a different one is refused, so a person can never show a
negative and a positive for one sample. Only tubes received at the lab can be given a result.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require_any, scope_paths
from firstline.areas.models import BLOCK_KINDS, INNER_STAIRWELLS, Area, AreaKind, RiskStatus
from firstline.areas.services import area_set_risk
from firstline.common.audit import audit_record
from firstline.common.errors import PermissionDenied
from firstline.common.identity import fold
from firstline.common.paths import SEGMENT_WIDTH, is_within
from firstline.followups.services import POSITIVE_AUDIENCE, follow_ups_open_for_positives
from firstline.notices.models import NoticeKind
from firstline.notices.selectors import recipients_for
from firstline.notices.services import notice_send
from firstline.testing.capture.services import CLOCK_SLACK, code_shown, normalise_code
from firstline.testing.messages import positive_pool_message, positive_single_message
from firstline.testing.models import (
    ResampleTask,
    ResultKind,
    ResultUpload,
    Round,
    Sample,
    SampleState,
    Tube,
    TubeResult,
)
from firstline.testing.states import ResultStatus

# What labs write in the result column of their exports.
RESULT_WORDS = {
    "negative": ResultKind.NEGATIVE,
    "neg": ResultKind.NEGATIVE,
    "阴性": ResultKind.NEGATIVE,
    "阴": ResultKind.NEGATIVE,
    "-": ResultKind.NEGATIVE,
    "n": ResultKind.NEGATIVE,
    "未检出": ResultKind.NEGATIVE,
    "positive": ResultKind.POSITIVE,
    "pos": ResultKind.POSITIVE,
    "阳性": ResultKind.POSITIVE,
    "阳": ResultKind.POSITIVE,
    "+": ResultKind.POSITIVE,
    "p": ResultKind.POSITIVE,
    "检出": ResultKind.POSITIVE,
    "异常": ResultKind.POSITIVE,
    "invalid": ResultKind.INVALID,
    "inv": ResultKind.INVALID,
    "无效": ResultKind.INVALID,
    "重采": ResultKind.INVALID,
    "需重采": ResultKind.INVALID,
    "resample": ResultKind.INVALID,
    "re-sample": ResultKind.INVALID,
}


# Dashes labs' systems write for a minus sign, read as "-" ("阴性(−)", "阴性（－）" once folded).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63", "-"))
_SIGNS = {"-": ResultKind.NEGATIVE, "+": ResultKind.POSITIVE}
# A word and its sign, as LIS exports write them: "阴性(-)", "阴性-", "negative(-)", "(+)".
_WORD_AND_SIGN = re.compile(r"(?P<word>[^()\[\]+-]*)[(\[]?(?P<sign>[+-])[)\]]?")


def result_kind(raw) -> str:
    """'阴性', 'NEG', ' Negative ', '阴性(-)', '阴性（-）', '阴性 -', '阳性(+)', '+' -> the result;
    ValidationError for anything else, and for a word and a sign that disagree ('阴性(+)')."""
    word = re.sub(r"\s+", "", fold(str(raw or "")).lower().translate(_DASHES))
    if word in RESULT_WORDS:
        return RESULT_WORDS[word]
    shaped = _WORD_AND_SIGN.fullmatch(word)
    if shaped:
        sign = _SIGNS[shaped["sign"]]
        if not shaped["word"] or RESULT_WORDS.get(shaped["word"]) == sign:
            return sign
    raise ValidationError(
        _("'%(value)s' is not a result: negative, positive or invalid (阴性, 阳性, 无效).")
        % {"value": str(raw or "")[:20]},
        code="result",
    )


@dataclass
class ResultIn:
    tube_code: str
    result: str
    reported_at: dt.datetime | None = None
    source_ref: str = ""
    row: int | None = None


@dataclass
class ResultOutcome:
    tube_code: str
    status: ResultStatus
    result: str = ""
    code: str = ""
    message: str = ""
    row: int | None = None


def results_report(
    *, acting_user, results: list[ResultIn], source: str, upload: ResultUpload | None = None
) -> list[ResultOutcome]:
    """Store a lab's results (one per tube) and set off what each one means. One outcome per input."""
    if not scope_paths(acting_user, Perm.TESTING_LAB):
        raise PermissionDenied(code=Perm.TESTING_LAB)
    with transaction.atomic():
        return _Report(acting_user, source, upload).run(results)


class _Report:
    def __init__(self, user, source: str, upload: ResultUpload | None):
        self.user = user
        self.source = source
        self.upload = upload
        self.now = timezone.now()
        self.lab_paths = scope_paths(user, Perm.TESTING_LAB)

    def run(self, results: list[ResultIn]) -> list[ResultOutcome]:
        outcomes: list[ResultOutcome] = []
        clean: list[tuple[int, str, str, ResultIn]] = []
        for item in results:
            outcome = ResultOutcome(
                tube_code=code_shown(item.tube_code), status=ResultStatus.STORED, row=item.row
            )
            outcomes.append(outcome)
            try:
                code = normalise_code(item.tube_code)
                kind = result_kind(item.result)
            except ValidationError as exc:
                outcome.status, outcome.code, outcome.message = (
                    ResultStatus.REFUSED,
                    "invalid",
                    exc.messages[0],
                )
                continue
            if item.reported_at is not None and item.reported_at > self.now + CLOCK_SLACK:
                outcome.status, outcome.code, outcome.message = (
                    ResultStatus.REFUSED,
                    "invalid",
                    _("The result is dated %(at)s, later than now: check the lab system's clock.")
                    % {"at": timezone.localtime(item.reported_at).strftime("%Y-%m-%d %H:%M")},
                )
                continue
            if item.source_ref and len(item.source_ref) > 200:
                outcome.status, outcome.code, outcome.message = (
                    ResultStatus.REFUSED,
                    "invalid",
                    _("The reference is longer than 200 characters."),
                )
                continue
            outcome.tube_code, outcome.result = code, kind
            clean.append((len(outcomes) - 1, code, kind, item))
        queryset = Tube.objects.filter(code__in={code for _i, code, _k, _r in clean})
        if connection.features.has_select_for_update:
            queryset = queryset.select_for_update()
        tubes = {t.code: t for t in queryset}
        earlier = {r.tube_id: r for r in TubeResult.objects.filter(tube__in=list(tubes.values()))}
        new: list[TubeResult] = []
        by_kind: dict[str, list[Tube]] = defaultdict(list)
        for index, code, kind, item in clean:
            outcome = outcomes[index]
            tube = tubes.get(code)
            if tube is None or not is_within(tube.area_path, self.lab_paths):
                outcome.status, outcome.code = ResultStatus.REFUSED, "tube_unknown"
                outcome.message = _("No tube %(tube)s is known to this lab.") % {"tube": code}
            elif tube.received_at is None:
                outcome.status, outcome.code = ResultStatus.REFUSED, "not_received"
                outcome.message = _(
                    "Tube %(tube)s has not been received at the lab: receive its box first."
                ) % {"tube": code}
            elif tube.pk in earlier:
                before = earlier[tube.pk]
                if before.result == kind:
                    outcome.status = ResultStatus.DUPLICATE
                else:
                    outcome.status, outcome.code = ResultStatus.REFUSED, "result_conflict"
                    outcome.message = _(
                        "Tube %(tube)s was already reported %(result)s (%(source)s, %(when)s). A result is "
                        "never "
                        "overwritten; re-sample the people instead."
                    ) % {
                        "tube": code,
                        "result": ResultKind(before.result).label.lower(),
                        "source": TubeResult.Source(before.source).label,
                        "when": timezone.localtime(before.reported_at).strftime("%Y-%m-%d %H:%M"),
                    }
            else:
                reported_at = item.reported_at or self.now
                if timezone.is_naive(reported_at):
                    reported_at = timezone.make_aware(reported_at)
                result = TubeResult(
                    tube=tube,
                    result=kind,
                    source=self.source,
                    source_ref=item.source_ref or "",
                    upload=self.upload,
                    reported_by=self.user,
                    reported_at=min(reported_at, self.now),
                )
                earlier[tube.pk] = result
                new.append(result)
                by_kind[kind].append(tube)
        TubeResult.objects.bulk_create(new)
        for kind, kind_tubes in by_kind.items():
            Tube.objects.filter(pk__in=[t.pk for t in kind_tubes], result=ResultKind.PENDING).update(
                result=kind
            )
        self._negative(by_kind[ResultKind.NEGATIVE])
        self._invalid(by_kind[ResultKind.INVALID])
        positives = by_kind[ResultKind.POSITIVE]
        self._positive_single([t for t in positives if t.capacity == 1])
        self._positive_pools([t for t in positives if t.capacity > 1])
        if new:
            audit_record(
                actor=self.user,
                action="testing.results",
                target_type="testing.tuberesult",
                target_id="",
                area_path=_common_path([t.area_path for t in tubes.values()]),
                changes={
                    "source": self.source,
                    "upload": self.upload.pk if self.upload else None,
                    **{k: len(v) for k, v in by_kind.items()},
                    "duplicates": sum(o.status == ResultStatus.DUPLICATE for o in outcomes),
                    "refused": sum(o.status == ResultStatus.REFUSED for o in outcomes),
                },
            )
        return outcomes

    def _negative(self, tubes: list[Tube]) -> None:
        if tubes:
            Sample.objects.filter(tube__in=tubes, state=SampleState.PENDING).update(
                state=SampleState.NEGATIVE
            )

    def _invalid(self, tubes: list[Tube]) -> None:
        if not tubes:
            return
        Sample.objects.filter(tube__in=tubes, state=SampleState.PENDING).update(state=SampleState.INVALID)
        # A re-sample whose tube is invalid is owed again.
        ResampleTask.objects.filter(resample__tube__in=tubes, status=ResampleTask.Status.DONE).update(
            status=ResampleTask.Status.OPEN, resample=None, done_at=None
        )

    def _positive_single(self, tubes: list[Tube]) -> None:
        if not tubes:
            return
        Sample.objects.filter(tube__in=tubes, state=SampleState.PENDING).update(state=SampleState.POSITIVE)
        samples = list(
            Sample.objects.filter(tube__in=tubes, state=SampleState.POSITIVE).select_related("round", "tube")
        )
        follow_ups_open_for_positives(samples=[s for s in samples if s.household_id])
        for sample in samples:
            title, body = positive_single_message(
                round=sample.round, tube_code=sample.tube.code, household_id=sample.household_id
            )
            self._notify(sample.tube, [sample.household_path], NoticeKind.POSITIVE, title, body)
            audit_record(
                actor=self.user,
                action="testing.positive",
                target=sample.tube,
                area_path=sample.household_path or sample.tube.area_path,
                changes={"person": sample.person_id},
            )

    def _positive_pools(self, tubes: list[Tube]) -> None:
        if not tubes:
            return
        Sample.objects.filter(tube__in=tubes, state=SampleState.PENDING).update(
            state=SampleState.POOL_POSITIVE
        )
        rows = list(
            Sample.objects.filter(tube__in=tubes, state=SampleState.POOL_POSITIVE).values_list(
                "pk", "round_id", "person_id", "household_id", "household_path", "tube_id"
            )
        )
        ResampleTask.objects.bulk_create(
            [
                ResampleTask(
                    round_id=round_id,
                    person_id=person_id,
                    household_id=household_id,
                    household_path=path,
                    pool_sample_id=pk,
                )
                for pk, round_id, person_id, household_id, path, _tube in rows
            ],
            ignore_conflicts=True,
        )
        rounds = {r.pk: r for r in Round.objects.filter(pk__in={r[1] for r in rows})}
        by_tube: dict[int, list[tuple]] = defaultdict(list)
        for row in rows:
            by_tube[row[5]].append(row)
        for tube in tubes:
            members = by_tube.get(tube.pk, [])
            title, body = positive_pool_message(
                round=rounds[tube.round_id],
                tube_code=tube.code,
                household_ids={r[3] for r in members if r[3]},
                people=len(members),
            )
            self._notify(tube, [r[4] for r in members], NoticeKind.POOL_POSITIVE, title, body)
            audit_record(
                actor=self.user,
                action="testing.pool_positive",
                target=tube,
                area_path=tube.area_path,
                changes={"people": [r[2] for r in members], "resample_tasks": len(members)},
            )

    def _notify(self, tube: Tube, paths: list[str], kind: str, title: str, body: str) -> None:
        area = Area.objects.filter(path=_common_path([p for p in paths if p] or [tube.area_path])).first()
        if area is None:
            area = Area.objects.get(path=tube.area_path)
        notice_send(
            acting_user=self.user,
            area=area,
            kind=kind,
            title=title,
            body=body,
            recipient_ids=recipients_for(
                paths=[p for p in paths if p] or [tube.area_path], roles=POSITIVE_AUDIENCE
            ),
            ref=f"testing.tube:{tube.pk}",
        )


def _common_path(paths: list[str]) -> str:
    """The deepest area path that contains every one of `paths`."""
    paths = [p for p in paths if p]
    if not paths:
        return ""
    shortest = min(paths, key=len)
    cut = len(shortest)
    for path in paths:
        while cut and path[:cut] != shortest[:cut]:
            cut -= SEGMENT_WIDTH
    return shortest[:cut]


SEAL_LEVELS = (AreaKind.HOUSEHOLD, AreaKind.UNIT, AreaKind.BUILDING)


def positive_seal(*, acting_user, tube: Tube, level: str) -> list[Area]:
    """Seal, in one action, the households (or their units, or their buildings) of a positive tube's
    people.
    """
    require_any(acting_user, Perm.AREA_RISK)  # a role that never seals is told so before anything else
    if level not in SEAL_LEVELS:
        raise ValidationError({"level": _("Seal households, units or buildings.")})
    if tube.result != ResultKind.POSITIVE:
        raise ValidationError(_("Only the doors of a positive tube are sealed from here."))
    households = list(
        Area.objects.filter(
            pk__in=Sample.objects.filter(tube=tube, household__isnull=False).values("household_id")
        ).select_related("parent", "parent__parent")
    )
    targets: dict[int, Area] = {}
    for household in households:
        if level == AreaKind.HOUSEHOLD:
            target = household
        elif level == AreaKind.UNIT:
            # The stairwell (a unit, a building without units, a village group); a house in no group
            # and a scattered house are sealed on their own, never their whole village or community.
            target = (
                household.parent
                if household.parent.kind in (*INNER_STAIRWELLS, AreaKind.BUILDING)
                else household
            )
        elif household.parent.kind in INNER_STAIRWELLS:
            target = household.parent.parent  # the building of a unit, the village of a group
        else:
            target = household.parent if household.parent.kind in BLOCK_KINDS else household
        targets[target.pk] = target
    reason = _("Positive tube %(tube)s") % {"tube": tube.code}
    sealed = []
    with transaction.atomic():
        for target in sorted(targets.values(), key=lambda a: a.path):
            sealed.append(
                area_set_risk(acting_user=acting_user, area=target, status=RiskStatus.SEALED, reason=reason)
            )
    return sealed
