"""How do a group's figures, checks and annual report grow with the size of its record?
1,000 to 20,000 engagements (a large organisation's many groups kept as one record).

Each is measured against a floor in the same run: one bare pass over the engagements and
feedback (summing hours and payments, counting members by year) in plain Python, the least
any count of them must do. The ratio is what the figures, the checks and the report cost on
top; linear growth shows as a steady ratio and a steady time per engagement.

    python benchmarks/group.py                 # 1,000 / 5,000 / 20,000 engagements
    python benchmarks/group.py --repeat 5

The records have a member per 20 engagements (at least 12), five members at each
engagement, a feedback item per four engagements (half closed), two charter versions, and
a work plan of 200 nodes whose activities every engagement names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections import Counter

import coprod_toc as ct
from common import best_of_each, portfolio
from coprod_toc.group import (
    CharterVersion,
    Commitment,
    Engagement,
    FeedbackItem,
    Group,
    GroupRecord,
    Member,
    validate_group,
)

SIZES = (1_000, 5_000, 20_000)
KINDS = ("meeting", "development", "workstream", "event")


def record_of(engagements: int, seed: int = 7) -> tuple[GroupRecord, ct.TheoryOfChange]:
    rng = random.Random(seed)
    plan = portfolio(200, 200)
    activities = [a.id for a in plan.activities()]
    outcomes = [o.id for o in plan.outcomes()]
    first = dt.date(2020, 1, 1)
    members = [
        Member(code=f"M{n:05d}", role="lived_experience", joined=first)
        for n in range(max(12, engagements // 20))
    ]
    codes = [m.code for m in members]
    days = 6 * 365
    held = [
        Engagement(
            date=first + dt.timedelta(days=rng.randrange(days)),
            kind=rng.choice(KINDS),
            title=f"Engagement {n}",
            workstream=f"Workstream {n % 7}",
            members=rng.sample(codes, 5),
            paid=rng.random() < 0.7,
            hours=2,
            payment=50,
            nodes=[rng.choice(activities)],
        )
        for n in range(engagements)
    ]
    feedback = []
    for n in range(engagements // 4):
        said = first + dt.timedelta(days=rng.randrange(days - 60))
        closed = rng.random() < 0.5
        feedback.append(
            FeedbackItem(
                id=f"F{n}",
                date=said,
                said=f"Feedback {n}",
                nodes=[rng.choice(outcomes)],
                told_back_on=said + dt.timedelta(days=30) if closed else None,
                status="adopted" if closed else "open",
            )
        )
    charter = [
        CharterVersion(
            version=v,
            agreed_on=first + dt.timedelta(days=400 * (v - 1)),
            agreed_by=codes,
            commitments=[Commitment(what="meeting", at_least=3)],
        )
        for v in (1, 2)
    ]
    record = GroupRecord(
        group=Group(name="Benchmark group", work_plan="plan"),
        members=tuple(members),
        engagements=tuple(held),
        feedback=tuple(feedback),
        charter=tuple(charter),
    )
    return record, plan


def floor(record: GroupRecord) -> object:
    """One plain pass over what the figures count."""
    hours: Counter[int] = Counter()
    paid: Counter[int] = Counter()
    people: dict[int, set[str]] = {}
    for engagement in record.engagements:
        year = engagement.date.year
        hours[year] += (engagement.hours or 0) * len(engagement.members)
        paid[year] += (engagement.payment or 0) * len(engagement.members) if engagement.paid else 0
        people.setdefault(year, set()).update(engagement.members)
    closed = sum(1 for item in record.feedback if item.told_back_on is not None)
    return hours, paid, people, closed


def _timed(record: GroupRecord, plan: ct.TheoryOfChange, repeat: int) -> dict[str, float]:
    on = dt.date(2026, 1, 1)
    return best_of_each(
        repeat,
        floor=lambda: floor(record),
        figures=lambda: ct.group_report(record, 2023),
        checks=lambda: validate_group(record, on=on, work_plan=plan),
        report=lambda: ct.render(record, "html", year=2023, work_plan=plan),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'engagements':>11} {'floor ms':>9} {'figures':>8} {'checks':>7} {'report':>7}"
          f"  {'report µs/engagement':>20}")  # fmt: skip
    for size in SIZES:
        record, plan = record_of(size)
        times = _timed(record, plan, args.repeat)
        base = times["floor"]
        print(
            f"{size:>11,} {base * 1000:>9.1f} {times['figures'] / base:>7.1f}x "
            f"{times['checks'] / base:>6.1f}x {times['report'] / base:>6.1f}x"
            f"  {times['report'] / size * 1e6:>20.1f}"
        )


if __name__ == "__main__":
    main()
