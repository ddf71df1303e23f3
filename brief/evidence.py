"""The published findings Alongside starts the brief with (loaded by a data migration).

Statements are Alongside's own summaries. Each figure is one the source's
abstract gives; where a number could not be confirmed the figure is left
empty for the director to fill from the paper. Seeded rows are marked, and
the brief asks for them to be checked against the sources before it is
presented.
"""

SEEDED_FINDINGS: list[dict] = [
    {
        "statement": "Physicians who had been involved in a medical error reported "
        "more anxiety about making errors in the future.",
        "figure": "61 %",
        "population": "3,171 physicians in internal medicine, pediatrics, family "
        "medicine and surgery in the United States and Canada (survey).",
        "authors": "Waterman AD, Garbutt J, Hazel E, Dunagan WC, Levinson W, "
        "Fraser VJ, Gallagher TH",
        "title": "The emotional impact of medical errors on practicing physicians "
        "in the United States and Canada",
        "journal": "Jt Comm J Qual Patient Saf",
        "year": 2007,
        "doi": "10.1016/S1553-7250(07)33050-X",
    },
    {
        "statement": "Few physicians felt that their organization supported them "
        "adequately in coping with the stress of an error.",
        "figure": "10 %",
        "population": "The same survey of 3,171 physicians in the United States "
        "and Canada.",
        "authors": "Waterman AD, Garbutt J, Hazel E, Dunagan WC, Levinson W, "
        "Fraser VJ, Gallagher TH",
        "title": "The emotional impact of medical errors on practicing physicians "
        "in the United States and Canada",
        "journal": "Jt Comm J Qual Patient Saf",
        "year": 2007,
        "doi": "10.1016/S1553-7250(07)33050-X",
    },
    {
        "statement": "Physician colleagues were the source of support physicians "
        "would most readily turn to, far ahead of the employee assistance program "
        "(29 %) or a mental health professional (48 %).",
        "figure": "88 %",
        "population": "108 resident and attending physicians in surgery, emergency "
        "medicine and anesthesiology at one US academic hospital (convenience "
        "sample, survey).",
        "authors": "Hu YY, Fix ML, Hevelone ND, Lipsitz SR, Greenberg CC, "
        "Weissman JS, Shapiro J",
        "title": "Physicians' needs in coping with emotional stressors: the case "
        "for peer support",
        "journal": "Arch Surg",
        "year": 2012,
        "doi": "10.1001/archsurg.2011.312",
    },
    {
        "statement": "Residents who believed they had made a major medical error "
        "went on to report worse burnout, quality of life and symptoms of "
        "depression; distress in turn made further errors more likely.",
        "figure": "",
        "population": "184 internal medicine residents at one US academic center, "
        "followed for up to three years (prospective cohort).",
        "authors": "West CP, Huschka MM, Novotny PJ, Sloan JA, Kolars JC, "
        "Habermann TM, Shanafelt TD",
        "title": "Association of perceived medical errors with resident distress "
        "and empathy: a prospective longitudinal study",
        "journal": "JAMA",
        "year": 2006,
        "doi": "10.1001/jama.296.9.1071",
    },
    {
        "statement": "Physicians who reported burnout were about twice as likely "
        "to have left the institution two years later (relative risk 2.1).",
        "figure": "2.1 ×",
        "population": "472 physicians at two US academic hospitals, survey linked "
        "to the staff roster two years on.",
        "authors": "Hamidi MS, Bohman B, Sandborg C, Smith-Coggins R, de Vries P, "
        "Albert MS, Murphy ML, Welle D, Trockel MT",
        "title": "Estimating institutional physician turnover attributable to "
        "self-reported burnout and associated financial burden: a case study",
        "journal": "BMC Health Serv Res",
        "year": 2018,
        "doi": "10.1186/s12913-018-3663-z",
    },
    {
        "statement": "Replacing a physician who leaves costs an organization an "
        "estimated two to three times that physician's yearly salary; the paper "
        "gives formulas for the return on investing in physician well-being.",
        "figure": "",
        "population": "Analysis and worked examples for US health care "
        "organizations (special communication).",
        "authors": "Shanafelt T, Goh J, Sinsky C",
        "title": "The business case for investing in physician well-being",
        "journal": "JAMA Intern Med",
        "year": 2017,
        "doi": "",
    },
    {
        "statement": "A hospital peer support program (RISE) saved money once "
        "turnover and time off were counted: a net benefit for each nurse who "
        "called it, and an estimated US $1.81 million a year for the hospital.",
        "figure": "US $22,576 per nurse",
        "population": "Nursing staff who used the program in 2015–2016 at a "
        "1,000-bed US hospital (decision model over one year). Nurses, not "
        "physicians.",
        "authors": "Moran D, Wu AW, Connors C, Chappidi MR, Sreedhara SK, "
        "Selter JH, Padula WV",
        "title": "Cost-benefit analysis of a support program for nursing staff",
        "journal": "J Patient Saf",
        "year": 2020,
        "doi": "10.1097/PTS.0000000000000376",
    },
    {
        "statement": "Describes a one-to-one peer support program for clinicians "
        "after adverse events and other stressful events, which many other "
        "programs have since been modeled on.",
        "figure": "",
        "population": "One US academic hospital's program (perspective).",
        "authors": "Shapiro J, Galowitz P",
        "title": "Peer support for clinicians: a programmatic approach",
        "journal": "Acad Med",
        "year": 2016,
        "doi": "",
    },
]


def seeded_findings_load(model) -> int:
    """Add Alongside's findings to an empty table (the director's own are never touched).

    ``model`` is EvidenceFinding, or the historical model in a migration.
    Returns how many rows were added.
    """
    if model.objects.exists():
        return 0
    model.objects.bulk_create(
        model(**finding, sort_order=10 * position, is_seeded=True, is_active=True)
        for position, finding in enumerate(SEEDED_FINDINGS, start=1)
    )
    return len(SEEDED_FINDINGS)
