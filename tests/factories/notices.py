"""Notices and their deliveries, written by `notices.services.notice_send`."""

import factory

from firstline.notices.models import Notice, NoticeKind
from firstline.notices.services import notice_send
from tests.factories.areas import HouseholdFactory


class NoticeFactory(factory.django.DjangoModelFactory):
    """A notice about an area, delivered to `recipients` (users; none by default)."""

    class Meta:
        model = Notice

    area = factory.SubFactory(HouseholdFactory)
    kind = NoticeKind.GENERAL
    title = factory.Sequence(lambda n: f"通知{n}")
    body = "请各位居民今晚八点前到东门广场做核酸。"
    recipients = ()
    acting_user = None  # the system, as the services that write events send them
    ref = ""

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Notices are sent by notices.services: create them, don't build them.")

    @classmethod
    def _create(cls, model_class, *, recipients, **kwargs):
        return notice_send(recipient_ids=[user.pk for user in recipients], **kwargs)
