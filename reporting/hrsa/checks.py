"""The report's own validation (the Checks sheet): one row per rule, pass / warning / fail."""

from django.db.models import F, Q, Sum

from grants.models import FundingCall

from ..choices import DECIDED_FUNDING_STATES, CheckStatus, FundingStatus
from ..models import FollowOnFunding, Publication
from . import mapping as m
from .people import linked_to, released_awards
from .people_tables import COMPLETERS, CURRENT
from .tables import COUNT, SUPPRESSED, Check, Column, Row, Table


class ReportChecks:
    """A mixin of the report builder."""

    def checks(self, tables: list[Table]) -> list[Check]:
        by_key = {t.key: t for t in tables}
        checks = []

        def shared_totals(table: Table) -> tuple:
            return tuple(table.value(*table.shared[k]) for k in (CURRENT, COMPLETERS, "all"))

        lr1 = shared_totals(by_key["lr1"])
        dv1 = shared_totals(by_key["dv1"])
        checks.append(
            Check(
                "DV-1 totals equal LR-1 totals",
                CheckStatus.PASS if dv1 == lr1 else CheckStatus.FAIL,
                lr1[2],
                f"LR-1 current/completers/total {lr1}; DV-1 {dv1}.",
                people=True,
                shared_detail="The totals match." if dv1 == lr1 else "The totals differ.",
            )
        )
        others = {k: shared_totals(by_key[k]) for k in ("lr2", "dv2")}
        mismatched = [by_key[k].code for k, v in others.items() if v != lr1]
        checks.append(
            Check(
                "LR-2 and DV-2 totals equal LR-1 totals",
                CheckStatus.FAIL if mismatched else CheckStatus.PASS,
                len(mismatched),
                f"Differ: {', '.join(mismatched)}." if mismatched else "",
            )
        )
        call_ids = {a.call_id for a in self.awards} | set(
            FundingCall.objects.filter(
                closes_at__gte=self.period.start_at, closes_at__lt=self.period.end_at
            ).values_list("pk", flat=True)
        )
        over = list(
            FundingCall.objects.filter(pk__in=call_ids)
            .annotate(awarded=Sum("awards__amount"))
            .filter(awarded__gt=F("total_budget"))
            .order_by("title")
        )
        checks.append(
            Check(
                "No call's awards exceed its budget",
                CheckStatus.FAIL if over else CheckStatus.PASS,
                len(over),
                "; ".join(
                    f"{c.title}: ${c.awarded:,.2f} awarded of ${c.total_budget:,.2f}" for c in over
                ),
            )
        )
        above_max = [a for a in self.awards if a.amount > a.max_award]
        checks.append(
            Check(
                "No award above its call's maximum award",
                CheckStatus.FAIL if above_max else CheckStatus.PASS,
                len(above_max),
                ", ".join(a.label for a in above_max),
            )
        )
        missing = sum(
            1 for p in self.people.values() if not m.demographics_answered(p.demographics)
        )
        checks.append(
            Check(
                "Participants with demographics",
                CheckStatus.WARNING if missing else CheckStatus.PASS,
                missing,
                f"{missing} of {len(self.people)} participants have not answered; they count "
                "as not reported."
                if missing
                else "",
                people=True,
                shared_detail="They count as not reported." if missing else "",
            )
        )
        no_position = sum(1 for p in self.people.values() if not p.applicant_type)
        checks.append(
            Check(
                "Participants with a position on their profile",
                CheckStatus.WARNING if no_position else CheckStatus.PASS,
                no_position,
                "Counted as Staff / other in LR-1." if no_position else "",
                people=True,
                shared_detail="Counted as Staff / other in LR-1." if no_position else "",
            )
        )
        released = released_awards().values("pk")
        undated_publications = Publication.objects.filter(
            linked_to(Publication, released), published_on__isnull=True
        ).count()
        undated_funding = FollowOnFunding.objects.filter(
            Q(status__in=DECIDED_FUNDING_STATES, decided_on__isnull=True)
            | Q(status=FundingStatus.APPLIED, applied_on__isnull=True),
            linked_to(FollowOnFunding, released),
        ).count()
        undated = undated_publications + undated_funding
        checks.append(
            Check(
                "Outcomes have a date",
                CheckStatus.WARNING if undated else CheckStatus.PASS,
                undated,
                f"{undated_publications} publications without a month, {undated_funding} follow-on "
                "funding records without a decision/application date: they count in no period."
                if undated
                else "",
            )
        )
        unclosed = [a for a in self.awards if a.ended_not_closed(self.today)]
        checks.append(
            Check(
                "Ended awards are closed out",
                CheckStatus.WARNING if unclosed else CheckStatus.PASS,
                len(unclosed),
                "Past their end date but not closed: "
                + ", ".join(f"{a.label} (ended {a.effective_end:%b %-d, %Y})" for a in unclosed)
                + ". Close each out on its award page (Change the award → Closed) once its final report"
                " is in."
                if unclosed
                else "",
            )
        )
        checks.append(
            Check(
                "Narrative written for the period",
                CheckStatus.PASS if self.has_narrative else CheckStatus.WARNING,
                None,
                "" if self.has_narrative else "Write the narrative before sending the report.",
            )
        )
        unrecorded = [p for p in self.indgen_people if p.status is None]
        checks.append(
            Check(
                "People paid from an award have a training status",
                CheckStatus.WARNING if unrecorded else CheckStatus.PASS,
                len(unrecorded),
                "No status recorded for: "
                + "; ".join(f"{p.name} (ID {p.user_id})" for p in unrecorded)
                + ". INDGEN shows them as Not recorded; INDGEN-PY infers their completion "
                "from their awards' end."
                if unrecorded
                else "",
                people=True,
                shared_detail="Record their training status on the award's support page."
                if unrecorded
                else "",
            )
        )
        checks.append(
            Check(
                "Training programs set up on the reporting profile",
                CheckStatus.PASS if self.training_programs_set_up else CheckStatus.WARNING,
                self.training_programs_set_up,
                ""
                if self.training_programs_set_up
                else "Add the program's training programs to the reporting profile (Django "
                "admin) for the Program set-up sheet.",
            )
        )
        return checks


def suppress_checks(checks: list[Check]) -> None:
    """People counts in the Checks are cells too: in a report shared beyond the funder, hide
    every one but zero (which discloses no one), and the numbers in the details.

    Not only the small ones: such a count repeats a cell of the people tables (the participants
    total; those without demographics are the "not reported" rows when they answered nothing),
    and complementary suppression may have hidden that cell however large it is.
    """
    for check in checks:
        if check.people:
            if isinstance(check.count, int) and check.count != 0:
                check.count = SUPPRESSED
            check.detail = check.shared_detail


def checks_table(checks: list[Check]) -> Table:
    return Table(
        key="checks",
        code="Checks",
        title="Checks",
        columns=[
            Column("rule", "Check", width=48),
            Column("status", "Result", width=10),
            Column("count", "Count", COUNT, width=10),
            Column("detail", "Detail", width=80),
        ],
        rows=[Row([c.rule, CheckStatus(c.status).label, c.count, c.detail]) for c in checks],
        suppressed={(r, 2) for r, c in enumerate(checks) if c.count == SUPPRESSED},
    )
