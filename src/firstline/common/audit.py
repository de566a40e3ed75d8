"""Writing the audit trail. Services call `audit_record` inside their own transaction."""

from typing import Any

from django.db import models

from firstline.common.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    area_path: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one action. `changes` maps a field to (old, new) or holds a summary for bulk actions."""
    entry = audit_entry(
        actor=actor,
        action=action,
        target=target,
        target_type=target_type,
        target_id=target_id,
        area_path=area_path,
        changes=changes,
    )
    entry.save(force_insert=True)
    return entry


def audit_records(entries: list[AuditEntry]) -> None:
    """Record many actions made with `audit_entry`, in one INSERT (a bulk write audits each row)."""
    AuditEntry.objects.bulk_create(entries, batch_size=2000)


def audit_entry(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    area_path: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """The row `audit_record` writes, not yet saved."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    plain = {}
    for key, value in (changes or {}).items():
        if isinstance(value, tuple) and len(value) == 2:
            plain[key] = [_plain(value[0]), _plain(value[1])]
        else:
            plain[key] = _plain(value)
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        area_path=area_path,
        changes=plain,
    )
