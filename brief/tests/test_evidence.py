"""The director keeps the published findings: seeded, added, checked, edited, reordered, retired."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from brief import services
from brief.evidence import SEEDED_FINDINGS, seeded_findings_load
from brief.models import EvidenceFinding
from brief.selectors import findings_in_brief
from confidentiality.models import AuditAction, AuditAudience, AuditEvent

pytestmark = pytest.mark.django_db

A_FINDING = {
    "statement": "Most clinicians wanted support from a colleague after an event.",
    "figure": "72 %",
    "population": "500 nurses and physicians, one hospital (survey).",
    "authors": "Doe J, Roe R",
    "title": "Support after adverse events",
    "journal": "J Test Med",
    "year": "2021",
    "doi": "https://doi.org/10.1000/test.123",
    "url": "",
    "is_active": "on",
    "checked": "on",
}


def audits(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_the_data_migration_seeds_findings_marked_to_be_checked():
    findings = list(findings_in_brief())
    assert len(findings) == len(SEEDED_FINDINGS) >= 5
    assert all(f.is_seeded and f.needs_checking for f in findings)
    waterman = findings[0]
    assert waterman.figure == "61 %"
    assert waterman.citation.startswith("Waterman AD, Garbutt J")
    assert waterman.citation.endswith(
        "in the United States and Canada. Jt Comm J Qual Patient Saf. 2007."
    )
    assert waterman.link == "https://doi.org/10.1016/S1553-7250(07)33050-X"
    # Loading again adds nothing: the director's table is never touched.
    assert seeded_findings_load(EvidenceFinding) == 0


def test_every_seeded_finding_is_valid_and_cites_authors_title_journal_and_year():
    for finding in EvidenceFinding.objects.all():
        finding.full_clean()
        assert finding.authors and finding.title and finding.journal and finding.year


def test_the_director_adds_a_finding_and_it_comes_last_checked_and_audited(
    cast, client_for
):
    response = client_for(cast.director).post(reverse("brief_evidence_new"), A_FINDING)
    assert response.status_code == 302
    finding = EvidenceFinding.objects.get(authors="Doe J, Roe R")
    assert finding.doi == "10.1000/test.123"  # the resolver's address is taken off
    assert finding.checked_on == timezone.localdate()
    assert not finding.is_seeded
    assert list(findings_in_brief())[-1] == finding
    [audit] = audits(AuditAction.BRIEF_FINDING_CHANGED)
    assert audit.actor == cast.director
    assert audit.audience == AuditAudience.PROGRAM
    assert audit.details["created"] is True
    assert audit.details["figure"] == "72 %"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"statement": ""}, "statement", "Say what the study found"),
        ({"authors": ""}, "authors", "Give the authors"),
        ({"year": "1850"}, "year", "Give the year the study was published"),
        ({"year": "2999"}, "year", "cannot come from the future"),
        ({"doi": "archsurg.2011.312"}, "doi", "A DOI starts with “10.”"),
        ({"url": "not a link"}, "url", "Give a full web address"),
    ],
)
def test_a_finding_that_is_not_complete_is_refused_with_a_clear_message(
    cast, client_for, changes, field, message
):
    response = client_for(cast.director).post(
        reverse("brief_evidence_new"), A_FINDING | changes
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not EvidenceFinding.objects.filter(authors="Doe J, Roe R").exists()
    assert not audits(AuditAction.BRIEF_FINDING_CHANGED)


def test_checking_a_seeded_finding_takes_its_mark_off(cast, client_for):
    finding = EvidenceFinding.objects.order_by("pk").first()
    data = {
        "statement": finding.statement,
        "figure": finding.figure,
        "population": finding.population,
        "authors": finding.authors,
        "title": finding.title,
        "journal": finding.journal,
        "year": finding.year,
        "doi": finding.doi,
        "url": "",
        "is_active": "on",
        "checked": "on",
    }
    client = client_for(cast.director)
    assert (
        client.post(reverse("brief_evidence_edit", args=[finding.pk]), data).status_code
        == 302
    )
    finding.refresh_from_db()
    assert not finding.needs_checking
    # Changed later without saying it was checked again: marked again.
    data.pop("checked")
    client.post(
        reverse("brief_evidence_edit", args=[finding.pk]), data | {"figure": "62 %"}
    )
    finding.refresh_from_db()
    assert finding.figure == "62 %"
    assert finding.needs_checking


def test_the_director_reorders_findings(cast, client_for):
    first, second = list(findings_in_brief())[:2]
    client_for(cast.director).post(
        reverse("brief_evidence_move", args=[second.pk]), {"direction": "up"}
    )
    assert list(findings_in_brief())[:2] == [second, first]
    [audit] = audits(AuditAction.BRIEF_FINDING_MOVED)
    assert audit.details["direction"] == "up"
    # The first cannot go higher; nothing breaks.
    client_for(cast.director).post(
        reverse("brief_evidence_move", args=[second.pk]), {"direction": "up"}
    )
    assert findings_in_brief().first() == second


def test_a_move_that_is_neither_up_nor_down_is_refused(cast, client_for):
    finding = EvidenceFinding.objects.first()
    response = client_for(cast.director).post(
        reverse("brief_evidence_move", args=[finding.pk]),
        {"direction": "sideways"},
        follow=True,
    )
    assert "Move a finding up or down." in response.content.decode()


def test_a_retired_finding_leaves_the_brief_but_stays_in_the_editor(cast, client_for):
    finding = EvidenceFinding.objects.get(authors__startswith="Hu YY")
    client = client_for(cast.director)
    client.post(reverse("brief_evidence_retire", args=[finding.pk]))
    finding.refresh_from_db()
    assert not finding.is_active
    assert finding not in findings_in_brief()
    [audit] = audits(AuditAction.BRIEF_FINDING_RETIRED)
    assert audit.details["citation"] == finding.citation
    assert "not in the brief" in client.get(reverse("brief_evidence")).content.decode()
    assert "Hu YY" not in client.get(reverse("brief")).content.decode()


def test_only_the_director_changes_findings_even_through_the_services(cast):
    finding = EvidenceFinding.objects.first()
    for user in (cast.administrator, cast.leader):
        with pytest.raises(PermissionDenied):
            services.finding_retire(actor=user, finding=finding)
        with pytest.raises(PermissionDenied):
            services.finding_save(actor=user, finding=finding, checked=True)
