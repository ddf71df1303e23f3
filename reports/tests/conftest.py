"""Hand-built offers, purged counts and events for the dashboard's tests."""

import datetime

import pytest
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from conversations.models import Encounter, FacilitatedReferral
from events.models import AdverseEvent, TriggerType
from outreach.models import (
    ClosedCaseCount,
    CloseReason,
    OfferOrigin,
    OfferState,
    OfferStep,
    OutreachOffer,
)
from resources.models import Resource


def moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def trigger(db):
    return TriggerType.objects.get(code="serious-safety-event")


@pytest.fixture
def build(cast, trigger):
    """Makes offers (and what hangs on them) on a given day, in bulk."""
    org = cast.org

    class Builder:
        def person(self, **fields):
            return make_staff_member(org, **fields)

        def offers(
            self,
            n,
            *,
            day,
            person=None,
            contact_after_hours=None,
            accepted=False,
            target=24,
            trigger_type=trigger,
            origin=OfferOrigin.EVENT,
            event=None,
            conversations=0,
            referrals=(),
            state=None,
        ):
            made = moment(day)
            person = person or cast.clinician.staff_member
            offers = OutreachOffer.objects.bulk_create(
                OutreachOffer(
                    person=person,
                    origin=origin,
                    trigger_type=trigger_type,
                    event=None,
                    state=state
                    or (OfferState.ACCEPTED if accepted else OfferState.CONTACTED),
                    state_changed_at=made,
                    first_contact_hours=target,
                    contacted_at=(
                        made + datetime.timedelta(hours=contact_after_hours)
                        if contact_after_hours is not None
                        else None
                    ),
                    supporter=cast.supporter.staff_member,
                )
                for _ in range(n)
            )
            ids = [offer.pk for offer in offers]
            # created_at is auto_now_add: set the day the offer was made.
            OutreachOffer.objects.filter(pk__in=ids).update(
                created_at=made, event=event
            )
            if accepted:
                OfferStep.objects.bulk_create(
                    OfferStep(offer_id=i, to_state=OfferState.ACCEPTED, at=made)
                    for i in ids
                )
            Encounter.objects.bulk_create(
                Encounter(
                    offer_id=i,
                    supporter=cast.supporter.staff_member,
                    occurred_on=day,
                    duration_minutes=30,
                    modality="phone",
                    outcome="continuing",
                )
                for i in ids
                for _ in range(conversations)
            )
            if referrals:
                resource = Resource.objects.first() or self.resource()
                FacilitatedReferral.objects.bulk_create(
                    FacilitatedReferral(
                        offer_id=i,
                        resource=resource,
                        supporter=cast.supporter.staff_member,
                        made_on=day,
                        follow_up_with="supporter",
                        follow_up_on=day,
                        outcome=outcome,
                    )
                    for i in ids
                    for outcome in referrals
                )
            return ids

        def resource(self):
            return Resource.objects.create(name="Employee assistance", kind="eap")

        def purged(self, *, month, person=None, trigger_type=trigger, **measures):
            person = person or cast.clinician.staff_member
            return ClosedCaseCount.objects.create(
                month=month,
                origin=measures.pop("origin", OfferOrigin.EVENT),
                trigger_type=trigger_type,
                profession_id=person.profession_id,
                department_id=person.department_id,
                site_id=person.site_id,
                ended_as=CloseReason.SUPPORT_ENDED,
                **measures,
            )

        def event(self, *, day, involved=()):
            event = AdverseEvent.objects.create(
                source="manual",
                occurred_on=day,
                trigger_type=trigger,
                harm_level="moderate",
            )
            AdverseEvent.objects.filter(pk=event.pk).update(created_at=moment(day))
            for person in involved:
                event.involvements.create(staff_member=person, matched_by="roster")
            return event

    return Builder()
