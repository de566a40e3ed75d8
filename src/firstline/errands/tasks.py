"""Background tasks of errands (django-tasks): the escalation pass, run every few minutes by the
scheduler (or `manage.py errands_escalate` from cron). Running it twice, or twice at once,
escalates each overdue request once (services.requests_escalate)."""

from django_tasks import task

from firstline.errands.services import requests_escalate


@task()
def escalate_overdue() -> int:
    return len(requests_escalate())
