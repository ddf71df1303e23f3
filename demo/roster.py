"""Riverside Health, the demo organization: sites, departments, professions, people.

All of it is plain data plus one pure function, ``demo_roster_plan``, which
turns the data into the same roster of about 600 people every time (the random
choices use a fixed seed). Only start dates depend on the day the plan is made:
they are counted back from ``today`` so that the roster always holds a few
people who started in the last months.

Who supervises whom: in a clinical department the chief (a physician)
supervises its physicians, residents and advanced practice providers, and the
nurse manager its nurses and everyone else. Chiefs report to the chief medical
officer, nurse managers to the chief nursing officer. A support department
(pharmacy, IT…) has a head, named below, who supervises everyone in it.
"""

import datetime
import itertools
import random
import unicodedata
from dataclasses import dataclass, replace

from accounts.models import Role
from demo.names import FIRST_NAMES, LAST_NAMES

ORGANIZATION_NAME = "Riverside Health"
SEED = 20260301
EMAIL_DOMAIN = "riverside.test"

PHYSICIAN = "physician"
RESIDENT = "resident"
APP = "app"
NURSE = "nurse"
PHARMACIST = "pharmacist"
OTHER_CLINICAL = "other-clinical"
NON_CLINICAL = "non-clinical"

MEDICAL_STAFF = frozenset({PHYSICIAN, RESIDENT, APP})
"""Professions the department chief supervises."""

INACTIVE_COUNT = 8
"""People who have left: still on the roster, no longer active."""
RECENT_STARTER_SHARE = 0.05
RECENT_STARTER_DAYS = 120


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str


@dataclass(frozen=True)
class ProfessionSpec:
    code: str
    name: str
    is_clinical: bool = True


@dataclass(frozen=True)
class DepartmentSpec:
    """A department, where its people work and how many there are of each profession.

    ``sites`` gives each site's share of the department's people; its leaders
    work at the first one. ``staff`` counts people of each profession besides
    its leaders and named people. ``head`` names the person (a key of
    NAMED_PEOPLE) who runs a support department; a clinical department (no
    head) gets a chief (a physician) and, when it has nurses, a nurse manager.
    """

    code: str
    name: str
    sites: dict[str, int]
    staff: dict[str, int]
    head: str | None = None

    @property
    def home_site(self) -> str:
        return next(iter(self.sites))


@dataclass(frozen=True)
class NamedPerson:
    """Someone the demo needs by name: a leader, a demo account, a peer supporter.

    ``reports_to`` is another named person's key; when it is None the
    person's supervisor follows the department's rule (or, for a department
    head, nobody). ``email`` is the demo account's address, on the roster and
    for signing in; blank for people without an account.
    """

    key: str
    first_name: str
    last_name: str
    profession: str
    department: str
    site: str
    start_date: datetime.date
    reports_to: str | None = None
    email: str = ""
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True)
class DemoAccount:
    """One of the eight accounts of DESIGN.md §5, and what its holder will see."""

    email: str
    person: str
    sees: str

    @property
    def role_label(self) -> str:
        roles = named_person(self.person).roles
        return ", ".join(role.label for role in roles) or "No program role"


@dataclass(frozen=True)
class PlannedPerson:
    """One roster row as the demo wants it. ``supervisor`` is an employee id."""

    employee_id: str
    first_name: str
    last_name: str
    work_email: str
    profession: str
    department: str
    site: str
    start_date: datetime.date
    supervisor: str | None
    is_active: bool = True
    key: str = ""


UNIVERSITY, COMMUNITY, CAMPUS = "RUH", "RVC", "RCO"

SITES = (
    SiteSpec(UNIVERSITY, "Riverside University Hospital"),
    SiteSpec(COMMUNITY, "Riverside Valley Community Hospital"),
    SiteSpec(CAMPUS, "Riverside Children's & Outpatient Campus"),
)

PROFESSIONS = (
    ProfessionSpec(PHYSICIAN, "Physician"),
    ProfessionSpec(RESIDENT, "Resident/fellow"),
    ProfessionSpec(APP, "Advanced practice provider"),
    ProfessionSpec(NURSE, "Nurse"),
    ProfessionSpec(PHARMACIST, "Pharmacist"),
    ProfessionSpec(OTHER_CLINICAL, "Other health professional"),
    ProfessionSpec(NON_CLINICAL, "Non-clinical staff", is_clinical=False),
)


def _staff(
    physician: int = 0,
    resident: int = 0,
    app: int = 0,
    nurse: int = 0,
    pharmacist: int = 0,
    other: int = 0,
    non_clinical: int = 0,
) -> dict[str, int]:
    counts = {
        PHYSICIAN: physician,
        RESIDENT: resident,
        APP: app,
        NURSE: nurse,
        PHARMACIST: pharmacist,
        OTHER_CLINICAL: other,
        NON_CLINICAL: non_clinical,
    }
    return {code: count for code, count in counts.items() if count}


DEPARTMENTS = (
    DepartmentSpec(
        "ED",
        "Emergency Medicine",
        {UNIVERSITY: 6, COMMUNITY: 4},
        _staff(physician=9, resident=7, app=5, nurse=29, other=5, non_clinical=4),
    ),
    DepartmentSpec(
        "IM",
        "Internal Medicine",
        {UNIVERSITY: 7, COMMUNITY: 3},
        _staff(physician=11, resident=14, app=2, nurse=21, other=2, non_clinical=4),
    ),
    DepartmentSpec(
        "HOSP",
        "Hospital Medicine",
        {UNIVERSITY: 6, COMMUNITY: 4},
        _staff(physician=8, resident=3, app=4, nurse=5, non_clinical=1),
    ),
    DepartmentSpec(
        "SURG",
        "Surgery",
        {UNIVERSITY: 7, COMMUNITY: 3},
        _staff(physician=9, resident=10, app=4, nurse=23, other=3, non_clinical=3),
    ),
    DepartmentSpec(
        "ANES",
        "Anesthesiology",
        {UNIVERSITY: 7, COMMUNITY: 3},
        _staff(physician=8, resident=5, app=5, nurse=5, other=3, non_clinical=1),
    ),
    DepartmentSpec(
        "PEDS",
        "Pediatrics",
        {CAMPUS: 7, UNIVERSITY: 3},
        _staff(physician=6, resident=6, app=3, nurse=17, other=3, non_clinical=2),
    ),
    DepartmentSpec(
        "OBGYN",
        "Obstetrics & Gynecology",
        {UNIVERSITY: 5, COMMUNITY: 5},
        _staff(physician=5, resident=4, app=3, nurse=15, other=1, non_clinical=2),
    ),
    DepartmentSpec(
        "ICU",
        "Intensive Care",
        {UNIVERSITY: 7, COMMUNITY: 3},
        _staff(physician=5, resident=4, app=3, nurse=23, other=7, non_clinical=1),
    ),
    DepartmentSpec(
        "CARD",
        "Cardiology",
        {UNIVERSITY: 7, CAMPUS: 3},
        _staff(physician=5, resident=2, app=2, nurse=9, other=4, non_clinical=2),
    ),
    DepartmentSpec(
        "ONC",
        "Oncology",
        {CAMPUS: 6, UNIVERSITY: 4},
        _staff(physician=4, resident=1, app=3, nurse=11, other=2, non_clinical=2),
    ),
    DepartmentSpec(
        "RAD",
        "Radiology",
        {UNIVERSITY: 5, COMMUNITY: 3, CAMPUS: 2},
        _staff(physician=5, resident=2, nurse=3, other=8, non_clinical=2),
    ),
    DepartmentSpec(
        "PSY",
        "Psychiatry",
        {UNIVERSITY: 5, CAMPUS: 5},
        _staff(physician=4, resident=3, app=2, nurse=7, other=5, non_clinical=1),
    ),
    DepartmentSpec(
        "NEURO",
        "Neurology",
        {UNIVERSITY: 8, CAMPUS: 2},
        _staff(physician=3, resident=2, app=1, nurse=5, other=2, non_clinical=1),
    ),
    DepartmentSpec(
        "ORTHO",
        "Orthopedics",
        {UNIVERSITY: 5, COMMUNITY: 3, CAMPUS: 2},
        _staff(physician=4, resident=3, app=2, nurse=5, other=3, non_clinical=1),
    ),
    DepartmentSpec(
        "FM",
        "Family Medicine",
        {CAMPUS: 6, COMMUNITY: 4},
        _staff(physician=5, resident=6, app=3, nurse=5, other=1, non_clinical=3),
    ),
    DepartmentSpec(
        "PATH",
        "Pathology & Laboratory Medicine",
        {UNIVERSITY: 8, COMMUNITY: 2},
        _staff(physician=3, resident=1, other=8, non_clinical=2),
    ),
    DepartmentSpec(
        "PALL",
        "Palliative Care",
        {UNIVERSITY: 6, COMMUNITY: 2, CAMPUS: 2},
        _staff(physician=2, app=2, nurse=3, other=2, non_clinical=1),
    ),
    DepartmentSpec(
        "PHARM",
        "Pharmacy",
        {UNIVERSITY: 6, COMMUNITY: 3, CAMPUS: 1},
        _staff(pharmacist=24, other=6, non_clinical=1),
        head="pharmacy_director",
    ),
    DepartmentSpec(
        "NURS",
        "Nursing Administration",
        {UNIVERSITY: 1},
        _staff(nurse=5, non_clinical=2),
        head="cno",
    ),
    DepartmentSpec(
        "QPS",
        "Quality & Patient Safety",
        {UNIVERSITY: 1},
        _staff(nurse=2, non_clinical=2),
        head="quality_officer",
    ),
    DepartmentSpec(
        "IT",
        "Information Technology",
        {UNIVERSITY: 8, COMMUNITY: 1, CAMPUS: 1},
        _staff(non_clinical=10),
        head="cio",
    ),
    DepartmentSpec(
        "EXEC",
        "Executive Office",
        {UNIVERSITY: 1},
        _staff(non_clinical=3),
        head="ceo",
    ),
    DepartmentSpec(
        "WELL",
        "Clinician Wellness",
        {UNIVERSITY: 1},
        _staff(other=1, non_clinical=1),
        head="cwo",
    ),
)

_d = datetime.date
# fmt: off (a table reads better than one field a line)
NAMED_PEOPLE = (
    # Leaders, each after the person they report to.
    NamedPerson(
        "ceo", "Patricia", "Holloway", NON_CLINICAL, "EXEC", UNIVERSITY, _d(2015, 3, 2)
    ),
    NamedPerson(
        "cmo",
        "Victor",
        "Alvarado",
        PHYSICIAN,
        "EXEC",
        UNIVERSITY,
        _d(2004, 9, 1),
        reports_to="ceo",
    ),
    NamedPerson(
        "cno",
        "Denise",
        "Okereke",
        NURSE,
        "NURS",
        UNIVERSITY,
        _d(2008, 1, 14),
        reports_to="ceo",
    ),
    NamedPerson(
        "cio",
        "Martin",
        "Kowalski",
        NON_CLINICAL,
        "IT",
        UNIVERSITY,
        _d(2012, 6, 4),
        reports_to="ceo",
    ),
    NamedPerson(
        "cwo",
        "Grace",
        "Whitfield",
        PHYSICIAN,
        "WELL",
        UNIVERSITY,
        _d(2010, 8, 16),
        reports_to="cmo",
        email="leader@demo.test",
        roles=(Role.LEADERSHIP_VIEWER,),
    ),
    NamedPerson(
        "quality_officer",
        "Helen",
        "Ashworth",
        PHYSICIAN,
        "QPS",
        UNIVERSITY,
        _d(2011, 2, 7),
        reports_to="cmo",
    ),
    NamedPerson(
        "pharmacy_director",
        "Wen",
        "Zhao",
        PHARMACIST,
        "PHARM",
        UNIVERSITY,
        _d(2009, 5, 11),
        reports_to="cmo",
    ),
    # The demo accounts.
    NamedPerson(
        "director",
        "Miriam",
        "Okafor",
        PHYSICIAN,
        "IM",
        UNIVERSITY,
        _d(2003, 7, 1),
        email="director@demo.test",
        roles=(Role.PROGRAM_DIRECTOR,),
    ),
    NamedPerson(
        "administrator",
        "Theo",
        "Lindgren",
        NON_CLINICAL,
        "WELL",
        UNIVERSITY,
        _d(2019, 10, 7),
        email="admin@demo.test",
        roles=(Role.PROGRAM_ADMINISTRATOR,),
    ),
    NamedPerson(
        "supporter1",
        "Daniel",
        "Mensah",
        PHYSICIAN,
        "ED",
        UNIVERSITY,
        _d(2013, 8, 1),
        email="supporter1@demo.test",
        roles=(Role.PEER_SUPPORTER,),
    ),
    NamedPerson(
        "supporter2",
        "Sofia",
        "Marchetti",
        PHYSICIAN,
        "PEDS",
        CAMPUS,
        _d(2016, 9, 6),
        email="supporter2@demo.test",
        roles=(Role.PEER_SUPPORTER,),
    ),
    NamedPerson(
        "clinician",
        "Samuel",
        "Ortiz",
        PHYSICIAN,
        "SURG",
        COMMUNITY,
        _d(2018, 7, 1),
        email="clinician@demo.test",
    ),
    NamedPerson(
        "risk",
        "Nadia",
        "Petrovic",
        NURSE,
        "QPS",
        UNIVERSITY,
        _d(2014, 4, 22),
        email="risk@demo.test",
        roles=(Role.RISK_QUALITY,),
    ),
    NamedPerson(
        "it",
        "Arjun",
        "Mehta",
        NON_CLINICAL,
        "IT",
        UNIVERSITY,
        _d(2017, 1, 9),
        email="it@demo.test",
        roles=(Role.IT_ADMINISTRATOR,),
    ),
    # More peer supporters, so the director has a small team across the system.
    NamedPerson(
        "supporter_anes",
        "Tomás",
        "Herrera",
        PHYSICIAN,
        "ANES",
        COMMUNITY,
        _d(2012, 10, 1),
        roles=(Role.PEER_SUPPORTER,),
    ),
    NamedPerson(
        "supporter_icu",
        "Aisha",
        "Bello",
        PHYSICIAN,
        "ICU",
        UNIVERSITY,
        _d(2014, 7, 1),
        roles=(Role.PEER_SUPPORTER,),
    ),
    NamedPerson(
        "supporter_obgyn",
        "Hannah",
        "Sorensen",
        PHYSICIAN,
        "OBGYN",
        COMMUNITY,
        _d(2011, 3, 14),
        roles=(Role.PEER_SUPPORTER,),
    ),
    NamedPerson(
        "supporter_onc",
        "Kenji",
        "Watanabe",
        PHYSICIAN,
        "ONC",
        CAMPUS,
        _d(2015, 1, 5),
        roles=(Role.PEER_SUPPORTER,),
    ),
    NamedPerson(
        "supporter_hosp",
        "Farah",
        "Qureshi",
        PHYSICIAN,
        "HOSP",
        UNIVERSITY,
        _d(2017, 8, 21),
        roles=(Role.PEER_SUPPORTER,),
    ),
)
# fmt: on

DEMO_ACCOUNTS = (
    DemoAccount(
        "director@demo.test",
        "director",
        "the team, supporter selection, the program's scope, what needs attention",
    ),
    DemoAccount(
        "admin@demo.test", "administrator", "roster imports, people, organization"
    ),
    DemoAccount("supporter1@demo.test", "supporter1", "their assignments"),
    DemoAccount("supporter2@demo.test", "supporter2", "their assignments"),
    DemoAccount(
        "clinician@demo.test",
        "clinician",
        "what any clinician sees: asking for support, nominating colleagues",
    ),
    DemoAccount("leader@demo.test", "cwo", "aggregate results only"),
    DemoAccount("risk@demo.test", "risk", "where to record adverse events"),
    DemoAccount("it@demo.test", "it", "roles, system status, audit log"),
)


def named_person(key: str) -> NamedPerson:
    return next(person for person in NAMED_PEOPLE if person.key == key)


def demo_roster_plan(*, today: datetime.date) -> list[PlannedPerson]:
    """Everyone on Riverside Health's roster, supervisors before their reports."""
    return _RosterPlan(today=today).people()


class _RosterPlan:
    def __init__(self, *, today: datetime.date) -> None:
        # A fixed seed, for the same demo every time; nothing here is secret.
        self.rng = random.Random(SEED)  # noqa: S311
        self.today = today
        self.planned: list[PlannedPerson] = []
        self.employee_ids: dict[str, str] = {}
        self.chiefs: dict[str, str] = {}
        self.nurse_managers: dict[str, str] = {}
        self.emails: set[str] = set()
        self.full_names = {(p.first_name, p.last_name) for p in NAMED_PEOPLE}
        self.numbers = itertools.count(10001)

    def people(self) -> list[PlannedPerson]:
        named_numbers = {p.key: n for n, p in enumerate(NAMED_PEOPLE, start=1)}
        leaders = [p for p in NAMED_PEOPLE if _is_leader(p)]
        for person in leaders:
            self._add_named(person, named_numbers[person.key])
        for department in _clinical_departments():
            self._add_department_leaders(department)
        for person in NAMED_PEOPLE:
            if person not in leaders:
                self._add_named(person, named_numbers[person.key])
        for department in DEPARTMENTS:
            self._add_department_staff(department)
        return self._with_some_who_left()

    def _add_named(self, person: NamedPerson, number: int) -> None:
        self.employee_ids[person.key] = f"RH{number:05d}"
        if person.reports_to:
            supervisor = self.employee_ids[person.reports_to]
        elif _department(person.department).head == person.key:
            supervisor = None
        else:
            supervisor = self._supervisor_by_rule(person.department, person.profession)
        self.planned.append(
            PlannedPerson(
                employee_id=self.employee_ids[person.key],
                first_name=person.first_name,
                last_name=person.last_name,
                work_email=person.email
                or self._work_email_for(person.first_name, person.last_name),
                profession=person.profession,
                department=person.department,
                site=person.site,
                start_date=person.start_date,
                supervisor=supervisor,
                key=person.key,
            )
        )

    def _add_department_leaders(self, department: DepartmentSpec) -> None:
        chief = self._add_generated(
            department,
            PHYSICIAN,
            site=department.home_site,
            supervisor=self.employee_ids["cmo"],
            senior=True,
        )
        self.chiefs[department.code] = chief.employee_id
        if department.staff.get(NURSE):
            manager = self._add_generated(
                department,
                NURSE,
                site=department.home_site,
                supervisor=self.employee_ids["cno"],
                senior=True,
            )
            self.nurse_managers[department.code] = manager.employee_id

    def _add_department_staff(self, department: DepartmentSpec) -> None:
        for profession, count in department.staff.items():
            for _ in range(count):
                self._add_generated(
                    department,
                    profession,
                    site=self._site_in(department),
                    supervisor=self._supervisor_by_rule(department.code, profession),
                )

    def _add_generated(
        self,
        department: DepartmentSpec,
        profession: str,
        *,
        site: str,
        supervisor: str | None,
        senior: bool = False,
    ) -> PlannedPerson:
        first_name, last_name = self._new_name()
        person = PlannedPerson(
            employee_id=f"RH{next(self.numbers):05d}",
            first_name=first_name,
            last_name=last_name,
            work_email=self._work_email_for(first_name, last_name),
            profession=profession,
            department=department.code,
            site=site,
            start_date=self._start_date(profession, senior=senior),
            supervisor=supervisor,
        )
        self.planned.append(person)
        return person

    def _supervisor_by_rule(self, department_code: str, profession: str) -> str:
        head = _department(department_code).head
        if head is not None:
            return self.employee_ids[head]
        chief = self.chiefs[department_code]
        if profession in MEDICAL_STAFF:
            return chief
        return self.nurse_managers.get(department_code, chief)

    def _site_in(self, department: DepartmentSpec) -> str:
        sites = list(department.sites)
        return self.rng.choices(sites, weights=list(department.sites.values()))[0]

    def _new_name(self) -> tuple[str, str]:
        while True:
            name = (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))
            if name not in self.full_names and name[0] != name[1]:
                self.full_names.add(name)
                return name

    def _work_email_for(self, first_name: str, last_name: str) -> str:
        """first.last@riverside.test, with a number when that address is taken."""
        local = f"{_email_part(first_name)}.{_email_part(last_name)}"
        email = f"{local}@{EMAIL_DOMAIN}"
        number = 2
        while email in self.emails:
            email = f"{local}{number}@{EMAIL_DOMAIN}"
            number += 1
        self.emails.add(email)
        return email

    def _start_date(self, profession: str, *, senior: bool) -> datetime.date:
        if senior:
            days_ago = self.rng.randint(8 * 365, 25 * 365)
        elif profession == RESIDENT:
            return _july_first(self.today, years_ago=self.rng.randrange(5))
        elif self.rng.random() < RECENT_STARTER_SHARE:
            days_ago = self.rng.randint(7, RECENT_STARTER_DAYS)
        else:
            days_ago = self.rng.randint(200, 22 * 365)
        return self.today - datetime.timedelta(days=days_ago)

    def _with_some_who_left(self) -> list[PlannedPerson]:
        """Mark a few rank-and-file people inactive: they have left the organization."""
        supervisors = {p.supervisor for p in self.planned}
        candidates = [
            index
            for index, person in enumerate(self.planned)
            if not person.key and person.employee_id not in supervisors
        ]
        leavers = set(self.rng.sample(candidates, INACTIVE_COUNT))
        return [
            replace(person, is_active=False) if index in leavers else person
            for index, person in enumerate(self.planned)
        ]


def _is_leader(person: NamedPerson) -> bool:
    return bool(person.reports_to) or _department(person.department).head == person.key


def _clinical_departments() -> list[DepartmentSpec]:
    return [department for department in DEPARTMENTS if department.head is None]


def _department(code: str) -> DepartmentSpec:
    return next(department for department in DEPARTMENTS if department.code == code)


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_name.lower() if c.isalnum() or c == "-")


def _july_first(today: datetime.date, *, years_ago: int) -> datetime.date:
    """Residencies start on 1 July: the most recent one, or one ``years_ago`` before."""
    year = today.year if today >= datetime.date(today.year, 7, 1) else today.year - 1
    return datetime.date(year - years_ago, 7, 1)
