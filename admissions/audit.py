"""Records of who read or took out lead data: a lead's page viewed, a search, an export, a
retention run. Changes to leads are recorded by their history (simple-history) instead."""

from admissions.models import AuditAction, AuditEvent, Lead
from core.http import client_ip


def record(request, action: str, *, lead: Lead | None = None, detail: str = "", result_count=None):
    user = getattr(request, "user", None) if request is not None else None
    signed_in = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        action=action,
        lead_id=lead.pk if lead else None,
        lead_reference=(lead.reference or "") if lead else "",
        detail=detail[:500],
        result_count=result_count,
        client_ip=client_ip(request) or None if request is not None else None,
    )


def record_view(request, lead: Lead) -> AuditEvent:
    return record(request, AuditAction.VIEW_LEAD, lead=lead)


def record_search(request, query: str, result_count: int | None) -> AuditEvent:
    return record(request, AuditAction.SEARCH, detail=query, result_count=result_count)


def record_export(request, description: str, result_count: int) -> AuditEvent:
    return record(request, AuditAction.EXPORT, detail=description, result_count=result_count)


def record_anonymised(lead: Lead) -> AuditEvent:
    return record(None, AuditAction.ANONYMISE, lead=lead, detail="retention period ended")
