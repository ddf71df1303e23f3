"""The demo's resource directory: what Riverside Health's clinicians can turn to.

Each resource has a fixed HSDS id, so loading again adds only what is
missing and leaves what someone has edited or retired as they left it. The
988 Lifeline and the Physician Support Line are real national services; the
others belong to the fictional Riverside Health and its fictional state.
"""

import uuid

from resources.models import Reportability, Resource, ResourceKind

NAMESPACE = uuid.UUID("0b7f5a55-9c4e-5d1a-8f2e-3c6d7e8f9a10")
WELLBEING = "Riverside Health Office of Clinician Wellbeing"

DIRECTORY = [
    {
        "key": "988",
        "name": "988 Suicide & Crisis Lifeline",
        "kind": ResourceKind.CRISIS_LINE,
        "is_crisis": True,
        "organization_name": "988 Lifeline (U.S. Substance Abuse and Mental Health "
        "Services Administration)",
        "description": "Trained counselors answer calls, texts and chats from anyone "
        "in distress, or worried about someone else.",
        "phone": "988",
        "url": "https://988lifeline.org",
        "hours": "24 hours a day, every day. Call or text 988, or chat online.",
        "cost": "Free.",
        "eligibility": "Anyone in the United States.",
        "confidentiality": "Confidential. You do not have to give your name. "
        "Counselors involve emergency services only when someone's life is in "
        "immediate danger and a plan to stay safe cannot be agreed together.",
        "reportable_to_licensing_board": Reportability.NO,
        "sort_order": 10,
    },
    {
        "key": "physician-support-line",
        "name": "Physician Support Line",
        "kind": ResourceKind.PEER_HOTLINE,
        "organization_name": "Physician Support Line (volunteer psychiatrists)",
        "description": "Volunteer psychiatrists talk with physicians and medical "
        "students about whatever they are carrying. No appointment needed.",
        "phone": "1-888-409-0141",
        "url": "https://www.physiciansupportline.com",
        "hours": "Monday to Friday, 8am to 1am Eastern time.",
        "cost": "Free.",
        "eligibility": "Physicians and medical students in the United States.",
        "confidentiality": "Confidential. The line is a peer conversation, not "
        "treatment: no records are made and nothing is reported.",
        "reportable_to_licensing_board": Reportability.NO,
        "sort_order": 20,
    },
    {
        "key": "eap",
        "name": "Employee Assistance Program",
        "kind": ResourceKind.EAP,
        "organization_name": "Lakeshore EAP Partners, for Riverside Health",
        "description": "Short-term counselling, and help with money, legal and "
        "family worries, by phone, video or in person near home.",
        "phone": "1-800-555-0142",
        "url": "https://eap.riverside.test",
        "hours": "Phone line 24 hours a day, every day. Counselling appointments "
        "weekdays 7am to 9pm, Saturdays 9am to 1pm.",
        "cost": "Free: up to six counselling sessions a year for each concern.",
        "eligibility": "Everyone employed by Riverside Health, and the people "
        "they live with.",
        "confidentiality": "Run outside Riverside Health. Riverside is told only "
        "how many people used it each quarter, never who. Nothing goes in your "
        "personnel file.",
        "reportable_to_licensing_board": Reportability.NO,
        "sort_order": 30,
    },
    {
        "key": "counselling",
        "name": "Clinician Wellness Counselling",
        "kind": ResourceKind.COUNSELLING,
        "organization_name": WELLBEING,
        "description": "Counsellors who work only with clinicians: after an "
        "adverse event, through burnout, grief or a hard season.",
        "phone": "555-0164",
        "email": "wellness-counselling@riverside.test",
        "location": "Wellbeing Centre, Main Hospital, 4th floor (separate entrance "
        "from the staff clinic)",
        "hours": "Weekdays 7am to 7pm, with early and late appointments for "
        "people on shifts.",
        "cost": "Free: up to eight sessions, more when the counsellor advises it.",
        "eligibility": "Physicians, residents, nurses and advanced practice "
        "providers at Riverside Health.",
        "confidentiality": "Records are kept apart from occupational health and "
        "personnel files; nobody at Riverside is told you came. Counsellors must "
        "act if you or someone else is in danger.",
        "reportable_to_licensing_board": Reportability.NO,
        "sort_order": 40,
    },
    {
        "key": "php",
        "name": "Lakeshore Physician Health Program",
        "kind": ResourceKind.PHYSICIAN_HEALTH_PROGRAM,
        "organization_name": "Lakeshore Physician Health Program (independent "
        "non-profit)",
        "description": "Confidential assessment, referral to treatment and, when "
        "it helps, monitoring that lets physicians keep practising while they "
        "recover.",
        "phone": "555-0187",
        "url": "https://php.lakeshore.test",
        "hours": "Weekdays 8:30am to 5pm; a clinician returns after-hours calls "
        "the next morning.",
        "cost": "Assessment free. Treatment is paid by you or your insurance.",
        "eligibility": "Physicians, residents, physician assistants and medical "
        "students licensed or training in the state.",
        "confidentiality": "Asking for help yourself is confidential and is not "
        "reported to the medical board. The program reports to the board only if "
        "someone in a monitoring agreement stops following it or is a danger to "
        "patients.",
        "reportable_to_licensing_board": Reportability.DEPENDS,
        "sort_order": 50,
    },
    {
        "key": "stress-reduction",
        "name": "Mindfulness-Based Stress Reduction for clinicians",
        "kind": ResourceKind.STRESS_REDUCTION,
        "organization_name": WELLBEING,
        "description": "An eight-week course in a small group of colleagues, with "
        "practices that fit into a shift.",
        "email": "wellbeing@riverside.test",
        "location": "Education Centre, room 3, or online",
        "hours": "Tuesdays 6pm to 8:30pm for eight weeks; a new group starts each "
        "season.",
        "cost": "Free for Riverside staff.",
        "eligibility": "Everyone who works at Riverside Health.",
        "confidentiality": "Other participants are colleagues; the group agrees at "
        "the start that what is said there stays there. Attendance is not shared "
        "with managers.",
        "reportable_to_licensing_board": Reportability.NO,
        "sort_order": 60,
    },
    {
        "key": "chaplaincy",
        "name": "Spiritual care",
        "kind": ResourceKind.CHAPLAINCY,
        "organization_name": "Riverside Health Chaplaincy",
        "description": "Chaplains who sit with staff as well as patients, of any "
        "faith or none.",
        "phone": "555-0100",
        "location": "Chapel and quiet room, Main Hospital, ground floor",
        "hours": "A chaplain is on call 24 hours a day: call the operator and ask "
        "for the on-call chaplain.",
        "cost": "Free.",
        "eligibility": "Everyone who works at Riverside Health.",
        "confidentiality": "Chaplains keep what you tell them in confidence and "
        "make no notes about conversations with staff.",
        "reportable_to_licensing_board": Reportability.NO,
        "sort_order": 70,
    },
]


def demo_resources_ensure() -> int:
    """Add the directory's resources that are missing. How many were added."""
    wanted = {
        uuid.uuid5(NAMESPACE, entry["key"]): {
            name: value for name, value in entry.items() if name != "key"
        }
        for entry in DIRECTORY
    }
    existing = set(
        Resource.objects.filter(hsds_id__in=wanted).values_list("hsds_id", flat=True)
    )
    missing = [
        Resource(hsds_id=hsds_id, **fields)
        for hsds_id, fields in wanted.items()
        if hsds_id not in existing
    ]
    for resource in missing:
        resource.full_clean()
    Resource.objects.bulk_create(missing)
    return len(missing)
