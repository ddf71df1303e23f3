"""The large system's organization: six hospitals, 150 departments, the staff roster, the scope.

Department sizes follow a Zipf-like curve (a few very large departments, a
long tail of small units). Each department is a specialty (doctors and nurses
in about equal numbers), an inpatient unit (mostly nurses) or a support
service (mostly non-clinical staff), which sets its profession mix. Three
quarters of a department's people work at its home site. Chiefs supervise the
medical staff of their department, nurse managers everyone else.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from demo.large_system.bulk import next_id, rows_insert
from demo.names import FIRST_NAMES, LAST_NAMES
from demo.roster import PROFESSIONS, _email_part
from organization.models import Department, Profession, Site, StaffMember
from program.selectors import program_settings
from scope.models import ScopeStatus, ScopeVersion

EMAIL_DOMAIN = "large.test"
SITES = (
    ("LUH", "Lakeside University Hospital", 0.34),
    ("LNM", "Lakeside North Medical Center", 0.20),
    ("LCH", "Lakeside Children's Hospital", 0.15),
    ("LSC", "Lakeside South Community Hospital", 0.13),
    ("LWC", "Lakeside West Community Hospital", 0.10),
    ("LOP", "Lakeside Outpatient Pavilion", 0.08),
)
SPECIALTIES = (
    "Emergency Medicine", "Internal Medicine", "Hospital Medicine", "General Surgery",
    "Anesthesiology", "Critical Care", "Obstetrics & Gynecology", "Pediatrics",
    "Oncology", "Cardiology", "Cardiac Surgery", "Neurology", "Neurosurgery",
    "Orthopedic Surgery", "Psychiatry", "Radiology", "Pathology", "Family Medicine",
    "Nephrology", "Pulmonology", "Gastroenterology", "Urology", "Ophthalmology",
    "Otolaryngology", "Dermatology", "Infectious Diseases", "Geriatrics",
    "Palliative Care", "Neonatology", "Trauma Surgery", "Vascular Surgery",
    "Transplant Surgery", "Plastic Surgery", "Rheumatology", "Endocrinology",
    "Hematology", "Physical Medicine & Rehabilitation", "Radiation Oncology",
    "Interventional Radiology", "Pediatric Surgery",
)  # fmt: skip
SUPPORT = (
    "Pharmacy", "Laboratory Services", "Respiratory Therapy", "Physical Therapy",
    "Social Work", "Nutrition Services", "Information Technology", "Finance",
    "Human Resources", "Patient Access", "Environmental Services", "Facilities",
    "Supply Chain", "Health Information Management", "Quality & Patient Safety",
    "Security", "Food Services", "Chaplaincy", "Case Management", "Biomedical Engineering",
)  # fmt: skip
UNIT_WINGS = ("North", "South", "East", "West")
DEPARTMENT_COUNT = 150
# Profession shares (in PROFESSIONS order) by department kind.
MIX = {
    "specialty": (0.22, 0.12, 0.09, 0.30, 0.01, 0.12, 0.14),
    "unit": (0.03, 0.02, 0.03, 0.62, 0.02, 0.15, 0.13),
    "support": (0.0, 0.0, 0.0, 0.04, 0.08, 0.16, 0.72),
}
STRAIN = {"specialty": 0.25, "unit": 0.3, "support": -0.3}
HIGH_STRAIN = {"Emergency Medicine": 0.7, "General Surgery": 0.6, "Critical Care": 0.5}
MEDICAL = (0, 1, 2)  # physician, resident, APP: the chief supervises them
INACTIVE_SHARE = 0.03
CLINICAL_SCOPE_DAYS_AGO = 500
EVERYONE_SCOPE_DAYS_AGO = 300


@dataclass
class Roster:
    """The staff as columns (index n is the n-th person, id ``ids[n]``)."""

    ids: np.ndarray
    profession: np.ndarray  # index into PROFESSIONS
    department: np.ndarray  # index into departments
    site: np.ndarray
    start: np.ndarray  # days before today
    active: np.ndarray
    emails: list[str]
    first: list[str]
    last: list[str]
    profession_ids: list[int]
    department_ids: list[int]
    site_ids: list[int]
    department_kind: list[str]
    department_strain: np.ndarray
    program_start: datetime.date
    today: datetime.date
    supervisor: np.ndarray | None = None  # an index, -1 for none

    def start_date(self, n: int) -> datetime.date:
        return self.today - datetime.timedelta(days=int(self.start[n]))


def departments_plan() -> list[tuple[str, str, str]]:
    """(code, name, kind) for the 150 departments, largest first."""
    units = [
        f"Nursing Unit {floor} {wing}" for floor in range(2, 12) for wing in UNIT_WINGS
    ]
    named = [(name, "specialty") for name in SPECIALTIES]
    named += [(name, "support") for name in SUPPORT]
    named += [(name, "unit") for name in units]
    named = named[:DEPARTMENT_COUNT]
    while len(named) < DEPARTMENT_COUNT:
        named.append((f"Clinic {len(named) + 1}", "specialty"))
    return [(f"D{n:03d}", name, kind) for n, (name, kind) in enumerate(named, 1)]


def organization_create(
    rng: np.random.Generator, *, staff: int, today: datetime.date, years: float
) -> Roster:
    """Sites, departments, professions and the roster (written), as columns."""
    sites = [Site.objects.create(code=c, name=n) for c, n, _ in SITES]
    plan = departments_plan()
    departments = Department.objects.bulk_create(
        Department(code=code, name=name) for code, name, _ in plan
    )
    professions = [
        Profession.objects.get_or_create(
            code=p.code,
            defaults={"name": p.name, "is_clinical": p.is_clinical, "sort_order": n},
        )[0]
        for n, p in enumerate(PROFESSIONS, 1)
    ]
    kinds = [kind for _, _, kind in plan]
    order = rng.permutation(len(plan))  # which department gets which size rank
    weights = np.empty(len(plan))
    weights[order] = 1 / np.arange(1, len(plan) + 1) ** 0.8
    department = rng.choice(len(plan), size=staff, p=weights / weights.sum())
    profession = np.empty(staff, dtype=np.int64)
    for kind, mix in MIX.items():
        chosen = np.isin(department, [n for n, k in enumerate(kinds) if k == kind])
        profession[chosen] = rng.choice(len(mix), size=chosen.sum(), p=mix)
    site_share = np.array([share for _, _, share in SITES])
    home = rng.choice(len(SITES), size=len(plan), p=site_share)
    elsewhere = rng.choice(len(SITES), size=staff, p=site_share)
    site = np.where(rng.random(staff) < 0.75, home[department], elsewhere)
    start = np.minimum(rng.exponential(7.5 * 365, staff), 40 * 365).astype(np.int64)
    active = rng.random(staff) >= INACTIVE_SHARE
    first = [FIRST_NAMES[i] for i in rng.integers(len(FIRST_NAMES), size=staff)]
    last = [LAST_NAMES[i] for i in rng.integers(len(LAST_NAMES), size=staff)]
    first_id = next_id(StaffMember)
    roster = Roster(
        ids=np.arange(first_id, first_id + staff),
        profession=profession,
        department=department,
        site=site,
        start=start,
        active=active,
        emails=[
            f"{_email_part(f)}.{_email_part(la)}.{n}@{EMAIL_DOMAIN}"
            for n, (f, la) in enumerate(zip(first, last, strict=True), 1)
        ],
        first=first,
        last=last,
        profession_ids=[p.pk for p in professions],
        department_ids=[d.pk for d in departments],
        site_ids=[s.pk for s in sites],
        department_kind=kinds,
        department_strain=np.array(
            [HIGH_STRAIN.get(name, STRAIN[kind]) for _, name, kind in plan]
        )
        + rng.normal(0, 0.15, len(plan)),
        program_start=today - datetime.timedelta(days=int(years * 365.25)),
        today=today,
    )
    return roster


def supervisors(roster: Roster) -> np.ndarray:
    """Each person's supervisor (an index, -1 for none): chief or nurse manager."""
    result = np.full(len(roster.ids), -1)
    medical = np.isin(roster.profession, MEDICAL)
    for department in range(len(roster.department_ids)):
        members = np.flatnonzero((roster.department == department) & roster.active)
        if members.size == 0:
            continue
        doctors = members[roster.profession[members] == 0]
        nurses = members[roster.profession[members] == 3]
        chief = doctors[0] if doctors.size else members[0]
        manager = nurses[0] if nurses.size else members[0]
        in_department = np.flatnonzero(roster.department == department)
        result[in_department] = np.where(medical[in_department], chief, manager)
        result[[chief, manager]] = -1
    return result


def roster_write(roster: Roster) -> int:
    """The StaffMember rows, supervisors and all (a self-reference checked at commit)."""
    boss = roster.supervisor = supervisors(roster)
    created = datetime.datetime.combine(
        roster.program_start, datetime.time(6), tzinfo=datetime.UTC
    )

    def rows():
        for n, pk in enumerate(roster.ids.tolist()):
            yield (
                pk,
                f"L{pk:07d}",
                roster.first[n],
                roster.last[n],
                roster.emails[n],
                "",
                roster.profession_ids[roster.profession[n]],
                roster.department_ids[roster.department[n]],
                roster.site_ids[roster.site[n]],
                int(roster.ids[boss[n]]) if boss[n] >= 0 else None,
                roster.start_date(n),
                bool(roster.active[n]),
                created,
                created,
            )

    names = [
        "id", "employee_id", "first_name", "last_name", "work_email", "npi",
        "profession_id", "department_id", "site_id", "supervisor_id", "start_date",
        "is_active", "created_at", "updated_at",
    ]  # fmt: skip
    return rows_insert(StaffMember, names, rows())


def scope_versions_create(roster: Roster, *, director) -> list[tuple[int, set[int]]]:
    """Physicians first; all health professionals; then everyone. [(days ago, professions)]."""
    steps = [
        ((roster.today - roster.program_start).days, {0, 1, 2}, "Physicians, residents and APPs"),
        (CLINICAL_SCOPE_DAYS_AGO, {0, 1, 2, 3, 4, 5}, "All health professionals"),
        (EVERYONE_SCOPE_DAYS_AGO, {0, 1, 2, 3, 4, 5, 6}, "Everyone on staff"),
    ]  # fmt: skip
    for days_ago, professions, name in steps:
        version = ScopeVersion.objects.create(
            name=name,
            status=ScopeStatus.SCHEDULED,
            effective_from=roster.today - datetime.timedelta(days=days_ago),
            created_by=director,
        )
        version.professions.set([roster.profession_ids[p] for p in professions])
    return [(days_ago, professions) for days_ago, professions, _ in steps]


def program_settings_configure() -> None:
    """Keep cases for the maximum (3650 days) so the years of cases stay live."""
    settings_row = program_settings()
    settings_row.case_retention_days = 3650
    settings_row.save()
