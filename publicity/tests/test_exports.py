"""The publicity tables as CSV and XLSX, read back, each download witnessed."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from confidentiality.models import AccessEvent, AccessKind
from publicity.models import ActivityStatus
from publicity.tests.conftest import days_ago, make_activity, make_every_answer


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_the_activities_download_as_csv(cast, client_for):
    make_activity(
        title="Grand rounds talk",
        audience_size=80,
        materials="Slides\nhttps://intranet.example.org/peer",
    )
    make_activity(
        title="Next faculty meeting",
        channel="faculty_meeting",
        status=ActivityStatus.PLANNED,
        held_on=days_ago(-10),
    )

    response = client_for(cast.director).get(reverse("publicity_activities_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="outreach-activities-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "Date",
        "Channel",
        "Title",
        "Status",
        "Audience",
        "Presenter",
        "Materials",
        "Notes",
    ]
    assert rows[1][:5] == [
        days_ago(10).isoformat(),
        "Grand rounds",
        "Grand rounds talk",
        "Held",
        "80",
    ]
    assert rows[1][6] == "Slides\nhttps://intranet.example.org/peer"
    assert rows[2][1:5] == ["Faculty meeting", "Next faculty meeting", "Planned", ""]
    event = AccessEvent.objects.get()
    assert event.kind == AccessKind.EXPORT
    assert event.actor == cast.director
    assert event.object_type == "publicity.outreachactivity"
    assert event.purpose.startswith("Outreach activities exported as CSV")
    assert event.purpose.endswith("(2 rows)")


def test_the_activities_download_as_xlsx_with_dates_and_numbers(cast, client_for):
    make_activity(title="Grand rounds talk", audience_size=80)

    response = client_for(cast.administrator).get(reverse("publicity_activities_xlsx"))

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    rows = xlsx_rows(response)
    assert rows[0][0] == "Date"
    assert rows[1][0].date() == days_ago(10)
    assert rows[1][4] == 80
    assert AccessEvent.objects.get().purpose.startswith(
        "Outreach activities exported as XLSX"
    )


def test_the_activities_download_follows_the_filters(cast, client_for):
    make_activity(title="Old talk", held_on=days_ago(200))
    make_activity(title="Newsletter", channel="newsletter", held_on=days_ago(5))

    rows = csv_rows(
        client_for(cast.director).get(
            reverse("publicity_activities_csv"), {"months": 3}
        )
    )

    assert [row[2] for row in rows[1:]] == ["Newsletter"]


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_is_never_run(cast, client_for, format_):
    make_activity(title='=HYPERLINK("http://evil.example")', notes="+1 more")

    response = client_for(cast.director).get(reverse(f"publicity_activities_{format_}"))

    rows = csv_rows(response) if format_ == "csv" else xlsx_rows(response)
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][7] == "'+1 more"


def test_the_channel_table_downloads_as_the_page_shows_it(cast, client_for):
    make_activity(audience_size=80)
    make_every_answer(cast.org, 9, newsletter=2, onboarding=6)

    response = client_for(cast.director).get(reverse("publicity_channels_csv"))

    rows = csv_rows(response)
    assert rows[0][:6] == [
        "Channel or route",
        "Publicity channel",
        "Activities held",
        "Audience reached",
        "Requests naming it",
        "Requests note",
    ]
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Grand rounds"][1:7] == ["yes", "1", "80", "9", "", "11.3"]
    assert by_label["Newsletter"][4:6] == ["", "hidden"]
    assert by_label["Onboarding and orientation"][4:6] == ["", "hidden"]
    assert by_label["A colleague"][1:6] == ["no", "", "", "9", ""]
    assert by_label["All"][2:5] == ["1", "80", str(9 * 8 + 2 + 6)]
    assert any(row and row[0].startswith("Period:") for row in rows)
    assert AccessEvent.objects.get().object_type == "publicity.channelrequestcount"


def test_the_channel_table_downloads_as_xlsx(cast, client_for):
    make_every_answer(cast.org, 9, newsletter=2, onboarding=6)

    rows = xlsx_rows(client_for(cast.director).get(reverse("publicity_channels_xlsx")))

    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Grand rounds"][4] == 9
    assert by_label["Newsletter"][4] is None
    assert by_label["Newsletter"][5] == "hidden"
    assert AccessEvent.objects.get().kind == AccessKind.EXPORT


def test_no_hidden_count_reaches_either_file(cast, client_for):
    make_every_answer(cast.org, 9, newsletter=2, onboarding=3)
    client = client_for(cast.director)

    for name in ("publicity_channels_csv", "publicity_channels_xlsx"):
        response = client.get(reverse(name))
        rows = csv_rows(response) if name.endswith("csv") else xlsx_rows(response)
        requests = [row[4] for row in rows[1:] if len(row) > 4]
        assert all(value in ("", None) or int(value) >= 5 for value in requests)
