"""The cast of DESIGN.md, built for tests: one person per role, plus a few bystanders."""

import itertools
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from organization.models import Department, Profession, Site, StaffMember
from scope.models import ScopeStatus, ScopeVersion

_employee_numbers = itertools.count(1000)

PROFESSIONS = [
    ("physician", "Physician", True),
    ("resident", "Resident/fellow", True),
    ("app", "Advanced practice provider", True),
    ("nurse", "Nurse", True),
    ("pharmacist", "Pharmacist", True),
    ("other-clinical", "Other health professional", True),
    ("non-clinical", "Non-clinical staff", False),
]


@dataclass
class Organization:
    north: Site
    south: Site
    emergency: Department
    surgery: Department
    pediatrics: Department
    professions: dict[str, Profession]


def build_organization() -> Organization:
    professions = {
        code: Profession.objects.get_or_create(
            code=code,
            defaults={"name": name, "is_clinical": clinical, "sort_order": position},
        )[0]
        for position, (code, name, clinical) in enumerate(PROFESSIONS)
    }
    return Organization(
        north=Site.objects.get_or_create(code="N", defaults={"name": "North Hospital"})[
            0
        ],
        south=Site.objects.get_or_create(code="S", defaults={"name": "South Hospital"})[
            0
        ],
        emergency=Department.objects.get_or_create(
            code="ED", defaults={"name": "Emergency Medicine"}
        )[0],
        surgery=Department.objects.get_or_create(
            code="SURG", defaults={"name": "Surgery"}
        )[0],
        pediatrics=Department.objects.get_or_create(
            code="PEDS", defaults={"name": "Pediatrics"}
        )[0],
        professions=professions,
    )


def make_staff_member(org: Organization, **fields) -> StaffMember:
    number = next(_employee_numbers)
    values = {
        "employee_id": f"E{number}",
        "first_name": "Sam",
        "last_name": f"Staff{number}",
        "work_email": f"staff{number}@hospital.test",
        "profession": org.professions["physician"],
        "department": org.emergency,
        "site": org.north,
        "start_date": timezone.localdate().replace(year=2020),
    }
    values.update(fields)
    return StaffMember.objects.create(**values)


def make_user(
    org: Organization,
    *,
    roles: tuple[Role, ...] = (),
    mfa: bool = True,
    password: str = "a-long-test-password",  # noqa: S107
    **staff_fields,
) -> User:
    """A person on the roster with an account, the given roles and (by default) TOTP."""
    staff_member = make_staff_member(org, **staff_fields)
    user = User.objects.create_user(
        staff_member.work_email, password=password, staff_member=staff_member
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    for role in roles:
        RoleAssignment.objects.create(
            staff_member=staff_member, role=role, starts_on=timezone.localdate()
        )
    if roles and mfa:
        TOTP.activate(user, generate_totp_secret())
        RecoveryCodes.activate(user)
    return user


def make_scope(
    org: Organization,
    *,
    professions: tuple[str, ...] = ("physician", "resident", "app"),
    effective_from=None,
    status: str = ScopeStatus.SCHEDULED,
    name: str = "Physicians, residents and advanced practice providers",
    **fields,
) -> ScopeVersion:
    """A scope version over the given professions, every site and department by default."""
    if effective_from is None and status == ScopeStatus.SCHEDULED:
        effective_from = timezone.localdate().replace(year=2020, day=1)
    version = ScopeVersion.objects.create(
        name=name, status=status, effective_from=effective_from, **fields
    )
    version.professions.set([org.professions[code] for code in professions])
    return version


@dataclass
class Cast:
    org: Organization
    scope: ScopeVersion
    director: User
    administrator: User
    supporter: User
    other_supporter: User
    clinician: User
    leader: User
    risk: User
    it: User

    def by_role_name(self) -> dict[str, User]:
        return {
            "director": self.director,
            "administrator": self.administrator,
            "supporter": self.supporter,
            "clinician": self.clinician,
            "leader": self.leader,
            "risk": self.risk,
            "it": self.it,
        }


def build_cast() -> Cast:
    org = build_organization()
    return Cast(
        org=org,
        scope=make_scope(org),
        director=make_user(
            org, roles=(Role.PROGRAM_DIRECTOR,), first_name="Dana", last_name="Director"
        ),
        administrator=make_user(
            org,
            roles=(Role.PROGRAM_ADMINISTRATOR,),
            first_name="Alex",
            last_name="Administrator",
            profession=org.professions["non-clinical"],
        ),
        supporter=make_user(
            org,
            roles=(Role.PEER_SUPPORTER,),
            first_name="Priya",
            last_name="Supporter",
            department=org.surgery,
        ),
        other_supporter=make_user(
            org,
            roles=(Role.PEER_SUPPORTER,),
            first_name="Omar",
            last_name="Othersupporter",
            department=org.pediatrics,
            site=org.south,
        ),
        clinician=make_user(org, first_name="Chris", last_name="Clinician"),
        leader=make_user(
            org, roles=(Role.LEADERSHIP_VIEWER,), first_name="Lee", last_name="Leader"
        ),
        risk=make_user(
            org,
            roles=(Role.RISK_QUALITY,),
            first_name="Riley",
            last_name="Risk",
            profession=org.professions["nurse"],
        ),
        it=make_user(
            org,
            roles=(Role.IT_ADMINISTRATOR,),
            first_name="Ivan",
            last_name="Tech",
            profession=org.professions["non-clinical"],
        ),
    )
