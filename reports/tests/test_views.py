"""The dashboard's pages and exports: who may open them, what they hold, what they cost."""

import csv
import datetime
import io
import re
from itertools import product

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from confidentiality.models import AccessEvent, AccessKind
from conversations.models import ReferralOutcome, SafetyConcern
from reports.periods import latest_quarter
from reports.publish import COUNT
from scope.models import DemandRecord
from team.selectors import add_months, month_of

pytestmark = pytest.mark.django_db

ALLOWED = {"director", "administrator", "leader"}
COUNT_CELL = re.compile(r'<td class="number count[^"]*">(.*?)</td>', re.S)


def months_ago(n: int, day: int = 5) -> datetime.date:
    return add_months(month_of(timezone.localdate()), -n).replace(day=day)


def last_quarter_day(day: int = 5) -> datetime.date:
    """A day in the last complete quarter: leadership's page shows that quarter alone."""
    return latest_quarter(today=timezone.localdate()).replace(day=day)


LAST_QUARTER = "period=last_quarter"


def url(name="program_dashboard", *args, query=""):
    return reverse(name, args=args) + (f"?{query}" if query else "")


@pytest.mark.parametrize(
    "role",
    ["director", "administrator", "supporter", "clinician", "leader", "risk", "it"],
)
def test_only_program_staff_and_leadership_open_the_dashboard(cast, client_for, role):
    client = client_for(cast.by_role_name()[role])

    page = client.get(url())
    export = client.get(url("program_dashboard_export", "first_contact", "csv"))

    expected = 200 if role in ALLOWED else 404
    assert (page.status_code, export.status_code) == (expected, expected)


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    for address in (url(), url("program_dashboard_export", "first_contact", "xlsx")):
        response = client_for(None).get(address)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_unknown_table_or_format_is_not_found(cast, client_for):
    client = client_for(cast.director)

    assert (
        client.get(url("program_dashboard_export", "nonsense", "csv")).status_code
        == 404
    )
    assert (
        client.get(url("program_dashboard_export", "first_contact", "pdf")).status_code
        == 404
    )


def test_the_page_explains_its_figures_and_draws_charts(cast, client_for, build):
    build.offers(12, day=last_quarter_day(), accepted=True, contact_after_hours=2)
    build.offers(6, day=last_quarter_day(), contact_after_hours=30)

    page = client_for(cast.leader).get(url(query=LAST_QUARTER)).content.decode()

    assert "Time to first contact: from the offer being made to the supporter" in page
    assert '<svg class="chart-svg"' in page
    assert '<th scope="col"' in page and "<caption>" in page


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [
        ["" if v is None else v for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def test_exports_hold_what_the_leader_sees_and_are_witnessed(cast, client_for, build):
    org = cast.org
    build.offers(12, day=last_quarter_day(), accepted=True)
    build.offers(8, day=last_quarter_day())
    build.offers(3, day=last_quarter_day(), person=build.person(department=org.surgery))
    child_doctor = build.person(department=org.pediatrics)
    build.offers(5, day=last_quarter_day(), person=child_doctor, accepted=True)
    build.offers(5, day=last_quarter_day(), person=child_doctor)
    client = client_for(cast.leader)

    as_csv = read_csv(
        client.get(
            url("program_dashboard_export", "by_department", "csv", query=LAST_QUARTER)
        )
    )
    as_xlsx = read_xlsx(
        client.get(
            url("program_dashboard_export", "by_department", "xlsx", query=LAST_QUARTER)
        )
    )

    assert as_csv[0] == ["Offers, uptake and what followed, by department"]
    header = as_csv[2]
    assert (
        header[:3] == ["Department", "Offered", "Accepted"]
        and header[-1] == "Suppressed"
    )
    rows = {row[0]: row for row in as_csv[3:]}
    assert rows["Emergency Medicine"][1:3] == ["20", "12"]
    assert rows["Surgery"][1] == "" and "Offered" in rows["Surgery"][-1]
    assert rows["All"][1] == "33"
    xlsx_rows = {row[0]: row for row in as_xlsx[3:]}
    assert xlsx_rows["Emergency Medicine"][1:3] == [20, 12]
    assert xlsx_rows["Surgery"][1] == ""
    events = AccessEvent.objects.filter(actor=cast.leader, kind=AccessKind.EXPORT)
    assert events.count() == 2
    assert all("by department" in event.purpose for event in events)


def test_program_staff_exports_are_unsuppressed_and_mark_small_figures(
    cast, client_for, build
):
    build.offers(
        3, day=months_ago(0, 1), person=build.person(department=cast.org.surgery)
    )

    rows = read_csv(
        client_for(cast.director).get(
            url("program_dashboard_export", "by_department", "csv")
        )
    )

    surgery = next(row for row in rows if row[0] == "Surgery")
    assert surgery[1] == "3" and "Offered" in surgery[-1]
    assert rows[2][-1].startswith("Fewer than k")


def _a_program(build, cast, scale: int):
    """Offers, events, conversations and referrals across departments and months."""
    org = cast.org
    people = [
        build.person(department=d) for d in (org.emergency, org.surgery, org.pediatrics)
    ]
    for month in range(1, 4):
        for person in people:
            event = build.event(day=months_ago(month, 2), involved=[person])
            build.offers(
                1,
                day=months_ago(month),
                person=person,
                event=event,
                contact_after_hours=3,
                accepted=True,
                conversations=2,
                referrals=(ReferralOutcome.REACHED,),
            )
            build.offers(
                scale,
                day=months_ago(month),
                person=person,
                contact_after_hours=20,
                conversations=1,
                referrals=(ReferralOutcome.WAITING,),
            )
            build.purged(
                month=months_ago(month, 1), person=person, offers=scale, accepted=1
            )
    for _ in range(scale):
        SafetyConcern.objects.create(raised_by=cast.supporter.staff_member)
        DemandRecord.objects.create(
            recorded_on=months_ago(1),
            in_scope=False,
            profession=org.professions["nurse"],
            department=org.surgery,
            site=org.north,
        )


@pytest.mark.parametrize("user", ["director", "leader"])
def test_the_query_count_does_not_grow_with_the_data(cast, client_for, build, user):
    client = client_for(getattr(cast, user))
    _a_program(build, cast, scale=2)
    client.get(url())  # warm caches (program settings, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url()).status_code == 200
    _a_program(build, cast, scale=20)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url()).status_code == 200

    assert len(large) == len(small)


def _check_page(page: str, k: int) -> int:
    cells = COUNT_CELL.findall(page)
    for cell in cells:
        text = re.sub(r"<[^>]+>", "", cell).strip()
        if "not shown" in text:
            continue
        assert int(text) >= k, f"a count of {text} on the page"
    return len(cells)


def _check_export(response, fmt: str, table, k: int) -> None:
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    body = [*table.rows, *([table.total] if table.total else [])]
    assert len(rows) == 3 + len(body)
    for row, exported in zip(body, rows[3:], strict=True):
        for figure, value in zip(row.figures, exported[1:], strict=False):
            if figure.kind != COUNT or value == "":
                continue
            assert int(value) >= k, f"a count of {value} in {table.key}.{fmt}"


def test_a_leader_crawling_every_filter_and_export_finds_no_count_under_k(
    cast, client_for, build
):
    org = cast.org
    day = last_quarter_day()
    small_groups = {org.surgery: 3, org.pediatrics: 6}
    build.offers(
        14,
        day=day,
        accepted=True,
        contact_after_hours=2,
        conversations=1,
        referrals=(ReferralOutcome.REACHED,),
    )
    build.offers(7, day=day, contact_after_hours=30)
    build.offers(2, day=months_ago(13), accepted=True)
    for department, n in small_groups.items():
        person = build.person(department=department, site=org.south)
        build.offers(
            n,
            day=day,
            person=person,
            accepted=True,
            contact_after_hours=1,
            referrals=(ReferralOutcome.NOT_YET,),
        )
        build.purged(
            month=day.replace(day=1),
            person=person,
            offers=1,
            accepted=1,
            contacted=1,
            contacted_within_72h=1,
        )
    nurse = build.person(profession=org.professions["nurse"])
    build.offers(4, day=day, person=nurse, trigger_type=None, origin="self")
    event = build.event(day=day, involved=[nurse])
    build.offers(1, day=day, person=nurse, event=event, contact_after_hours=1)
    for department in (org.surgery, org.surgery, org.emergency):
        DemandRecord.objects.create(
            recorded_on=day,
            in_scope=False,
            profession=org.professions["nurse"],
            department=department,
            site=org.north,
        )
    SafetyConcern.objects.create(raised_by=cast.supporter.staff_member)
    client = client_for(cast.leader)
    first = client.get(url(query=LAST_QUARTER))
    dashboard = first.context["dashboard"]
    k = dashboard.k
    groups = [""] + [o.value for options in dashboard.groups.values() for o in options]
    periods = list(dashboard.presets)
    assert {o.name for o in dashboard.groups["department"]} == {
        "Emergency Medicine",
        "Pediatrics",
    }

    crawled = 0
    for period, group in product(periods, groups):
        query = f"period={period}&group={group}&from={months_ago(14):%Y-%m}&to={months_ago(1):%Y-%m}"
        response = client.get(url(query=query))
        assert response.status_code == 200
        crawled += _check_page(response.content.decode(), k)
        # Every export of every table, for each group in one period and for each
        # period with no group: an export is the page's table, which every page
        # fetch above checks already.
        if period != periods[0] and group != "":
            continue
        for key, table in response.context["dashboard"].tables.items():
            for fmt in ("csv", "xlsx"):
                export = client.get(
                    url("program_dashboard_export", key, fmt, query=query)
                )
                assert export.status_code == 200
                _check_export(export, fmt, table, k)
    assert crawled > 100
