"""Retention: a while after a case ends, delete what identifies anyone and keep counts.

A case is an outreach offer and everything that hangs on it: its timeline,
the conversations logged (with their notes and care checks), the facilitated
referrals made, and the request it came from with the referrer and the
contact details. ``case_retention_days`` after the case ended (closed,
declined or never answered) the worker folds it into ClosedCaseCount and
deletes it. The audit events about it forget whom they were about and their
details; the purge records that it ran and how many cases it deleted, never
which. A case whose facilitated referral is still waiting for its follow-up
waits with it.

An offer made after an event also adds itself to the event's
EventOutreachTally (per month the offer was made: how many were purged, and
whether one had been contacted within its clock), so the dashboard's "events
with an offer, someone contacted within the clock" outlives the cases. The
tally names no person, supporter or offer.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record, audit_events_redact
from conversations.models import (
    CareCheck,
    Encounter,
    FacilitatedReferral,
    ReferralOutcome,
)
from events.models import EventOutreachTally
from outreach.models import (
    ClosedCaseCount,
    CloseReason,
    OfferState,
    OfferStep,
    OutreachOffer,
    Referral,
)
from outreach.selectors import first_contact_deadline
from outreach.services import offer_tasks_cancel
from program.selectors import program_settings

ENDED_STATES = [OfferState.CLOSED, OfferState.DECLINED, OfferState.NO_ANSWER]
CONTACT_WITHIN_HOURS = (1, 2, 4, 8, 24, 72)
PURGE_BATCH = 500

DIMENSIONS = (
    "month",
    "origin",
    "trigger_type_id",
    "profession_id",
    "department_id",
    "site_id",
    "ended_as",
)
MEASURES = [
    field.name
    for field in ClosedCaseCount._meta.concrete_fields
    if field.get_internal_type() == "PositiveIntegerField"
]


def cases_due_for_purge(*, now: datetime.datetime) -> QuerySet[OutreachOffer]:
    """Ended cases older than the retention period, but not while a referral awaits its follow-up."""
    kept_for = datetime.timedelta(days=program_settings().case_retention_days)
    follow_up_to_come = FacilitatedReferral.objects.filter(
        offer=OuterRef("pk"),
        outcome=ReferralOutcome.WAITING,
        follow_up_on__gt=timezone.localdate(now),
    )
    return OutreachOffer.objects.filter(
        state__in=ENDED_STATES, state_changed_at__lt=now - kept_for
    ).exclude(Exists(follow_up_to_come))


def closed_cases_purge_due(*, now: datetime.datetime | None = None) -> int:
    """Purge every case due, a batch per transaction (the worker's daily task). How many."""
    now = now or timezone.now()
    purged = 0
    while True:
        batch = closed_cases_purge(now=now, limit=PURGE_BATCH)
        purged += batch
        if batch < PURGE_BATCH:
            return purged


@transaction.atomic
def closed_cases_purge(*, now: datetime.datetime, limit: int = PURGE_BATCH) -> int:
    """Count, then delete, up to ``limit`` cases due for purging. Audited even when none were."""
    offer_ids = list(
        cases_due_for_purge(now=now)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    _counts_add(_case_figures(offer_ids))
    _event_tallies_add(offer_ids)
    requests = cases_delete(offer_ids=offer_ids)
    requests += _requests_delete(_requests_without_a_case(now=now))
    audit_event_record(
        actor=None,
        action=AuditAction.CASES_PURGED,
        audience=AuditAudience.PROGRAM,
        details={
            "cases": len(offer_ids),
            "requests": requests,
            "retention_days": program_settings().case_retention_days,
        },
    )
    return len(offer_ids)


def _requests_without_a_case(*, now: datetime.datetime) -> list[int]:
    """Requests that never became a case, once they are older than the retention period.

    A request for someone who already had an offer open has no case of its
    own; it keeps its referrer and contact details only as long as a case would.
    """
    kept_for = datetime.timedelta(days=program_settings().case_retention_days)
    return list(
        Referral.objects.filter(
            created_at__lt=now - kept_for, offers__isnull=True
        ).values_list("pk", flat=True)
    )


def _requests_delete(referral_ids: list[int]) -> int:
    audit_events_redact(model=Referral, object_ids=referral_ids)
    Referral.objects.filter(pk__in=referral_ids).delete()
    return len(referral_ids)


def cases_delete(*, offer_ids: list[int]) -> int:
    """Delete cases with all that hangs on them, and make their audit events forget them.

    The timeline, conversations, care checks, facilitated referrals and any
    clock still waiting go with the offer; the request it came from goes too
    unless another offer still uses it. Returns how many requests were deleted.
    Call inside a transaction.
    """
    referral_ids = list(
        OutreachOffer.objects.filter(pk__in=offer_ids, referral__isnull=False)
        .values_list("referral_id", flat=True)
        .distinct()
    )
    encounter_ids = list(
        Encounter.objects.filter(offer_id__in=offer_ids).values_list("pk", flat=True)
    )
    for model, ids in (
        (OutreachOffer, offer_ids),
        (Encounter, encounter_ids),
        (
            CareCheck,
            CareCheck.objects.filter(encounter_id__in=encounter_ids).values_list(
                "pk", flat=True
            ),
        ),
        (
            FacilitatedReferral,
            FacilitatedReferral.objects.filter(offer_id__in=offer_ids).values_list(
                "pk", flat=True
            ),
        ),
    ):
        audit_events_redact(model=model, object_ids=list(ids))
    offer_tasks_cancel(offer_ids=offer_ids)
    OutreachOffer.objects.filter(reopened_from_id__in=offer_ids).update(
        reopened_from=None
    )
    OutreachOffer.objects.filter(pk__in=offer_ids).delete()
    return _requests_delete(
        list(
            Referral.objects.filter(
                pk__in=referral_ids, offers__isnull=True
            ).values_list("pk", flat=True)
        )
    )


def _case_figures(offer_ids: list[int]) -> list[dict]:
    """One row of de-identified figures per case, computed in one query."""
    return list(
        OutreachOffer.objects.filter(pk__in=offer_ids)
        .annotate(
            month=TruncMonth("created_at", output_field=DateField()),
            was_accepted=Exists(
                OfferStep.objects.filter(
                    offer=OuterRef("pk"),
                    to_state__in=[OfferState.ACCEPTED, OfferState.IN_SUPPORT],
                )
            ),
            conversation_count=Count("encounters", distinct=True),
            **{
                f"referrals_{outcome}": Count(
                    "facilitated_referrals",
                    filter=Q(facilitated_referrals__outcome=outcome),
                    distinct=True,
                )
                for outcome in ReferralOutcome.values
            },
        )
        .values(
            "month",
            "origin",
            "trigger_type_id",
            "state",
            "close_reason",
            "created_at",
            "contacted_at",
            "first_contact_hours",
            "was_accepted",
            "conversation_count",
            *(f"referrals_{outcome}" for outcome in ReferralOutcome.values),
            profession_id=F("person__profession_id"),
            department_id=F("person__department_id"),
            site_id=F("person__site_id"),
        )
    )


def _ended_as(case: dict) -> str:
    if case["close_reason"]:
        return case["close_reason"]
    return {
        OfferState.DECLINED: CloseReason.DECLINED,
        OfferState.NO_ANSWER: CloseReason.NO_ANSWER,
    }.get(case["state"], CloseReason.OTHER)


def _case_measures(case: dict) -> Counter:
    referrals = {
        outcome: case[f"referrals_{outcome}"] for outcome in ReferralOutcome.values
    }
    measures = Counter(
        offers=1,
        accepted=int(case["was_accepted"]),
        conversations=case["conversation_count"],
        facilitated_referrals=sum(referrals.values()),
        referrals_reached=referrals[ReferralOutcome.REACHED],
        referrals_not_yet=referrals[ReferralOutcome.NOT_YET],
        referrals_not_going=referrals[ReferralOutcome.NOT_GOING],
    )
    if case["contacted_at"] is not None:
        hours = (case["contacted_at"] - case["created_at"]).total_seconds() / 3600
        measures["contacted"] = 1
        measures["contacted_within_target"] = int(hours <= case["first_contact_hours"])
        for bound in CONTACT_WITHIN_HOURS:
            measures[f"contacted_within_{bound}h"] = int(hours <= bound)
    return measures


def _counts_add(cases: list[dict]) -> None:
    """Add the cases to the counts: one row per combination, created or increased."""
    totals: dict[tuple, Counter] = {}
    for case in cases:
        key = (*(case[d] for d in DIMENSIONS[:-1]), _ended_as(case))
        totals.setdefault(key, Counter()).update(_case_measures(case))
    if not totals:
        return
    existing = {
        tuple(getattr(row, d) for d in DIMENSIONS): row
        for row in ClosedCaseCount.objects.select_for_update().filter(
            month__in={key[0] for key in totals}
        )
    }
    created, changed = [], []
    for key, measures in totals.items():
        row = existing.get(key)
        if row is None:
            row = ClosedCaseCount(**dict(zip(DIMENSIONS, key, strict=True)))
            created.append(row)
        else:
            changed.append(row)
        for measure, value in measures.items():
            setattr(row, measure, getattr(row, measure) + value)
    ClosedCaseCount.objects.bulk_create(created)
    ClosedCaseCount.objects.bulk_update(changed, MEASURES)


def _event_tallies_add(offer_ids: list[int]) -> None:
    """Add the batch's offers made after an event to its tally, per month made.

    Every offer that names an event counts (after the event, a group debrief,
    a re-opening), as reports.metrics.triggered_events_offered_in_target
    counts live ones. One grouped query, one for the rows already there, then
    a bulk create and a bulk update.
    """
    groups = list(
        OutreachOffer.objects.filter(pk__in=offer_ids, event__isnull=False)
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("event_id", "month")
        .annotate(
            n=Count("pk"),
            in_target=Count("pk", filter=Q(contacted_at__lte=first_contact_deadline())),
        )
        .order_by()
    )
    if not groups:
        return
    existing = {
        (row.event_id, row.month): row
        for row in EventOutreachTally.objects.select_for_update().filter(
            event_id__in={group["event_id"] for group in groups},
            month__in={group["month"] for group in groups},
        )
    }
    created, changed = [], []
    for group in groups:
        key = (group["event_id"], group["month"])
        row = existing.get(key)
        if row is None:
            row = EventOutreachTally(event_id=key[0], month=key[1])
            created.append(row)
        else:
            changed.append(row)
        row.offers += group["n"]
        row.contacted_in_target = row.contacted_in_target or group["in_target"] > 0
    EventOutreachTally.objects.bulk_create(created)
    EventOutreachTally.objects.bulk_update(changed, ["offers", "contacted_in_target"])
