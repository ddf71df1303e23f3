"""The dashboard's tables about what followed and about the program: referrals, the team,
unmet demand and hotspots (reports.tables has the table model and the offer tables)."""

from confidentiality.suppression import suppressed_rate
from reports.counts import Counts
from reports.metrics import DemandRow, Hotspot
from reports.program_figures import DirectorTime, SupportersSummary
from reports.publish import RATE, RATIO, TEXT, Figure, Publisher
from reports.tables import Row, Table, figures_table

REFERRAL_OUTCOMES = (
    ("reached", "They got there"),
    ("not_yet", "Not yet"),
    ("not_going", "They decided not to"),
    ("waiting", "Not asked yet"),
)


def referrals_table(pub: Publisher, whole: Counts) -> Table:
    """Facilitated referrals by how they ended: one line, with the number made as its total."""
    cells = pub.line({name: getattr(whole, name) for name, _ in REFERRAL_OUTCOMES})
    made = pub.count(whole.referrals)
    return Table(
        key="referrals",
        caption="Facilitated referrals made, and whether the person got there",
        row_header="How it ended",
        columns=("Referrals", "Share of those made"),
        rows=tuple(
            Row(
                label,
                (
                    cells[name],
                    pub.rate(cells[name], made, getattr(whole, name), whole.referrals),
                ),
            )
            for name, label in REFERRAL_OUTCOMES
        ),
        total=Row("Made", (made, Figure("", kind=TEXT))),
    )


def count_line_table(
    pub: Publisher,
    *,
    key: str,
    caption: str,
    row_header: str,
    column: str,
    counts: list[tuple[str, int]],
) -> Table:
    """One line of counts (by status, by profession...) with its total."""
    cells = pub.line(dict(counts))
    return Table(
        key=key,
        caption=caption,
        row_header=row_header,
        columns=(column,),
        rows=tuple(Row(label, (cells[label],)) for label, _ in counts),
        total=Row("All", (pub.count(sum(n for _, n in counts)),)),
    )


def demand_table(pub: Publisher, key: str, caption: str, rows: list[DemandRow]):
    return count_line_table(
        pub,
        key=key,
        caption=caption,
        row_header=caption.rsplit(" ", 1)[-1].capitalize(),
        column="Requests",
        counts=[(row.segment_name, row.count) for row in rows],
    )


def supporters_tables(pub: Publisher, s: SupportersSummary) -> list[Table]:
    statuses = count_line_table(
        pub,
        key="supporters",
        caption="Peer supporters today, by where they stand in training",
        row_header="Standing",
        column="Supporters",
        counts=[
            ("Active (can be assigned)", s.active),
            ("In training", s.in_training),
            ("Awaiting sign-off", s.awaiting_sign_off),
            ("Refresher due", s.refresher_due),
            ("Paused", s.paused),
        ],
    )
    supporters = statuses.total.figures[0]
    coverage = (
        Figure(s.coverage_per_100, kind=RATIO)
        if s.coverage_per_100 is not None and not supporters.hidden
        else Figure(None, kind=RATIO)
    )
    coverage_table = figures_table(
        "coverage",
        "Coverage: supporters for every 100 people the program serves",
        [
            ("People the program serves", pub.count(s.eligible)),
            ("Supporters per 100 of them", coverage),
            ("The program's target per 100", Figure(s.target_per_100, kind=TEXT)),
        ],
    )
    open_cases = pub.count(s.open_cases)
    enough = pub.full or s.supporters >= pub.k
    caseload = figures_table(
        "caseload",
        "Open cases held by supporters today",
        [
            ("Open cases", open_cases),
            (
                "Median per supporter",
                Figure(s.open_cases_median, kind=RATIO)
                if enough and s.open_cases_median is not None and not open_cases.hidden
                else Figure(None, kind=RATIO),
            ),
            (
                "Most held by one supporter",
                Figure(s.open_cases_max, kind=RATIO)
                if pub.full
                else Figure(None, kind=RATIO),
            ),
        ],
    )
    return [statuses, coverage_table, caseload]


def director_table(pub: Publisher, time: DirectorTime) -> Table:
    """The director's hours against the commitment, per month (hours, not people)."""

    def row(label, hours, committed):
        used = (
            Figure(f"{round(hours / committed * 100)} %", kind=TEXT)
            if committed
            else Figure("no commitment", kind=TEXT)
        )
        return Row(label, (pub.hours(hours), pub.hours(committed), used))

    return Table(
        key="director_time",
        caption="The director's time against the commitment",
        row_header="Month",
        columns=("Hours logged", "Hours committed", "Share of the commitment"),
        rows=tuple(
            row(f"{m.month:%B %Y}", m.hours, m.committed_hours) for m in time.months
        ),
        total=row("All", time.hours, time.committed_hours),
        rows_by_month=True,
    )


def hotspots_table(pub: Publisher, found: list[Hotspot], *, survey_k: int) -> Table:
    def rate(n, of, k, value):
        if pub.full:
            return Figure(value, kind=RATE)
        if suppressed_rate(n, of, k=k).suppressed:
            return Figure(None, kind=RATE)
        return Figure(value, kind=RATE)

    return Table(
        key="hotspots",
        caption="Hotspots: departments with more stress and less uptake than the whole",
        row_header="Department",
        columns=("High stress (survey)", "Uptake of support"),
        rows=tuple(
            Row(
                h.department,
                (
                    rate(h.flagged, h.answered, survey_k, h.stress_rate),
                    rate(h.accepted, h.offered, pub.k, h.uptake_rate),
                ),
            )
            for h in found
        ),
    )
