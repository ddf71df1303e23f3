"""The brief as a PDF (brief/pdf.py, /brief/brief.pdf): it renders, and says what matters."""

import datetime
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from brief.period import Period, whole_quarters
from brief.selectors import assumptions_current
from brief.tests.conftest import offers_after_an_event

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())  # words, not lines: tables wrap


def test_the_pdf_states_the_period_prevalence_departures_avoided_and_net(
    cast, client_for, two_waves, settings
):
    settings.ORGANIZATION_NAME = "Riverside Health"
    offers_after_an_event(cast, people=6)
    today = timezone.localdate()
    response = client_for(cast.leader).get(
        reverse("brief_pdf"), {"start": "2026-01-01", "end": today.isoformat()}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    reader, text = pdf_text(response.content)
    if os.environ.get("BRIEF_PDF_OUT"):  # to look at it: BRIEF_PDF_OUT=/tmp/brief.pdf
        with open(os.environ["BRIEF_PDF_OUT"], "wb") as out:
            out.write(response.content)
    width_mm = float(reader.pages[0].mediabox.width) * 25.4 / 72
    assert round(width_mm) == 210  # A4
    first_page = " ".join(reader.pages[0].extract_text().split())
    # The PDF is leadership's document: whole complete quarters.
    snapped = whole_quarters(Period(datetime.date(2026, 1, 1), today), today=today)
    assert f"Data period: 1 January 2026 to {snapped.end:%-d %B %Y}" in first_page
    assert "Figures cover whole quarters: Q1 2026" in first_page
    assert "Riverside Health" in first_page
    assert "60.0 %" in text  # high stress in the latest wave (60 of 100)
    assert "45.0 %" in text  # burnout (45 of 100)
    assert "Departures the program would avoid" in text
    assert "1.09" in text  # 35 leave, 31.03 % of them for burnout, a tenth avoided
    assert "$368,103" in text  # net saving a year with the default assumptions
    assert "Waterman AD" in text
    assert "check them against the sources before presenting" in text


def test_the_pdf_follows_the_director_s_assumptions(cast, client_for):
    assumptions = assumptions_current()
    assumptions.currency = "€"
    assumptions.annual_turnover_rate = 10
    assumptions.save()
    response = client_for(cast.director).get(reverse("brief_pdf"))
    _, text = pdf_text(response.content)
    # 500 × 10 % = 50 leave; × 31.03 % = 15.52; a tenth: 1.55; × €500,000 = €775,862;
    # less €175,000.
    assert "€600,862" in text


def test_hidden_figures_print_as_a_dash_never_as_a_number(cast, client_for):
    offers_after_an_event(cast, people=3, contacted=3, accepted=3)
    response = client_for(cast.director).get(reverse("brief_pdf"))
    _, text = pdf_text(response.content)
    assert "Offers of support made —" in text
    assert "Offers accepted —" in text


def test_the_pdf_prints_what_the_director_types_as_text(cast, client_for):
    from brief.models import EvidenceFinding

    EvidenceFinding.objects.create(
        statement='<img src="http://example.invalid/x.png"> Peers <b>help</b>.',
        authors="Doe J",
        title="A study",
        journal="J Test",
        year=2020,
    )
    response = client_for(cast.director).get(reverse("brief_pdf"))
    _, text = pdf_text(response.content)
    assert '<img src="http://example.invalid/x.png"> Peers <b>help</b>.' in text
