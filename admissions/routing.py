"""Who handles a new lead: the on-call staff member whose last assignment is oldest."""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db.models import Max

from admissions.models import Lead, OnCallShift, WeeklyOnCallShift
from admissions.roles import SUPERVISORS_GROUP

_NEVER = datetime.min.replace(tzinfo=UTC)


def on_call_staff(at: datetime) -> list:
    """Active staff on call at `at`, from one-off and weekly shifts, in a stable order."""
    one_off = OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at).values_list(
        "staff_member_id", flat=True
    )
    weekly = [
        shift.staff_member_id for shift in WeeklyOnCallShift.objects.all() if shift.covers(at)
    ]
    return list(
        get_user_model()
        .objects.filter(pk__in={*one_off, *weekly}, is_active=True, is_staff=True)
        .order_by("pk")
    )


def supervisors() -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=SUPERVISORS_GROUP)
        .distinct()
        .order_by("pk")
    )


def next_in_rotation(staff: list):
    """Round robin: whoever was assigned a lead longest ago (or never) is next.

    Call inside a transaction: the staff rows are locked so that two leads routed at the same
    moment go to different people.
    """
    ids = [member.pk for member in staff]
    list(get_user_model().objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    last_assigned = dict(
        Lead.objects.filter(assigned_to__in=ids)
        .order_by()
        .values("assigned_to")
        .annotate(last=Max("assigned_at"))
        .values_list("assigned_to", "last")
    )
    return min(staff, key=lambda member: (last_assigned.get(member.pk) or _NEVER, member.pk))
