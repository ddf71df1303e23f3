"""The results page, its exports and "compute again" (surveys/dashboard_views.py)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from confidentiality.models import AccessEvent, AccessKind
from surveys.models import Comment, WaveStatus
from surveys.tests.test_dashboard import closed_wave, summarized
from worker.models import BackgroundTask, DueStatus

pytestmark = pytest.mark.django_db

DRIVERS = {
    "high_stress": {
        "n": 240,
        "adequate": True,
        "reason": "",
        "model_adequate": True,
        "model_reason": "",
        "odds_ratios": [
            {
                "item": "valued",
                "value": 0.93,
                "low": 0.71,
                "high": 1.22,
                "p_value": 0.6,
            },
            {
                "item": "workload",
                "value": 1.84,
                "low": 1.41,
                "high": 2.4,
                "p_value": 0.001,
            },
        ],
        "weights": [
            {"item": "valued", "raw": 0.05, "percent": 25.0, "low": 0.02, "high": 0.08},
            {
                "item": "workload",
                "raw": 0.15,
                "percent": 75.0,
                "low": 0.1,
                "high": 0.19,
            },
        ],
        "r_squared": 0.2,
    }
}


def departments(cast) -> tuple[str, str, str]:
    org = cast.org
    return tuple(str(d.pk) for d in (org.emergency, org.surgery, org.pediatrics))


def wave_with_figures(cast, survey, label: str, *, weeks: int, drivers=None):
    """A wave of 240 answers: Pediatrics (3 people) is too small to show."""
    ed, surgery, peds = departments(cast)
    wave = closed_wave(survey, label, weeks=weeks, invited=300)
    summarized(
        wave,
        responses=240,
        stress=(236, 74),
        burnout=(240, 96),
        segments={"department": {ed: 120, surgery: 110, peds: 3, "": 7}},
        by_segment={
            "high_stress": {
                "department": {
                    ed: [118, 40],
                    surgery: [108, 30],
                    peds: [3, 2],
                    "": [7, 2],
                }
            },
            "burnout": {
                "department": {
                    ed: [120, 50],
                    surgery: [110, 41],
                    peds: [3, 1],
                    "": [7, 4],
                }
            },
        },
        drivers=drivers,
    )
    return wave


@pytest.fixture
def results(cast, survey):
    """Two waves with figures; the later one has comments and a driver analysis."""
    wave_with_figures(cast, survey, "Winter 2025", weeks=0)
    spring = wave_with_figures(cast, survey, "Spring 2025", weeks=13, drivers=DRIVERS)
    Comment.objects.create(wave=spring, text="Protected time for charting would help.")
    return survey


def results_url(survey, name: str = "survey_results", query: str = "") -> str:
    return reverse(name, args=[survey.slug]) + (f"?{query}" if query else "")


# --- Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["director", "administrator", "leader"])
def test_program_staff_and_leadership_see_the_results(cast, client_for, results, role):
    response = client_for(getattr(cast, role)).get(results_url(results))
    assert response.status_code == 200
    assert b"Staff pulse: results" in response.content


@pytest.mark.parametrize("role", ["supporter", "clinician", "risk", "it"])
@pytest.mark.parametrize(
    "name", ["survey_results", "survey_results_csv", "survey_results_pdf"]
)
def test_everyone_else_gets_404(cast, client_for, results, role, name):
    response = client_for(getattr(cast, role)).get(results_url(results, name))
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_an_unknown_survey_is_404(cast, client_for, results):
    response = client_for(cast.director).get(
        reverse("survey_results", args=["no-such-survey"])
    )
    assert response.status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client_for, results):
    response = client_for(None).get(results_url(results))
    assert response.status_code == 302


# --- The page ---------------------------------------------------------------------------------


def test_the_page_shows_trend_drivers_heat_map_and_comments(cast, client_for, results):
    response = client_for(cast.leader).get(results_url(results))
    html = response.content.decode()
    assert "Figures computed" in html
    # Trend: 74 of 236 is 31.4 %, in an SVG chart and a data table.
    assert "31.4 %" in html
    assert '<svg class="chart-svg"' in html
    assert '<th scope="row">Spring 2025</th>' in html
    assert "No reliable change" in html
    # Drivers: the bar chart and the odds ratios, largest weight first.
    assert html.index("Workload") < html.index("Valued")
    assert "1.84" in html and "1.41 to 2.40" in html
    # Heat map: the group of three is hidden, and so is the group that would give it away.
    assert "Pediatrics" in html and "Other / not stated" in html
    assert html.count('<span class="visually-hidden">suppressed</span>') >= 6
    # Comments: 240 responses is at least the wave's 10.
    assert "Protected time for charting would help." in html
    # The policy forbids inline styles and scripts.
    assert ' style="' not in html
    assert "<script>" not in html


def test_the_page_never_prints_a_hidden_group_s_size(cast, client_for, results):
    html = client_for(cast.leader).get(results_url(results)).content.decode()
    pediatrics = html[html.index('<th scope="row">Pediatrics</th>') :]
    pediatrics = pediatrics[: pediatrics.index("</tr>")]
    assert ">3<" not in pediatrics
    assert pediatrics.count(">suppressed<") == 3


def test_the_heat_map_follows_the_chosen_dimension(cast, client_for, results):
    response = client_for(cast.director).get(
        results_url(results, query="dimension=tenure")
    )
    assert b"has no responses labelled by length of service" in response.content
    assert b'<option value="tenure" selected>' in response.content


def test_comments_wait_until_a_wave_has_enough_responses(cast, client_for, survey):
    wave = closed_wave(survey, "Winter")
    summarized(wave, responses=8, stress=(8, 2))
    Comment.objects.create(wave=wave, text="Something only I would say.")
    html = client_for(cast.director).get(results_url(survey)).content.decode()
    assert "Something only I would say." not in html
    assert "at least 10 responses" in html


def test_a_survey_without_figures_says_so(cast, client_for, survey):
    response = client_for(cast.director).get(results_url(survey))
    assert response.status_code == 200
    assert b"No wave of this survey has figures yet." in response.content


@pytest.mark.parametrize(
    "name", ["survey_results_csv", "survey_results_xlsx", "survey_results_pdf"]
)
def test_a_survey_without_figures_still_exports(cast, client_for, survey, name):
    response = client_for(cast.leader).get(results_url(survey, name))
    assert response.status_code == 200
    assert AccessEvent.objects.filter(actor=cast.leader).count() == 1


def test_the_results_page_asks_a_bounded_number_of_queries(cast, client_for, survey):
    client = client_for(cast.leader)
    for week in range(2):
        wave_with_figures(cast, survey, f"Wave {week}", weeks=13 * week)
    client.get(results_url(survey))  # warm the session and caches
    with CaptureQueriesContext(connection) as two:
        assert client.get(results_url(survey)).status_code == 200
    for week in range(2, 6):
        wave = wave_with_figures(
            cast, survey, f"Wave {week}", weeks=13 * week, drivers=DRIVERS
        )
        Comment.objects.create(wave=wave, text="Another comment.")
    with CaptureQueriesContext(connection) as six:
        assert client.get(results_url(survey)).status_code == 200
    assert len(six.captured_queries) <= len(two.captured_queries) + 1  # the comments
    assert len(six.captured_queries) <= 12


# --- Computing again --------------------------------------------------------------------------


def test_program_staff_can_have_a_closed_wave_computed_again(cast, client_for, results):
    wave = results.waves.get(label="Spring 2025")
    response = client_for(cast.administrator).post(
        reverse("wave_summarize_now", args=[wave.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == results_url(results)
    task = BackgroundTask.objects.get(dedupe_key=f"surveys.summarize:{wave.pk}")
    assert task.kind == "surveys.summarize"
    assert task.payload == {"wave_id": wave.pk}
    assert task.status == DueStatus.PENDING
    html = response.content.decode()
    assert "Computing the figures for “Spring 2025” again" in html
    assert "Updating…" in html
    assert 'hx-trigger="every 3s"' in html


def test_asking_twice_schedules_one_task(cast, client_for, results):
    wave = results.waves.get(label="Spring 2025")
    client = client_for(cast.director)
    for _ in range(2):
        client.post(reverse("wave_summarize_now", args=[wave.pk]))
    assert BackgroundTask.objects.filter(kind="surveys.summarize").count() == 1


def test_an_open_wave_is_not_computed_before_it_closes(cast, client_for, results):
    wave = closed_wave(results, "Summer", weeks=26, status=WaveStatus.OPEN)
    response = client_for(cast.director).post(
        reverse("wave_summarize_now", args=[wave.pk]), follow=True
    )
    assert b"once a wave has closed" in response.content
    assert not BackgroundTask.objects.filter(kind="surveys.summarize").exists()


@pytest.mark.parametrize("role", ["leader", "supporter", "clinician"])
def test_only_program_staff_can_ask_for_figures_again(cast, client_for, results, role):
    wave = results.waves.get(label="Spring 2025")
    response = client_for(getattr(cast, role)).post(
        reverse("wave_summarize_now", args=[wave.pk])
    )
    assert response.status_code == 404
    assert not BackgroundTask.objects.exists()


def test_the_leader_sees_no_compute_again_button(cast, client_for, results):
    html = client_for(cast.leader).get(results_url(results)).content.decode()
    assert "Compute again" not in html


def test_the_updating_note_answers_nothing_new_until_the_figures_are_ready(
    cast, client_for, results
):
    wave = results.waves.get(label="Spring 2025")
    client = client_for(cast.director)
    client.post(reverse("wave_summarize_now", args=[wave.pk]))
    status_url = results_url(results, "survey_results_status", "dimension=site")
    assert client.get(status_url).status_code == 204
    BackgroundTask.objects.update(status=DueStatus.DONE)
    response = client.get(status_url)
    assert response.status_code == 200
    assert b"New figures are ready" in response.content
    assert b"dimension=site" in response.content
    assert b"hx-trigger" not in response.content


# --- Exports ----------------------------------------------------------------------------------


def test_the_workbook_holds_the_same_rows_as_the_csv(cast, client_for, results):
    from openpyxl import load_workbook

    client = client_for(cast.leader)
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(results_url(results, "survey_results_csv")).content.decode()
            )
        )
    )
    response = client.get(results_url(results, "survey_results_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_rows = [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_rows == csv_rows
    assert AccessEvent.objects.filter(
        actor=cast.leader, purpose="Exported survey results (XLSX)"
    ).exists()


def test_the_csv_holds_the_figures_as_shown_and_is_recorded(cast, client_for, results):
    response = client_for(cast.leader).get(
        results_url(results, "survey_results_csv", "dimension=department")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    trend = {(r["wave"], r["measure"]): r for r in rows if r["section"] == "trend"}
    spring = trend[("Spring 2025", "High stress (%)")]
    assert (spring["value"], spring["suppressed"]) == ("31.4", "")
    assert spring["interval_low"] and spring["interval_high"]
    pediatrics = [r for r in rows if r["segment"] == "Pediatrics"]
    assert pediatrics and all(
        (r["value"], r["suppressed"]) == ("", "suppressed") for r in pediatrics
    )
    ratios = [r for r in rows if r["measure"] == "High stress: adjusted odds ratio"]
    assert {r["segment"]: r["value"] for r in ratios} == {
        "Workload": "1.84",
        "Valued": "0.93",
    }
    event = AccessEvent.objects.get()
    assert event.actor == cast.leader
    assert event.kind == AccessKind.EXPORT
    assert event.purpose == "Exported survey results (CSV)"
    assert event.object_id == str(results.pk)


def test_a_csv_cell_never_runs_as_a_formula(cast, client_for, survey):
    survey.waves.all().delete()
    summarized(closed_wave(survey, "=HYPERLINK(1)"), responses=50, stress=(50, 20))
    content = (
        client_for(cast.director)
        .get(results_url(survey, "survey_results_csv"))
        .content.decode()
    )
    assert "'=HYPERLINK(1)" in content


def test_the_pdf_summary_carries_the_key_figures_and_is_recorded(
    cast, client_for, results
):
    response = client_for(cast.director).get(results_url(results, "survey_results_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Staff pulse" in text
    assert "Winter 2025" in text and "Spring 2025" in text
    assert "240" in text  # each wave's n
    assert "31.4 %" in text
    assert "Workload" in text and "1.84" in text
    assert "Small numbers are never shown" in text
    event = AccessEvent.objects.get()
    assert event.purpose == "Exported survey results (PDF)"
    assert event.kind == AccessKind.EXPORT
