"""Reads for the brief: the whole brief for a period, the findings, the assumptions.

The brief holds no row about a person: figures drawn from people arrive
suppressed (brief.local, brief.survey_trend), findings and assumptions name
no one. Who may read it is ``policy.may_view_brief``, checked by the views.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from confidentiality.suppression import current_k
from reports.figures_cache import refreshing

from .cost_model import CostModel, Inputs, cost_model
from .local import (
    EventsPicture,
    ProgramPicture,
    events_picture,
    events_picture_in_quarters,
    program_picture,
    program_picture_in_quarters,
)
from .models import CostModelAssumptions, EvidenceFinding
from .period import Period, last_twelve_months, quarters_label, whole_quarters
from .survey_trend import SurveyPicture, survey_picture


@dataclass(frozen=True)
class Brief:
    organization_name: str
    period: Period
    made_at: datetime.datetime
    k: int
    survey: SurveyPicture | None
    events: EventsPicture
    program: ProgramPicture
    findings: tuple[EvidenceFinding, ...]
    assumptions: CostModelAssumptions
    cost: CostModel
    in_quarters: bool = False  # leadership's: whole complete quarters, each safe

    @property
    def quarters_label(self) -> str:
        return quarters_label(self.period) if self.in_quarters else ""

    @property
    def findings_to_check(self) -> int:
        return sum(1 for finding in self.findings if finding.needs_checking)

    @property
    def high_stress(self):
        return self.survey.latest_prevalence("High stress") if self.survey else None

    @property
    def burnout(self):
        return self.survey.latest_prevalence("Burnout") if self.survey else None


def brief_build(
    *,
    period: Period,
    made_at: datetime.datetime,
    in_quarters: bool = False,
    survey_end: datetime.date | None = None,
) -> Brief:
    """The brief for offers made and events that occurred in ``period``, as of ``made_at``.

    ``in_quarters`` (leadership's brief, and every PDF): ``period`` is whole
    complete quarters (``period.whole_quarters``), and a figure over several
    quarters is shown only when each quarter would show it.
    """
    k = current_k()
    assumptions = assumptions_current()
    return Brief(
        organization_name=settings.ORGANIZATION_NAME,
        period=period,
        made_at=made_at,
        k=k,
        survey=survey_picture(end=survey_end or period.end),
        events=(events_picture_in_quarters if in_quarters else events_picture)(
            period, k=k
        ),
        program=(program_picture_in_quarters if in_quarters else program_picture)(
            period, k=k
        ),
        findings=tuple(findings_in_brief()),
        assumptions=assumptions,
        cost=cost_model(Inputs.from_assumptions(assumptions)),
        in_quarters=in_quarters,
    )


def briefs_refresh(*, today: datetime.date) -> None:
    """Work out afresh the figures of the default brief, as read and as the PDF.

    The worker does this every few minutes (``brief.figures_refresh``) so the
    brief opens without waiting (reports.figures_cache).
    """
    asked = last_twelve_months(today)
    made_at = datetime.datetime.now(datetime.UTC)
    with refreshing():
        brief_build(period=asked, made_at=made_at)
        brief_build(
            period=whole_quarters(asked, today=today),
            made_at=made_at,
            in_quarters=True,
            survey_end=asked.end,
        )


def findings_in_brief() -> QuerySet[EvidenceFinding]:
    return EvidenceFinding.objects.filter(is_active=True).order_by("sort_order", "pk")


def findings_for_edit() -> QuerySet[EvidenceFinding]:
    """Every finding, retired ones after, for the director's editor."""
    return EvidenceFinding.objects.order_by("-is_active", "sort_order", "pk")


def finding_for_edit(finding_id) -> EvidenceFinding:
    try:
        return EvidenceFinding.objects.get(pk=finding_id)
    except (EvidenceFinding.DoesNotExist, ValueError, TypeError):
        raise Http404


def assumptions_current() -> CostModelAssumptions:
    """The one row of assumptions, made with the defaults the first time it is asked for."""
    assumptions, _ = CostModelAssumptions.objects.select_related(
        "updated_by__staff_member"
    ).get_or_create(pk=1)
    return assumptions
