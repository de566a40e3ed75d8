"""Lab export files with a column mapping, the round's XLSX for the health authority, antigen self-tests."""

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.notices.models import NoticeDelivery
from firstline.people.services import person_register
from firstline.testing import antigen, transport
from firstline.testing.export import round_export
from firstline.testing.labfiles import results_upload
from firstline.testing.models import AntigenReport, FollowUp, LabMapping, Sample, SampleState, TubeResult
from firstline.testing.scanning import scans_record
from tests.conftest import household
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(world, residents, round_, point):
    """Two tubes filled, boxed, packed and received at the lab."""
    scans_record(acting_user=world.volunteer, round=round_,
                 scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]]
                 + [desk_scan(point, "TG0000002", residents.codes[p.pk]) for p in residents.b1[10:]])
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000001", "TG0000002"])
    transport.box_pack(acting_user=world.volunteer, box=box, counted=2)
    transport.box_receive(acting_user=world.lab, box=box, counted=2)
    return box


def test_a_lab_csv_with_chinese_headers_and_a_bad_row_stores_the_good_rows(world, received):
    csv = ("检测机构：市第三人民医院\n"
           "序号,试管编码,检测结果,报告时间\n"
           "1,ｔｇ0000001,阴性,2022-04-04 18:30\n"
           ",,,\n"
           "2,TG0000002,maybe,2022-04-04 18:31\n"
           "3,TG0000404,阴性,2022/04/04 18:32\n"
           "4,TG0000002,阳性,yesterday\n").encode("gb18030")
    upload = results_upload(acting_user=world.lab, filename="三院结果.csv", data=csv, save_as="市三院")
    assert (upload.rows, upload.stored, upload.duplicates, upload.refused) == (4, 1, 0, 3)
    assert [(r["row"], r["tube"], r["code"]) for r in upload.report] == [
        (5, "TG0000002", "invalid"), (6, "TG0000404", "tube_unknown"), (7, "TG0000002", "invalid")]
    assert upload.report[2]["message"] == "'yesterday' is not a date (write 2022-04-01)."
    result = TubeResult.objects.get()
    assert (result.tube.code, result.result, result.source, result.source_ref) == ("TG0000001", "negative", "upload", "三院结果.csv row 3")
    assert timezone.localtime(result.reported_at).strftime("%Y-%m-%d %H:%M") == "2022-04-04 18:30"
    assert LabMapping.objects.get(name="市三院").mapping == {"试管编码": "tube_code", "检测结果": "result", "报告时间": "reported_at"}
    # The same file again: the stored row is a duplicate, nothing changes.
    again = results_upload(acting_user=world.lab, filename="三院结果.csv", data=csv)
    assert (again.stored, again.duplicates, again.refused) == (0, 1, 3)
    assert TubeResult.objects.count() == 1


def test_an_xlsx_with_unknown_headers_needs_a_mapping(world, received):
    book = Workbook()
    book.active.append(["Barcode No.", "Outcome (qPCR)"])
    book.active.append(["TG0000002", "POS"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(ValidationError) as error:
        results_upload(acting_user=world.lab, filename="lab.xlsx", data=data.getvalue())
    assert error.value.message_dict == {"mapping": ["Say which column holds the tube code, result."]}
    upload = results_upload(acting_user=world.lab, filename="lab.xlsx", data=data.getvalue(),
                            mapping={"Barcode No.": "tube_code", "Outcome (qPCR)": "result"})
    assert (upload.stored, upload.refused) == (1, 0)
    assert TubeResult.objects.get().result == "positive"
    with pytest.raises(PermissionDenied):
        results_upload(acting_user=world.staff, filename="lab.xlsx", data=data.getvalue())


def test_the_round_export_is_masked_by_default_and_audited(world, residents, round_, point):
    wang = person_register(acting_user=world.staff, household=household(world.b1, "501", "Unit 2"),
                           data={"name": "王芳", "id_number": "11010519491231002X", "phone": "13800138000"})
    scans_record(acting_user=world.volunteer, round=round_, scans=[
        desk_scan(point, "TG0000001", id_number="11010519491231002x")])
    data, count = round_export(acting_user=world.staff, round=round_, area=world.p1)
    assert count == 1
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Samples", "Missing", "Exempt"]
    sample = [c.value for c in list(book["Samples"].iter_rows())[1]]
    assert sample[:9] == ["TG0000001", 1, "王芳", "Resident ID card", "110***********002X", "138****8000", "1号楼", "Unit 2", "501"]
    assert len(list(book["Missing"].iter_rows())) == 1 + 14  # header + everyone else in P1
    unmasked, _ = round_export(acting_user=world.staff, round=round_, area=world.p1, unmasked=True)
    assert list(load_workbook(io.BytesIO(unmasked))["Samples"].iter_rows(values_only=True))[1][4] == "11010519491231002X"
    with pytest.raises(PermissionDenied):
        round_export(acting_user=world.leader, round=round_, area=world.b1)
    assert list(AuditEntry.objects.filter(action="testing.export").values_list("changes", flat=True)) == [
        {"samples": 1, "unmasked": True, "area": world.p1.pk}, {"samples": 1, "unmasked": False, "area": world.p1.pk}]
    assert Sample.objects.get().person == wang


def test_an_antigen_positive_opens_a_follow_up_once_and_tells_the_leader(world, residents):
    door = household(world.b1, "101", "Unit 1")
    key = str(uuid.uuid4())
    report = antigen.antigen_report(acting_user=world.resident, household=door, result="positive", client_key=key,
                                    person=residents.b1[0], note="两道杠")
    again = antigen.antigen_report(acting_user=world.resident, household=door, result="positive", client_key=key)
    assert again == report and AntigenReport.objects.count() == 1
    follow_up = FollowUp.objects.get()
    assert (follow_up.reason, follow_up.person_id, follow_up.household_id) == ("antigen_positive", residents.b1[0].pk, door.pk)
    assert sorted(NoticeDelivery.objects.values_list("user__username", flat=True)) == ["leader", "staff"]
    with pytest.raises(PermissionDenied):  # a resident reports for their own door only
        antigen.antigen_report(acting_user=world.resident, household=household(world.b1, "102", "Unit 1"), result="negative",
                               client_key=str(uuid.uuid4()))
    with pytest.raises(ValidationError):
        antigen.antigen_report(acting_user=world.resident, household=door, result="negative", client_key=str(uuid.uuid4()),
                               taken_at=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(ValidationError):  # someone of another door
        antigen.antigen_report(acting_user=world.leader, household=door, result="negative", client_key=str(uuid.uuid4()),
                               person=residents.b1[3])
    with pytest.raises(PermissionDenied):
        antigen.follow_up_close(acting_user=world.leader, follow_up=follow_up, note="复核阴性")
    closed = antigen.follow_up_close(acting_user=world.staff, follow_up=follow_up, note="单管核酸阴性")
    assert (closed.status, closed.closing_note, closed.closed_by) == ("closed", "单管核酸阴性", world.staff)
    with pytest.raises(Conflict):
        antigen.follow_up_close(acting_user=world.staff, follow_up=follow_up, note="again")


def test_results_reach_everyone_in_the_tube(world, received):
    results_upload(acting_user=world.lab, filename="r.csv", data="试管编码,检测结果\nTG0000001,阴性\nTG0000002,阳性\n".encode())
    assert sorted(Sample.objects.values_list("tube__code", "state").distinct()) == [
        ("TG0000001", SampleState.NEGATIVE), ("TG0000002", SampleState.POOL_POSITIVE)]


def test_notices_are_written_wholly_in_the_deployment_language_whatever_the_page_language(world, residents, settings):
    from django.utils import translation

    from firstline.notices.models import Notice

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        antigen.antigen_report(acting_user=world.resident, household=household(world.b1, "101", "Unit 1"), result="positive",
                               client_key=str(uuid.uuid4()))
    notice = Notice.objects.get()
    assert (notice.title, notice.body) == (
        "1号楼Unit 1101 出现阳性", "1号楼Unit 1101 报告抗原自测阳性。请立即跟进：该户居家不外出，工作人员会来电。")
