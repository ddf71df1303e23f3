"""The administrator imports HR's roster in headless Chromium and watches it finish."""

import pytest
from playwright.sync_api import expect

from alongside.testing.mfa import totp_code
from organization.models import StaffMember
from organization.tests.roster_builders import csv_bytes, person
from worker.runner import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_imports_the_roster_and_reads_the_report(
    live_cast, sign_in_page, tmp_path
):
    roster_file = tmp_path / "hr-roster.csv"
    roster_file.write_bytes(
        csv_bytes(
            person("H1"), person("H2", supervisor="H1"), person("H3", site="MOON")
        )
    )
    page = sign_in_page(live_cast.administrator)
    page.get_by_label("Code").fill(totp_code(live_cast.administrator))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Import the roster").first.click()

    page.get_by_label("Roster file").set_input_files(str(roster_file))
    page.get_by_label("Import the valid rows and report the rest").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Waiting for the background worker")).to_be_visible()

    Worker(worker_id="browser-test").run(once=True)

    # The page polls with htmx and shows the report without a reload.
    expect(page.get_by_text("Imported, except 1 row with errors")).to_be_visible(
        timeout=10000
    )
    expect(
        page.get_by_role("cell", name='There is no site with the code "MOON".')
    ).to_be_visible()
    assert set(
        StaffMember.objects.filter(employee_id__startswith="H").values_list(
            "employee_id", flat=True
        )
    ) == {"H1", "H2"}
