"""API: notices — the caller's own inbox (positives, call-downs, antigen reports) and marking them read."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from firstline.api.pagination import PageQuery, page_of
from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS, PageOut
from firstline.api.types import Id
from firstline.notices import selectors, services
from firstline.notices.models import NoticeKind

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int = Field(description="The notice's id (what POST /notices/read takes).")
    kind: NoticeKind
    title: str
    body: str = Field(
        description="The text to read or paste into a chat group; never an ID number or a phone."
    )
    ref: str = Field(description="What the notice points at, e.g. `testing.tube:123`.")
    area_id: int
    area_name: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.notice_id

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.notice.kind

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.notice.title

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.notice.body

    @staticmethod
    def resolve_ref(obj) -> str:
        return obj.notice.ref

    @staticmethod
    def resolve_area_id(obj) -> int:
        return obj.notice.area_id

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.notice.area.name

    @staticmethod
    def resolve_created_at(obj) -> dt.datetime:
        return obj.notice.created_at


class NoticePage(PageOut):
    items: list[NoticeOut]


class NoticeQuery(PageQuery):
    unread: bool = Field(False, description="Only the notices not read yet.")


class NoticeReadIn(Schema):
    ids: list[Id] = Field(
        max_length=500, description="Notice ids; the caller's own deliveries of them are marked read."
    )


class NoticeReadOut(Schema):
    marked: int = Field(description="Deliveries marked read now (those read before are not counted).")


@router.get("", response={200: NoticePage, **READ_ERRORS}, summary="The caller's notices, newest first")
def notice_list(request: HttpRequest, query: Query[NoticeQuery]):
    return page_of(selectors.notices_for(user=request.user, unread_only=query.unread), query)


@router.post(
    "/read", response={200: NoticeReadOut, **WRITE_ERRORS}, summary="Mark some of the caller's notices read"
)
def notice_read(request: HttpRequest, payload: NoticeReadIn):
    return {"marked": services.notice_mark_read(acting_user=request.user, notice_ids=payload.ids)}
