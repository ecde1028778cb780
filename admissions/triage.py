"""The admissions desk's use cases: what staff do with a lead.

Log a call or a message, add a note, move the status, assign, schedule a call-back, close with an
outcome. Each is one function, called by the desk's views, admin actions, tasks and the demo
alike. Each locks the lead, records an Activity for the timeline, and saves the lead through the
ORM so its history (simple-history) says who changed what. Status changes happen only here.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from admissions import notifications
from admissions.channels import Audience
from admissions.models import (
    PIPELINE_STATUSES,
    STAFF_CLOSE_OUTCOMES,
    Activity,
    ActivityKind,
    CallBack,
    CallOutcome,
    CloseOutcome,
    Lead,
    Purpose,
    Status,
)
from admissions.services import FOLLOW_UP_GRACE, queue_follow_up
from core.queueing import publish_quickly

logger = logging.getLogger(__name__)

# A call logged this close to a call-back's time is that call-back: it is settled.
CALL_BACK_SETTLED_WITHIN = timedelta(minutes=30)


class TriageError(ValueError):
    """What staff asked for cannot be done to this lead; the message says why, for them."""


# --- Reaching out ------------------------------------------------------------------------------


def log_call(lead: Lead, *, by, outcome: str, note: str = "") -> Activity:
    """A call to the person. Any outcome is an attempt (the first sets "first contacted at");
    reaching them moves a new lead to Contacted."""
    if outcome not in CallOutcome.values:
        raise TriageError(f"Unknown call outcome {outcome!r}.")
    return _reach_out(lead, by=by, kind=ActivityKind.CALL, outcome=outcome, note=note)


def log_message_sent(lead: Lead, *, by, kind: str, note: str = "") -> Activity:
    """A text or an e-mail sent to the person, outside this system (from the desk's phone)."""
    if kind not in {ActivityKind.TEXT_SENT, ActivityKind.EMAIL_SENT}:
        raise TriageError(f"Not a message: {kind!r}.")
    return _reach_out(lead, by=by, kind=kind, outcome="", note=note)


def _reach_out(lead: Lead, *, by, kind: str, outcome: str, note: str) -> Activity:
    with transaction.atomic():
        lead = _locked(lead)
        _refuse_if_closed(lead)
        now = timezone.now()
        activity = _record(lead, kind, by, call_outcome=outcome, note=note.strip())
        changed = []
        if kind == ActivityKind.CALL:
            lead.call_attempts += 1
            changed.append("call_attempts")
        if lead.contacted_at is None:
            lead.contacted_at, lead.contacted_by = now, by
            changed += ["contacted_at", "contacted_by"]
        if outcome == CallOutcome.REACHED and lead.status in (Status.NEW, Status.CONTACT_ATTEMPTED):
            changed += _move(lead, Status.CONTACTED, by)
        elif lead.status == Status.NEW:
            changed += _move(lead, Status.CONTACT_ATTEMPTED, by)
        settled = lead.call_backs.pending().filter(due_at__lte=now + CALL_BACK_SETTLED_WITHIN)
        if settled.update(done_at=now):
            changed += _refresh_next_call_back(lead)
        _save(lead, by, changed)
    return activity


def log_info_session(lead: Lead, *, by, note: str) -> Activity:
    """A registration for an information session, or attendance at one, on the lead's timeline."""
    return _record(lead, ActivityKind.INFO_SESSION, by, note=note)


def log_info_session_on_leads(lead_ids, *, by, note: str) -> list[Activity]:
    """The same news about an information session on each lead's timeline (a seat given from
    the waiting list, the session moved or called off), in one statement however many leads.
    `note` names the session, never a person or a health detail."""
    return Activity.objects.bulk_create(
        [
            Activity(lead_id=lead_id, kind=ActivityKind.INFO_SESSION, author=by, note=note)
            for lead_id in dict.fromkeys(lead_ids)
        ]
    )


def add_note(lead: Lead, *, by, note: str) -> Activity:
    note = note.strip()
    if not note:
        raise TriageError("Write the note first.")
    with transaction.atomic():
        lead = _locked(lead)
        return _record(lead, ActivityKind.NOTE, by, note=note)


# --- Status ------------------------------------------------------------------------------------


def change_status(lead: Lead, *, by, to: str, note: str = "") -> bool:
    """Move the lead along the pipeline (or back, or reopen a closed one). False if it is there
    already. Closing has its own function: it needs an outcome."""
    if to not in PIPELINE_STATUSES:
        raise TriageError("Choose a status; to close a lead, close it with an outcome.")
    with transaction.atomic():
        lead = _locked(lead)
        if lead.status == to:
            return False
        changed = []
        if lead.is_closed:
            lead.close_outcome, lead.referred_to, lead.closed_at, lead.closed_by = (
                "",
                "",
                None,
                None,
            )
            changed += ["close_outcome", "referred_to", "closed_at", "closed_by"]
        if to not in (Status.NEW, Status.CONTACT_ATTEMPTED) and lead.contacted_at is None:
            # Contacted, verified, scheduled or admitted: someone has spoken to them.
            lead.contacted_at, lead.contacted_by = timezone.now(), by
            changed += ["contacted_at", "contacted_by"]
        changed += _move(lead, to, by, note=note)
        _save(lead, by, changed)
    return True


def close_lead(lead: Lead, *, by, outcome: str, referred_to: str = "", note: str = "") -> bool:
    """Close with an outcome; pending call-backs are cancelled and escalations stop. False if it
    was closed already. `by` is None when the system closes it (suspected spam at intake)."""
    allowed = STAFF_CLOSE_OUTCOMES if by is not None else CloseOutcome.values
    if outcome not in allowed:
        raise TriageError("Choose why the lead is closed.")
    referred_to = referred_to.strip()
    if outcome == CloseOutcome.REFERRED_OUT and not referred_to:
        raise TriageError("Say where they were referred, so a colleague can follow it up.")
    if outcome != CloseOutcome.REFERRED_OUT:
        referred_to = ""
    with transaction.atomic():
        lead = _locked(lead)
        if lead.is_closed:
            return False
        now = timezone.now()
        lead.close_outcome, lead.referred_to = outcome, referred_to
        lead.closed_at, lead.closed_by = now, by
        changed = ["close_outcome", "referred_to", "closed_at", "closed_by"]
        changed += _move(lead, Status.CLOSED, by, note=note, close_outcome=outcome)
        lead.call_backs.pending().update(cancelled_at=now)
        changed += _refresh_next_call_back(lead)
        _save(lead, by, changed)
    logger.info("Lead #%s closed (%s)", lead.pk, outcome)
    return True


# --- Assignment --------------------------------------------------------------------------------


def assign_lead(lead: Lead, *, to, by) -> bool:
    """Give the lead to a staff member: the assignment time is set, its pending call-back follows,
    and the new assignee is told (unless they took it themselves). Anyone may take an unassigned
    lead; assigning it to someone else, or taking a colleague's, needs the reassign permission.
    False if nothing changed."""
    if to is not None and not (to.is_active and to.is_staff):
        raise TriageError("Leads can be assigned only to active staff members.")
    may_reassign = by is None or by.has_perm("admissions.reassign_lead")
    if to != by and not may_reassign:
        raise PermissionDenied("Only supervisors assign leads to someone else.")
    with transaction.atomic():
        lead = _locked(lead)
        if lead.assigned_to_id == (to.pk if to else None):
            return False
        if lead.assigned_to_id and not may_reassign:
            # Taking a colleague's lead is a reassignment: a supervisor decides it.
            raise PermissionDenied("This lead is a colleague's; ask a supervisor to reassign it.")
        lead.assigned_to, lead.assigned_at = to, timezone.now() if to else None
        activity = _record(lead, ActivityKind.ASSIGNMENT, by, assigned_to=to)
        lead.call_backs.pending().update(assignee=to)
        _save(lead, by, ["assigned_to", "assigned_at"])
        if to is not None and to != by:
            _tell_later(lead, Purpose.ASSIGNMENT, Audience(staff=[to]), round_=activity.pk)
    return True


# --- Held and spam -----------------------------------------------------------------------------


def release_held_lead(lead: Lead, *, by) -> bool:
    """A held request is real: announce it now, as if it had just arrived (it is overdue)."""
    with transaction.atomic():
        lead = _locked(lead)
        if not lead.held_reason or lead.is_closed:
            return False
        lead.held_reason = ""
        lead.follow_up_due_by = timezone.now() + FOLLOW_UP_GRACE
        _record(lead, ActivityKind.NOTE, by, note="Released from review: a real request.")
        _save(lead, by, ["held_reason", "follow_up_due_by"])
        transaction.on_commit(partial(queue_follow_up, lead.pk), robust=True)
    logger.info("Held lead #%s released by staff member %s", lead.pk, by.pk)
    return True


def restore_lead(lead: Lead, *, by) -> bool:
    """A request closed as suspected spam was a person: reopen it and announce it now."""
    with transaction.atomic():
        lead = _locked(lead)
        if not (lead.is_closed and lead.close_outcome == CloseOutcome.SUSPECTED_SPAM):
            return False
        lead.close_outcome, lead.closed_at, lead.closed_by, lead.held_reason = "", None, None, ""
        lead.follow_up_due_by = timezone.now() + FOLLOW_UP_GRACE
        changed = ["close_outcome", "closed_at", "closed_by", "held_reason", "follow_up_due_by"]
        changed += _move(lead, Status.NEW, by, note="Not spam: reopened.")
        _save(lead, by, changed)
        transaction.on_commit(partial(queue_follow_up, lead.pk), robust=True)
    logger.info("Lead #%s restored from suspected spam by staff member %s", lead.pk, by.pk)
    return True


# --- Call-backs --------------------------------------------------------------------------------


def schedule_call_back(lead: Lead, *, by, due_at: datetime, note: str = "") -> CallBack:
    """Promise a call at `due_at`; it replaces any call-back still pending. Its assignee (the
    lead's, else whoever scheduled it) is reminded once when it is due."""
    if due_at <= timezone.now() - timedelta(minutes=1):
        raise TriageError("Choose a time in the future for the call-back.")
    with transaction.atomic():
        lead = _locked(lead)
        _refuse_if_closed(lead)
        lead.call_backs.pending().update(cancelled_at=timezone.now())
        call_back = CallBack.objects.create(
            lead=lead, due_at=due_at, assignee=lead.assigned_to or by, scheduled_by=by
        )
        _record(lead, ActivityKind.CALL_BACK_SCHEDULED, by, call_back_at=due_at, note=note.strip())
        _save(lead, by, _refresh_next_call_back(lead))
    return call_back


def remind_due_call_backs() -> int:
    """Remind the assignee (or the team inbox) of each call-back now due: once, never after the
    lead is closed. The reminder carries the reference and a link, no health detail."""
    reminded = 0
    for call_back_id in CallBack.objects.due_for_reminder(timezone.now()).values_list(
        "pk", flat=True
    )[:200]:
        with transaction.atomic():
            call_back = (
                CallBack.objects.due_for_reminder(timezone.now())
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("lead", "assignee")
                .filter(pk=call_back_id)
                .first()
            )
            if call_back is None:
                continue  # settled, or another worker has it
            assignee = call_back.assignee
            audience = (
                Audience(staff=[assignee])
                if assignee and assignee.is_active
                else Audience(team_inbox=True)
            )
            # The dispatches are made in this transaction with the mark: a crash leaves either
            # both or neither, and a made dispatch is delivered by the sweep if not now.
            _tell_later(call_back.lead, Purpose.CALL_BACK_REMINDER, audience, round_=call_back.pk)
            CallBack.objects.filter(pk=call_back.pk).update(reminded_at=timezone.now())
            reminded += 1
    return reminded


# --- Helpers -----------------------------------------------------------------------------------


def _locked(lead: Lead) -> Lead:
    lead = Lead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
    if lead.is_anonymised:
        raise TriageError("This lead was anonymised at the end of its retention period.")
    return lead


def _refuse_if_closed(lead: Lead) -> None:
    if lead.is_closed:
        raise TriageError("This lead is closed. Reopen it (change its status) first.")


def _record(lead: Lead, kind: str, by, **fields) -> Activity:
    return Activity.objects.create(lead=lead, kind=kind, author=by, **fields)


def _move(lead: Lead, to: str, by, *, note: str = "", close_outcome: str = "") -> list[str]:
    _record(
        lead,
        ActivityKind.STATUS_CHANGE,
        by,
        from_status=lead.status,
        to_status=to,
        close_outcome=close_outcome,
        note=note.strip(),
    )
    lead.status = to
    return ["status"]


def _refresh_next_call_back(lead: Lead) -> list[str]:
    next_one = lead.call_backs.pending().order_by("due_at").first()
    lead.next_call_back_at = next_one.due_at if next_one else None
    return ["next_call_back_at"]


def _save(lead: Lead, by, fields: list[str]) -> None:
    if not fields:
        return
    lead._history_user = by  # read by simple-history: who made this version
    lead.save(update_fields=list(dict.fromkeys(fields)))


def _tell_later(lead: Lead, purpose: str, audience: Audience, *, round_: int) -> None:
    """Make the messages now (in the caller's transaction), send them once it commits. A lost
    send is picked up by the sweep of stale dispatches."""
    from admissions import tasks  # tasks import the services

    dispatch_ids = notifications.prepare_staff_messages(lead, purpose, audience, round_=round_)
    for dispatch_id in dispatch_ids:
        transaction.on_commit(
            partial(publish_quickly, tasks.deliver_dispatch, dispatch_id), robust=True
        )
