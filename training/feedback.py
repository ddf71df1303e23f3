"""Anonymous feedback after a training session: giving it, and reading it in totals.

Anonymity here means unlinkable, not merely unlisted:

* A ``SessionFeedback`` row names a session and nothing else: no person, no
  time. ``Enrolment.feedback_given`` records *that* someone answered (so they
  answer once), never *what*. The audit event has no actor.
* Nobody reads the rows one by one. The director sees totals through
  ``confidentiality.suppression``: a mean only over at least k answers (5),
  comments only from sessions with at least 10 answers, sorted so their order
  says nothing about who wrote them first.
* A session's answers count only once its feedback has **closed**
  (``FEEDBACK_WINDOW`` after it ends) and only if it reached k answers on its
  own. So a figure never moves one answer at a time (watching a mean change
  from 5 to 6 answers would give away the sixth), and no figure can be
  subtracted from another to reach a session that stayed under k: every total
  on the director's page is a sum of whole sessions that are each safe to show.

See docs/suppression.md.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Min
from django.utils import timezone

from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from confidentiality.suppression import (
    Cell,
    comments_visible,
    current_k,
    current_k_comments,
    suppress_count,
    suppressed_mean,
)
from training.models import (
    Attendance,
    Enrolment,
    SessionFeedback,
    SessionStatus,
    TrainingSession,
)

FEEDBACK_WINDOW = datetime.timedelta(days=14)
MAX_COMMENT_LENGTH = 1000
SCORE_FIELDS = ("usefulness", "felt_safe", "confidence")
LOWEST_SCORE, HIGHEST_SCORE = 1, 5

ALREADY_GIVEN = "You have already given feedback on this session. Thank you."


def feedback_closes_at(session: TrainingSession) -> datetime.datetime:
    """Feedback on a session can be given until this moment; its totals appear after."""
    return session.ends_at + FEEDBACK_WINDOW


# --- Giving feedback ---------------------------------------------------------------------


def _own_enrolment(user, session: TrainingSession) -> Enrolment | None:
    if not user.is_authenticated or user.staff_member_id is None:
        return None
    return Enrolment.objects.filter(
        session=session, staff_member_id=user.staff_member_id
    ).first()


def feedback_refusal(
    *, user, session: TrainingSession, enrolment: Enrolment | None = None, now=None
) -> str | None:
    """Why this person may not give feedback on this session now; None when they may.

    Only someone who attended (the session has started, attendance is taken
    and says so), once, while feedback is open. The facilitator does not rate
    their own session.
    """
    now = now or timezone.now()
    if enrolment is None:
        enrolment = _own_enrolment(user, session)
    if enrolment is None or enrolment.attendance != Attendance.ATTENDED:
        return "Only people who attended a session can give feedback on it."
    if session.facilitator_id == enrolment.staff_member_id:
        return "Facilitators do not give feedback on their own sessions."
    if session.is_cancelled:
        return "This session was cancelled."
    if session.starts_at > now:
        return "Feedback opens once the session has started."
    if session.attendance_taken_at is None:
        return "Feedback opens once attendance has been taken."
    if enrolment.feedback_given:
        return ALREADY_GIVEN
    if now > feedback_closes_at(session):
        closed_on = timezone.localtime(feedback_closes_at(session))
        return f"Feedback on this session closed on {closed_on:%-d %B %Y}."
    return None


def _score_errors(scores: dict) -> dict[str, str]:
    return {
        name: f"Choose an answer from {LOWEST_SCORE} to {HIGHEST_SCORE}."
        for name, value in scores.items()
        if isinstance(value, bool)
        or not isinstance(value, int)
        or not LOWEST_SCORE <= value <= HIGHEST_SCORE
    }


def session_feedback_give(
    *,
    user,
    session: TrainingSession,
    usefulness: int,
    felt_safe: int,
    confidence: int,
    comment: str = "",
) -> None:
    """Record one attendee's anonymous feedback, once.

    The feedback row (which names no one) and the attendee's ``feedback_given``
    mark are written in one transaction; the mark is claimed with a
    conditional update, so a double submission records one answer. The audit
    event has no actor: an actor would say whose answer it was.
    """
    scores = {
        "usefulness": usefulness,
        "felt_safe": felt_safe,
        "confidence": confidence,
    }
    errors = _score_errors(scores)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        errors["comment"] = (
            f"Keep the comment to {MAX_COMMENT_LENGTH} characters or fewer "
            f"(it has {len(comment)})."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enrolment = _own_enrolment(user, session)
        refusal = feedback_refusal(user=user, session=session, enrolment=enrolment)
        if refusal is not None:
            raise ValidationError(refusal)
        claimed = Enrolment.objects.filter(
            pk=enrolment.pk, feedback_given=False
        ).update(feedback_given=True)
        if claimed != 1:
            raise ValidationError(ALREADY_GIVEN)
        feedback = SessionFeedback(session=session, comment=comment or None, **scores)
        feedback.full_clean()
        feedback.save()
        audit_event_record(
            actor=None,
            action=AuditAction.SESSION_FEEDBACK_GIVEN,
            obj=session,
            audience=AuditAudience.PROGRAM,
        )


def feedback_due_for(user) -> list[TrainingSession]:
    """Sessions this person attended and can still give feedback on: for their own page."""
    if not user.is_authenticated or user.staff_member_id is None:
        return []
    now = timezone.now()
    return list(
        TrainingSession.objects.filter(
            enrolments__staff_member_id=user.staff_member_id,
            enrolments__attendance=Attendance.ATTENDED,
            enrolments__feedback_given=False,
        )
        .filter(
            status=SessionStatus.SCHEDULED,
            attendance_taken_at__isnull=False,
            starts_at__lte=now,
            ends_at__gte=now - FEEDBACK_WINDOW,
        )
        .exclude(facilitator_id=user.staff_member_id)
        .order_by("starts_at", "pk")
    )


# --- Reading feedback, in totals -----------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    """One group's figures: how many answers count, and the mean of each question."""

    responses: Cell
    usefulness: Cell
    felt_safe: Cell
    confidence: Cell

    @property
    def suppressed(self) -> bool:
        return self.responses.suppressed


@dataclass(frozen=True)
class SessionRow:
    session: TrainingSession
    scores: Scores


@dataclass(frozen=True)
class GroupRow:
    """A facilitator or a module, over its sessions that count."""

    label: str
    sessions: int
    scores: Scores


@dataclass(frozen=True)
class FeedbackSummary:
    k: int
    k_comments: int
    overall: Scores
    sessions_counted: int
    sessions: list[SessionRow]
    facilitators: list[GroupRow]
    modules: list[GroupRow]
    # None while no session has reached k_comments answers; then sorted text.
    comments: list[str] | None
    still_open: int
    next_closes_at: datetime.datetime | None


def _averages() -> dict:
    return {
        "responses": Count("feedback"),
        **{name: Avg(f"feedback__{name}") for name in SCORE_FIELDS},
    }


def _scores(row: dict, *, k: int) -> Scores:
    n = row.get("responses") or 0
    return Scores(
        responses=suppress_count(n, k=k),
        **{name: suppressed_mean(n, row.get(name), k=k) for name in SCORE_FIELDS},
    )


def _group_aggregates() -> dict:
    return {
        "responses": Count("pk"),
        "session_count": Count("session", distinct=True),
        **{name: Avg(name) for name in SCORE_FIELDS},
    }


def feedback_summary(
    user, *, session: TrainingSession | None = None
) -> FeedbackSummary:
    """The director's view of training feedback: totals only, each one suppressed.

    Across all sessions (or for one): the answers that count (see the module
    docstring), the mean of each question to one decimal, per session, per
    facilitator and per module (grouped in the database), and the comments
    when at least ``k_comments`` people answered on a session.
    """
    policy.require(policy.may_view_feedback(user))
    k, k_comments = current_k(), current_k_comments()
    now = timezone.now()
    cutoff = now - FEEDBACK_WINDOW
    answerable = TrainingSession.objects.filter(
        status=SessionStatus.SCHEDULED, attendance_taken_at__isnull=False
    )
    if session is not None:
        answerable = answerable.filter(pk=session.pk)
    closed = answerable.filter(ends_at__lt=cutoff)
    still_open = answerable.filter(ends_at__gte=cutoff, starts_at__lte=now)
    open_sessions = still_open.aggregate(n=Count("pk"), first_end=Min("ends_at"))

    session_rows = [
        SessionRow(
            session=row,
            scores=_scores(
                {name: getattr(row, name) for name in ("responses", *SCORE_FIELDS)},
                k=k,
            ),
        )
        for row in closed.select_related("facilitator")
        .annotate(**_averages())
        .order_by("-starts_at", "-pk")
    ]

    counted = SessionFeedback.objects.filter(session__in=_reaching(closed, k))
    overall_row = counted.aggregate(**_group_aggregates())
    overall = _scores(overall_row, k=k)

    facilitators = [
        GroupRow(
            label=f"{row['session__facilitator__first_name']} "
            f"{row['session__facilitator__last_name']}",
            sessions=row["session_count"],
            scores=_scores(row, k=k),
        )
        for row in counted.values(
            "session__facilitator",
            "session__facilitator__first_name",
            "session__facilitator__last_name",
        )
        .annotate(**_group_aggregates())
        .order_by(
            "session__facilitator__last_name",
            "session__facilitator__first_name",
            "session__facilitator",
        )
    ]
    modules = [
        GroupRow(
            label=row["session__modules__title"],
            sessions=row["session_count"],
            scores=_scores(row, k=k),
        )
        for row in counted.filter(session__modules__isnull=False)
        .values(
            "session__modules",
            "session__modules__title",
            "session__modules__sort_order",
        )
        .annotate(**_group_aggregates())
        .order_by("session__modules__sort_order", "session__modules__title")
    ]

    return FeedbackSummary(
        k=k,
        k_comments=k_comments,
        overall=overall,
        sessions_counted=overall_row["session_count"],
        sessions=session_rows,
        facilitators=facilitators,
        modules=modules,
        comments=_comments(closed, k_comments=k_comments),
        still_open=open_sessions["n"],
        next_closes_at=(
            open_sessions["first_end"] + FEEDBACK_WINDOW
            if open_sessions["first_end"]
            else None
        ),
    )


def _reaching(sessions, answers: int):
    """The ids of these sessions with at least this many answers (a grouped subquery)."""
    return (
        SessionFeedback.objects.filter(session__in=sessions.values("pk"))
        .values("session")
        .annotate(answers=Count("pk"))
        .filter(answers__gte=answers)
        .values("session")
    )


def _comments(closed, *, k_comments: int) -> list[str] | None:
    """Comments from sessions that each reached ``k_comments`` answers, in text order.

    Sorted by their words, never stored order: the order rows were written in
    is the order people answered, and a director who knew that could match a
    comment to a person.
    """
    rows = SessionFeedback.objects.filter(
        session__in=_reaching(closed, k_comments)
    ).values_list("comment", flat=True)
    texts = list(rows)
    if not comments_visible(len(texts), k_comments=k_comments):
        return None
    return sorted(
        (text.strip() for text in texts if text and text.strip()),
        key=lambda text: (text.casefold(), text),
    )
