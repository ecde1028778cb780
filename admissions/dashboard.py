"""The supervisors' dashboard (admin, `admissions.view_dashboard` only).

What it shows: leads received today and this week by status, program and source; the leads
overdue now; how fast leads are first contacted (median, 90th percentile, share within 5, 15 and
60 minutes; weekday daytime, nights and weekends apart); conversion by program and source over a
chosen period; and, over the same period, the information sessions held, the registrations made,
attendance, and the attendees admitted.

The figures are plain functions (`figures_for`) over a fixed number of queries, whatever the
number of leads, programs, sources, sessions or registrations: grouped aggregates, plus one
two-column list of times for the percentiles (SQLite has no percentile_cont). The view only
chooses the period and draws them.

Definitions (also stated on the page):

- Day, week, period: calendar days in the center's time zone (settings.TIME_ZONE); the week
  starts on Monday at midnight. A period is whole days, first and last included.
- Speed to lead: from `created_at` (received) to `contacted_at` (first call, text or e-mail,
  answered or not). Only leads that were in the pipeline count: neither held for review nor
  closed as suspected spam. Never-contacted leads are left out of the median and 90th percentile
  but count in the denominator of "contacted within N minutes" (as not contacted in time), once
  N minutes have passed since they arrived.
- Median and 90th percentile: linear interpolation between the two nearest values, as
  PostgreSQL's percentile_cont and spreadsheets' PERCENTILE.INC: with n sorted values, the p-th
  percentile sits at position (n - 1) · p, counting from 0.
- Weekday daytime, nights, weekends: by the local time the lead was received. Weekends are
  Saturday and Sunday (all day); nights are 8 p.m. to 8 a.m. on the other days; weekday daytime
  is 8 a.m. to 8 p.m., Monday to Friday.
- Conversion: leads admitted (status Admitted now) / all leads received in the period, leaving out
  those closed as suspected spam.
- Information sessions held: published, not cancelled, and ended within the period (and by now).
  Registrations made: those made in the period, for any session, whatever became of them; those
  given up since (by the registrant, or with their session) and those still on the waiting list
  are counted apart. Attendance: registrations marked attended at the sessions held / the seats
  taken there (registrations holding a seat now); someone who came from the waiting list counts
  as attended too, so it may pass 100%. Attendees admitted: attendees whose lead's status is
  Admitted now, or who were admitted through a request of theirs made since they registered
  (a lead marked as a duplicate of the registration's, or one with the registration's e-mail or
  phone received after it, however long after), each registrant's lead once.

Charts are server-drawn SVG with no script and no inline style (the Content-Security-Policy
allows neither): bar lengths are SVG attributes, colours come from dashboard.css. Each chart is
an image with a label, and the same numbers stand in a table beside it.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.template.response import TemplateResponse
from django.utils import timezone

from admissions.models import CloseOutcome, Lead, Priority, Status
from infosessions.models import InfoSession, Registration
from infosessions.models import Status as RegistrationStatus

PERMISSION = "admissions.view_dashboard"

SPEED_THRESHOLDS_MINUTES = (5, 15, 60)
DAYTIME_STARTS, DAYTIME_ENDS = time(8), time(20)
PERIOD_DAYS_CHOICES = (7, 30, 90)
DEFAULT_PERIOD_DAYS = 30
# A year and a day: enough to compare with last year, small enough for the times list.
LONGEST_PERIOD_DAYS = 366
OVERDUE_SHOWN = 50

NO_PROGRAM = "Not sure yet"
NO_SOURCE = "Not recorded"

# Time of week a lead was received, for the speed figures.
DAYTIME, NIGHTS, WEEKENDS = "daytime", "nights", "weekends"
TIME_OF_WEEK_LABELS = {DAYTIME: "Weekday daytime", NIGHTS: "Nights", WEEKENDS: "Weekends"}

# The rows of "received by status": the pipeline, then held and closed (spam apart).
HELD, SPAM = "held", "spam"
STATUS_ROWS = [
    (Status.NEW, "New"),
    (Status.CONTACT_ATTEMPTED, "Contact attempted"),
    (Status.CONTACTED, "Contacted"),
    (Status.INSURANCE_VERIFICATION, "Insurance verification"),
    (Status.ASSESSMENT_SCHEDULED, "Assessment scheduled"),
    (Status.ADMITTED, "Admitted"),
    (HELD, "Held for review"),
    (Status.CLOSED, "Closed"),
    (SPAM, "Closed: suspected spam"),
]

IS_SPAM = Q(status=Status.CLOSED, close_outcome=CloseOutcome.SUSPECTED_SPAM)
IS_HELD = ~Q(held_reason="") & ~Q(status=Status.CLOSED)


# --- The figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """`count` of `of`, e.g. contacted within 15 minutes, or admitted."""

    count: int
    of: int

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.of if self.of else None


@dataclass(frozen=True)
class Received:
    """Leads received today and this week with one status, program or source."""

    label: str
    today: int
    this_week: int


@dataclass(frozen=True)
class Within:
    minutes: int
    share: Share


@dataclass(frozen=True)
class Speed:
    """Speed to lead for the period's pipeline leads received at one time of week (or all)."""

    key: str
    label: str
    leads: int
    contacted: int
    median: timedelta | None
    p90: timedelta | None
    within: tuple[Within, ...]

    @property
    def not_contacted(self) -> int:
        return self.leads - self.contacted


@dataclass(frozen=True)
class Conversion:
    label: str
    admitted: Share


@dataclass(frozen=True)
class OverdueLead:
    reference: str
    url: str
    received: datetime
    waiting: timedelta
    is_urgent: bool
    priority: str
    assigned_to: str


@dataclass(frozen=True)
class InfoSessionFigures:
    """Information sessions over the period: held, registrations made, attendance, admissions."""

    held: int
    # Registrations made in the period (for sessions of any date), and what became of them.
    registrations: int
    cancelled: int
    waitlisted: int
    # At the sessions held in the period.
    seats_taken: int
    attended: int
    not_marked: int
    admitted: int

    @property
    def attendance(self) -> Share:
        return Share(self.attended, self.seats_taken)

    @property
    def attendees_admitted(self) -> Share:
        return Share(self.admitted, self.attended)


@dataclass(frozen=True)
class DashboardFigures:
    now: datetime
    period_start: date
    period_end: date
    today_start: datetime
    week_start: datetime
    received_by_status: list[Received]
    received_by_program: list[Received]
    received_by_source: list[Received]
    received_total: Received
    # All, then weekday daytime, nights, weekends.
    speed: list[Speed]
    conversion_by_program: list[Conversion]
    conversion_by_source: list[Conversion]
    conversion_total: Conversion
    overdue: list[OverdueLead]
    overdue_count: int
    info_sessions: InfoSessionFigures

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days + 1


def figures_for(period_start: date, period_end: date, now: datetime) -> DashboardFigures:
    """The dashboard's figures: today and this week as of `now`, speed and conversion for the
    local days `period_start` to `period_end` (both included). Seven queries, always."""
    today = timezone.localdate(now, center_zone())
    today_start = local_midnight(today)
    week_start = local_midnight(today - timedelta(days=today.weekday()))
    by_status, by_program, by_source, total = _received(today_start, week_start, now)
    period_from, period_until = (
        local_midnight(period_start),
        local_midnight(period_end + timedelta(days=1)),
    )
    period = Lead.objects.filter(created_at__gte=period_from, created_at__lt=period_until)
    conversion_by_program, conversion_by_source, conversion_total = _conversion(period)
    overdue, overdue_count = _overdue(now)
    return DashboardFigures(
        now=now,
        period_start=period_start,
        period_end=period_end,
        today_start=today_start,
        week_start=week_start,
        received_by_status=by_status,
        received_by_program=by_program,
        received_by_source=by_source,
        received_total=total,
        speed=_speed(period, now),
        conversion_by_program=conversion_by_program,
        conversion_by_source=conversion_by_source,
        conversion_total=conversion_total,
        overdue=overdue,
        overdue_count=overdue_count,
        info_sessions=_info_sessions(period_from, period_until, now),
    )


def center_zone():
    """The center's time zone (settings.TIME_ZONE), whatever zone a request may have activated."""
    return timezone.get_default_timezone()


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=center_zone())


def time_of_week(received: datetime) -> str:
    """Weekends (Saturday, Sunday), nights (8 p.m.–8 a.m. on other days) or weekday daytime,
    by the center's local time."""
    local = timezone.localtime(received, center_zone())
    if local.weekday() >= 5:
        return WEEKENDS
    if DAYTIME_STARTS <= local.time() < DAYTIME_ENDS:
        return DAYTIME
    return NIGHTS


def percentile(ordered: Sequence[timedelta], fraction: float) -> timedelta | None:
    """Linear interpolation between closest ranks (percentile_cont, PERCENTILE.INC): the value at
    position (n - 1) · fraction of the sorted values, counting from 0. None if there are none."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _received(today_start: datetime, week_start: datetime, now: datetime):
    status_row = Case(
        When(IS_SPAM, then=Value(SPAM)),
        When(IS_HELD, then=Value(HELD)),
        default=F("status"),
        output_field=CharField(),
    )
    groups = (
        Lead.objects.filter(created_at__gte=week_start, created_at__lte=now)
        .annotate(status_row=status_row)
        .values("status_row", "program_id", "program__name", "source")
        .annotate(
            today=Count("pk", filter=Q(created_at__gte=today_start)),
            this_week=Count("pk"),
        )
        .order_by()
    )
    by_status, by_program, by_source = Tally(), Tally(), Tally()
    program_names = {}
    for group in groups:
        counts = (group["today"], group["this_week"])
        by_status.add(group["status_row"], counts)
        by_program.add(group["program_id"], counts)
        program_names[group["program_id"]] = group["program__name"] or NO_PROGRAM
        by_source.add(group["source"] or NO_SOURCE, counts)
    status_rows = [
        Received(label, *by_status.totals.get(key, (0, 0))) for key, label in STATUS_ROWS
    ]
    program_rows = _most_first(
        Received(program_names[key], *counts) for key, counts in by_program.totals.items()
    )
    source_rows = _most_first(Received(key, *counts) for key, counts in by_source.totals.items())
    total = Received(
        "All leads",
        sum(row.today for row in status_rows),
        sum(row.this_week for row in status_rows),
    )
    return status_rows, program_rows, source_rows, total


class Tally:
    """Counts added up by key, from grouped rows: (today, this week) or (admitted, leads)."""

    def __init__(self):
        self.totals: dict = {}

    def add(self, key, counts: tuple[int, ...]):
        before = self.totals.get(key, (0,) * len(counts))
        self.totals[key] = tuple(a + b for a, b in zip(before, counts, strict=True))


def _most_first(rows: Iterable[Received]) -> list[Received]:
    return sorted(rows, key=lambda row: (-row.this_week, -row.today, row.label.lower()))


def _speed(period, now: datetime) -> list[Speed]:
    pipeline = period.exclude(IS_SPAM).filter(held_reason="")
    times: dict[str, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for received, contacted in pipeline.values_list("created_at", "contacted_at").order_by():
        times[time_of_week(received)].append((received, contacted))
    everything = [pair for pairs in times.values() for pair in pairs]
    return [
        _speed_of("all", "All", everything, now),
        *(_speed_of(key, label, times[key], now) for key, label in TIME_OF_WEEK_LABELS.items()),
    ]


def _speed_of(key, label, pairs: list[tuple[datetime, datetime | None]], now) -> Speed:
    delays = sorted(contacted - received for received, contacted in pairs if contacted)
    within = []
    for minutes in SPEED_THRESHOLDS_MINUTES:
        limit = timedelta(minutes=minutes)
        in_time = sum(1 for delay in delays if delay <= limit)
        # A lead still waiting may yet be contacted in time: it counts once its time is up.
        still_possible = sum(
            1 for received, contacted in pairs if contacted is None and now - received < limit
        )
        within.append(Within(minutes, Share(in_time, len(pairs) - still_possible)))
    return Speed(
        key=key,
        label=label,
        leads=len(pairs),
        contacted=len(delays),
        median=percentile(delays, 0.5),
        p90=percentile(delays, 0.9),
        within=tuple(within),
    )


def _conversion(period):
    groups = (
        period.exclude(IS_SPAM)
        .values("program_id", "program__name", "source")
        .annotate(leads=Count("pk"), admitted=Count("pk", filter=Q(status=Status.ADMITTED)))
        .order_by()
    )
    by_program, by_source, total = Tally(), Tally(), Tally()
    program_names = {}
    for group in groups:
        counts = (group["admitted"], group["leads"])
        by_program.add(group["program_id"], counts)
        program_names[group["program_id"]] = group["program__name"] or NO_PROGRAM
        by_source.add(group["source"] or NO_SOURCE, counts)
        total.add("all", counts)

    def rows(tally, label_of):
        found = [Conversion(label_of(key), Share(*counts)) for key, counts in tally.totals.items()]
        return sorted(found, key=lambda row: (-row.admitted.of, row.label.lower()))

    return (
        rows(by_program, program_names.__getitem__),
        rows(by_source, str),
        Conversion("All leads", Share(*total.totals.get("all", (0, 0)))),
    )


def _overdue(now: datetime) -> tuple[list[OverdueLead], int]:
    overdue = Lead.objects.overdue(now)
    leads = (
        overdue.select_related("assigned_to")
        .only(
            "reference",
            "created_at",
            "priority",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
        )
        .annotate(
            urgent_first=Case(
                When(priority=Priority.URGENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("urgent_first", "created_at", "pk")[:OVERDUE_SHOWN]
    )
    shown = [
        OverdueLead(
            reference=lead.reference or f"#{lead.pk}",
            url=lead.admin_url(),
            received=lead.created_at,
            waiting=now - lead.created_at,
            is_urgent=lead.is_urgent,
            priority=lead.get_priority_display(),
            assigned_to=(
                (lead.assigned_to.get_full_name() or lead.assigned_to.get_username())
                if lead.assigned_to
                else ""
            ),
        )
        for lead in leads
    ]
    return shown, overdue.count()


def _info_sessions(period_from: datetime, period_until: datetime, now: datetime):
    """Two queries: the sessions held, then one pass over the registrations made in the period
    or held at those sessions."""

    def held(prefix=""):
        """Published, not cancelled, ended within the period and by now."""
        return Q(
            **{
                f"{prefix}published": True,
                f"{prefix}cancelled_at__isnull": True,
                f"{prefix}ends_at__gte": period_from,
                f"{prefix}ends_at__lt": period_until,
                f"{prefix}ends_at__lte": now,
            }
        )

    at_held = held("session__")
    made = Q(created_at__gte=period_from, created_at__lt=period_until)
    seat = Q(status=RegistrationStatus.REGISTERED)
    came = at_held & Q(attended=True)
    # Admitted through this lead, or through a request of theirs made since they registered
    # (a consultation request after the session): one marked as a duplicate of it, or with the
    # same e-mail or phone however long after.
    admitted_later = Exists(
        Lead.objects.filter(
            Q(duplicate_of=OuterRef("lead"))
            | (
                (Q(email=OuterRef("email")) | (Q(phone=OuterRef("phone")) & ~Q(phone="")))
                & Q(created_at__gte=OuterRef("created_at"))
            ),
            status=Status.ADMITTED,
        )
    )
    came_and_admitted = came & (Q(lead__status=Status.ADMITTED) | Q(admitted_later=True))
    counts = (
        Registration.objects.filter(made | at_held)
        .annotate(admitted_later=admitted_later)
        .aggregate(
            registrations=Count("pk", filter=made),
            cancelled=Count("pk", filter=made & Q(status=RegistrationStatus.CANCELLED)),
            waitlisted=Count("pk", filter=made & Q(status=RegistrationStatus.WAITLISTED)),
            seats_taken=Count("pk", filter=at_held & seat),
            attendees=Count("pk", filter=came),  # not "attended", the field's name
            not_marked=Count("pk", filter=at_held & seat & Q(attended__isnull=True)),
            admitted=Count("lead", distinct=True, filter=came_and_admitted),
        )
    )
    return InfoSessionFigures(
        held=InfoSession.objects.filter(held()).count(),
        attended=counts.pop("attendees"),
        **counts,
    )


# --- Words and numbers as shown ----------------------------------------------------------------


def format_percent(value: float | None) -> str:
    """20%, 66.7%; a dash when there is nothing to divide by."""
    if value is None:
        return "–"
    rounded = round(value, 1)
    return f"{rounded:.0f}%" if rounded == int(rounded) else f"{rounded:.1f}%"


def format_share(share: Share) -> str:
    return f"{format_percent(share.percent)} ({share.count} of {share.of})"


def format_duration(duration: timedelta | None) -> str:
    """12 min, 52 min 30 s, 2 h 5 min, 3 d 4 h; a dash for none."""
    if duration is None:
        return "–"
    seconds = round(duration.total_seconds())
    negative, seconds = seconds < 0, abs(seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        parts = [f"{days} d", f"{hours} h" if hours else ""]
    elif hours:
        parts = [f"{hours} h", f"{minutes} min" if minutes else ""]
    elif minutes:
        parts = [f"{minutes} min", f"{seconds} s" if seconds else ""]
    else:
        parts = [f"{seconds} s"]
    text = " ".join(part for part in parts if part)
    return f"−{text}" if negative else text


# --- Charts ------------------------------------------------------------------------------------

# Geometry of the bar charts, in pixels: a heading line per group, then per bar a line of text
# with the bar under it. Widths are percentages of the chart, so it fits any screen.
CHART_HEADING_HEIGHT = 22
CHART_BAR_ROW_HEIGHT = 32
CHART_TEXT_BASELINE = 13
CHART_BAR_OFFSET = 17
CHART_BAR_HEIGHT = 10
CHART_LABEL_LENGTH = 48


@dataclass(frozen=True)
class ChartLine:
    text: str
    text_y: int
    is_heading: bool = False
    # Bars only: the length as a percentage of the chart's width ("37.5"), its series (colour).
    width: str = ""
    bar_y: int = 0
    series: int = 0


@dataclass(frozen=True)
class BarChart:
    id: str
    caption: str
    label: str
    lines: list[ChartLine]
    height: int
    bar_height: int = CHART_BAR_HEIGHT


@dataclass(frozen=True)
class ChartBar:
    text: str
    value: float
    series: int = 0


def bar_chart(
    chart_id: str,
    caption: str,
    groups: Sequence[tuple[str, Sequence[ChartBar]]],
    *,
    scale: float,
) -> BarChart:
    """Horizontal bars: `groups` of (heading, bars); a group with an empty heading has none.
    A bar of `scale` spans the chart's width."""
    lines, y = [], 0
    for heading, bars in groups:
        if heading:
            lines.append(ChartLine(_shorten(heading), y + CHART_TEXT_BASELINE + 2, is_heading=True))
            y += CHART_HEADING_HEIGHT
        for bar in bars:
            share = max(0.0, min(1.0, bar.value / scale)) if scale else 0.0
            lines.append(
                ChartLine(
                    _shorten(bar.text),
                    y + CHART_TEXT_BASELINE,
                    width=f"{100 * share:.2f}",
                    bar_y=y + CHART_BAR_OFFSET,
                    series=bar.series,
                )
            )
            y += CHART_BAR_ROW_HEIGHT
    label = f"{caption}. Bar chart; the same numbers are in the table beside it."
    return BarChart(chart_id, caption, label, lines, max(y, CHART_BAR_ROW_HEIGHT))


def _shorten(text: str) -> str:
    if len(text) <= CHART_LABEL_LENGTH:
        return text
    return text[: CHART_LABEL_LENGTH - 1].rstrip() + "…"


def charts_for(figures: DashboardFigures) -> dict[str, BarChart]:
    def received(chart_id, what, rows):
        return bar_chart(
            chart_id,
            f"Leads received this week, by {what}",
            [("", [ChartBar(f"{row.label}: {row.this_week}", row.this_week)]) for row in rows],
            scale=max([row.this_week for row in rows] + [1]),
        )

    def conversion(chart_id, what, rows):
        return bar_chart(
            chart_id,
            f"Share of leads admitted, by {what}",
            [
                ("", [ChartBar(f"{row.label}: {format_share(row.admitted)}", _pct(row.admitted))])
                for row in rows
            ],
            scale=100,
        )

    by_time = figures.speed[1:]
    speed = bar_chart(
        "chart-speed",
        "Share of leads contacted within 5, 15 and 60 minutes, by time of week received",
        [
            (
                f"Contacted within {minutes} minutes",
                [
                    ChartBar(
                        f"{part.label}: {format_share(part.within[index].share)}",
                        _pct(part.within[index].share),
                        series,
                    )
                    for series, part in enumerate(by_time)
                ],
            )
            for index, minutes in enumerate(SPEED_THRESHOLDS_MINUTES)
        ],
        scale=100,
    )
    return {
        "received_by_status": received(
            "chart-received-status", "status", figures.received_by_status
        ),
        "received_by_program": received(
            "chart-received-program", "program", figures.received_by_program
        ),
        "received_by_source": received(
            "chart-received-source", "source", figures.received_by_source
        ),
        "speed": speed,
        "conversion_by_program": conversion(
            "chart-conversion-program", "program", figures.conversion_by_program
        ),
        "conversion_by_source": conversion(
            "chart-conversion-source", "source", figures.conversion_by_source
        ),
    }


def _pct(share: Share) -> float:
    return share.percent or 0.0


# --- The period --------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """The period for speed and conversion: the last 7, 30 or 90 days (today included), or from
    one date to another (both included). By GET, so the page can be bookmarked."""

    days = forms.TypedChoiceField(
        choices=[(days, f"Last {days} days") for days in PERIOD_DAYS_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose the last 7, 30 or 90 days."},
    )
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the first day as a date, like 2025-06-01."},
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the last day as a date, like 2025-06-30."},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    @property
    def uses_dates(self) -> bool:
        return self.is_bound and bool(self.data.get("start") or self.data.get("end"))

    def clean(self):
        cleaned = super().clean()
        if not self.uses_dates:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if not self.data.get("start"):
            self.add_error("start", "Enter the first day too.")
        if not self.data.get("end"):
            self.add_error("end", "Enter the last day too.")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must be on or after the first day.")
            elif (end - start).days + 1 > LONGEST_PERIOD_DAYS:
                self.add_error("end", f"Choose at most {LONGEST_PERIOD_DAYS} days.")
        if end and end > self.today:
            self.add_error("end", "The last day cannot be after today.")
        return cleaned

    def chosen_days(self) -> int | None:
        """7, 30 or 90 when the period is the last so many days, as asked or by default."""
        if not self.is_bound:
            return DEFAULT_PERIOD_DAYS
        if self.errors or self.uses_dates:
            return None
        return self.cleaned_data["days"] or DEFAULT_PERIOD_DAYS

    def period(self) -> tuple[date, date]:
        """The period asked for; the last 30 days if none was, or what was asked is wrong."""
        days = DEFAULT_PERIOD_DAYS
        if self.is_bound and self.is_valid():
            if self.uses_dates:
                return self.cleaned_data["start"], self.cleaned_data["end"]
            days = self.cleaned_data["days"] or DEFAULT_PERIOD_DAYS
        return self.today - timedelta(days=days - 1), self.today


# --- The page ----------------------------------------------------------------------------------


def dashboard_view(request, model_admin):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    now = timezone.now()
    today = timezone.localdate(now, center_zone())
    form = PeriodForm(request.GET or None, today=today)
    period_start, period_end = form.period()
    figures = figures_for(period_start, period_end, now)
    chosen_days = form.chosen_days()
    speed_rows = _speed_rows(figures.speed)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Admissions dashboard",
        "opts": model_admin.model._meta,
        "form": form,
        "figures": figures,
        "charts": charts_for(figures),
        "speed_rows": speed_rows,
        "quick_periods": [
            {"days": days, "label": f"Last {days} days", "current": days == chosen_days}
            for days in PERIOD_DAYS_CHOICES
        ],
        "default_days": DEFAULT_PERIOD_DAYS,
        "sla_minutes": settings.ADMISSIONS_SLA_MINUTES,
        "overdue_shown": OVERDUE_SHOWN,
        "conversion_rows": {
            "program": _conversion_rows(figures.conversion_by_program),
            "source": _conversion_rows(figures.conversion_by_source),
            "total": _conversion_rows([figures.conversion_total])[0],
        },
        "info_session_rows": _info_session_rows(figures.info_sessions),
        "overdue_rows": [
            {"lead": lead, "waiting": format_duration(lead.waiting)} for lead in figures.overdue
        ],
    }
    return TemplateResponse(request, "admin/admissions/dashboard.html", context)


def _speed_rows(speed: list[Speed]) -> list[dict]:
    """The speed table, a row per measure and a column per time of week."""
    rows = [
        {"label": "Leads received (in the pipeline)", "cells": [part.leads for part in speed]},
        {"label": "First contacted", "cells": [part.contacted for part in speed]},
        {"label": "Not contacted (yet)", "cells": [part.not_contacted for part in speed]},
        {
            "label": "Median time to first contact",
            "cells": [format_duration(part.median) for part in speed],
        },
        {
            "label": "90th percentile time to first contact",
            "cells": [format_duration(part.p90) for part in speed],
        },
    ]
    for index, minutes in enumerate(SPEED_THRESHOLDS_MINUTES):
        rows.append(
            {
                "label": f"Contacted within {minutes} minutes",
                "cells": [format_share(part.within[index].share) for part in speed],
            }
        )
    return rows


def _conversion_rows(rows: list[Conversion]) -> list[dict]:
    return [
        {
            "label": row.label,
            "leads": row.admitted.of,
            "admitted": row.admitted.count,
            "percent": format_percent(row.admitted.percent),
        }
        for row in rows
    ]


def _info_session_rows(sessions: InfoSessionFigures) -> list[dict]:
    """The information sessions table: a row per measure, its number, and a share where one
    means something."""

    def share_of(share: Share, what: str) -> str:
        return f"{format_percent(share.percent)} of {share.of} {what}" if share.of else "–"

    made = sessions.registrations
    return [
        {"label": "Sessions held", "number": sessions.held, "share": ""},
        {"label": "Registrations made", "number": made, "share": ""},
        {
            "label": "Given up since",
            "number": sessions.cancelled,
            "share": share_of(Share(sessions.cancelled, made), "registrations made"),
        },
        {
            "label": "Still on the waiting list",
            "number": sessions.waitlisted,
            "share": share_of(Share(sessions.waitlisted, made), "registrations made"),
        },
        {"label": "Seats taken at the sessions held", "number": sessions.seats_taken, "share": ""},
        {
            "label": "Attended",
            "number": sessions.attended,
            "share": share_of(sessions.attendance, "seats taken"),
        },
        {"label": "Attendance not marked yet", "number": sessions.not_marked, "share": ""},
        {
            "label": "Attendees admitted",
            "number": sessions.admitted,
            "share": share_of(sessions.attendees_admitted, "attendees"),
        },
    ]
