"""Computing every result of a campaign (SPEC §8 ``jinggang-results/1``).

Each stage is computed from the published (rounded) values of the stages before it,
so a supervisor can redo any sheet by hand from the sheets before it (SPEC §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .assignment import Assignment, Candidacy, PostSeats, assign_posts
from .campaign import Campaign, PersonInput
from .margin import THRESHOLD, Decision, ballot_effects, closest_rival, count_margin, threshold_margin
from .numbers import format_score, round_score
from .recommendation import Recommendation, effective_weights, recommendation
from .scoring import (Satisfaction, TrimmedMean, appraisal_average, composite, democratic, quantified,
                      rank_bonus, satisfaction, trimmed_mean)

RESULTS_FORMAT = "jinggang-results/1"


@dataclass(frozen=True)
class PersonResult:
    id: str
    name: str
    exam: Decimal | None
    democratic: Decimal | None
    appraisal_avg: Decimal | None
    bonus: Decimal
    quantified: Decimal | None
    speech: TrimmedMean | None
    satisfaction: Satisfaction | None

    @property
    def passed(self) -> bool:
        # Decision: a person with no 满意度测评 on record is not barred by §五 (nothing shows ≥ 1/3).
        return self.satisfaction is None or self.satisfaction.passed


@dataclass(frozen=True)
class PairResult:
    person: str
    post: str
    declared: bool
    choice: int | None
    recommendation: Recommendation | None   # None when no recommendation meeting is on record
    eligible: bool
    composite: Decimal | None
    margin: int | None = None              # changed ballots that move the pair across the 1/3 line (SPEC §11)

    @property
    def rate(self) -> Fraction | None:
        return self.recommendation.rate if self.recommendation else None

    @property
    def score(self) -> Decimal | None:
        return self.recommendation.score if self.recommendation and self.eligible else None


@dataclass(frozen=True)
class Results:
    people: tuple[PersonResult, ...]
    pairs: tuple[PairResult, ...]
    assignment: Assignment
    absent_groups: tuple[str, ...]
    seat_margins: tuple[Decision, ...] = ()   # per placement with a rival the ballots could put ahead
    margin: Decision | None = None            # the count's margin (SPEC §11); None: nothing decided by ballots

    def seat_margin(self, post: str, person: str) -> Decision | None:
        return next((d for d in self.seat_margins if d.post == post and d.person == person), None)


def person_result(p: PersonInput, campaign: Campaign) -> PersonResult:
    scheme = campaign.scheme
    dem = democratic(p.democratic, scheme) if p.democratic is not None else None
    avg = appraisal_average(p.appraisal, scheme) if p.appraisal else None
    bonus = rank_bonus(p.rank, scheme)
    exam = round_score(p.exam) if p.exam is not None else None
    quant = None
    if exam is not None and dem is not None and avg is not None:
        quant = quantified(exam, dem, avg, bonus, scheme)
    scores = campaign.speech.get(p.id)
    speech = trimmed_mean(scores, scheme.speech_trim) if scores else None
    sat = satisfaction(*p.satisfaction, scheme) if p.satisfaction is not None else None
    return PersonResult(p.id, p.name, exam, dem, avg, bonus, quant, speech, sat)


def compute(campaign: Campaign) -> Results:
    scheme = campaign.scheme
    people = {p.id: person_result(p, campaign) for p in campaign.people}
    inputs = {p.id: p for p in campaign.people}

    # Every declared pair of the effective round, plus every counted (suggested) pair.
    counted = {(c.person, c.post): c.counts for c in campaign.counts}
    keys = set(counted)
    for p in campaign.people:
        keys |= {(p.id, post) for post in p.effective_posts}

    pairs: list[PairResult] = []
    for person_id, post in sorted(keys):
        declared_posts = inputs[person_id].effective_posts
        declared = post in declared_posts
        choice = declared_posts.index(post) if declared else None
        rec = None
        if campaign.present is not None and sum(campaign.present.values()) > 0:
            rec = recommendation(campaign.present, counted.get((person_id, post), {}), scheme)
        person = people[person_id]
        eligible = bool(rec and rec.eligible and person.passed)
        comp = None
        if eligible and person.quantified is not None and person.speech is not None and rec.score is not None:
            comp = composite(person.quantified, person.speech.mean, rec.score, scheme)
        margin = threshold_margin(rec.recommended, rec.present, scheme.threshold) if rec else None
        pairs.append(PairResult(person_id, post, declared, choice, rec, eligible, comp, margin))

    candidacies = [Candidacy(x.person, x.post, x.rate, x.declared, x.choice, x.composite)
                   for x in pairs if x.eligible and x.rate is not None]
    seats = [PostSeats(p.id, p.seats) for p in campaign.posts]
    assignment = assign_posts(seats, candidacies, scheme.assignment)
    absent = pairs[0].recommendation.absent_groups if pairs and pairs[0].recommendation else ()
    seats_margins = _seat_margins(campaign, pairs, assignment)
    # A person barred by §五 is eligible nowhere whatever the ballots say: their 1/3 lines decide nothing.
    lines = [Decision(x.margin, THRESHOLD, x.post, x.person) for x in pairs
             if x.margin is not None and people[x.person].passed]
    return Results(tuple(people[p.id] for p in campaign.people), tuple(pairs), assignment, absent,
                   seats_margins, count_margin(lines + list(seats_margins)))


def _seat_margins(campaign: Campaign, pairs: list[PairResult], assignment: Assignment) -> tuple[Decision, ...]:
    """Each placement against its closest rival at that post (SPEC §11)."""
    present = campaign.present
    if present is None or sum(present.values()) <= 0 or not assignment.placements:
        return ()
    weights, _ = effective_weights(present, campaign.scheme)
    effects = ballot_effects(present, weights, campaign.scheme.composite_weights["recommendation"])
    composite = {(x.person, x.post): x.composite for x in pairs}
    found = []
    for placed in assignment.placements:
        mine = composite.get((placed.person, placed.post))
        if mine is None:
            continue
        rivals = {r: composite.get((r, placed.post)) for r in assignment.rivals(placed.post, placed.person)}
        decision = closest_rival(placed.person, mine, rivals, placed.post, effects)
        if decision is not None:
            found.append(decision)
    return tuple(found)


def results_to_json(results: Results) -> dict[str, Any]:
    """The results document of SPEC §8; every score a string with three decimals or null."""
    people: dict[str, Any] = {}
    for p in sorted(results.people, key=lambda p: p.id):
        people[p.id] = {
            "exam": format_score(p.exam),
            "democratic": format_score(p.democratic),
            "appraisal_avg": format_score(p.appraisal_avg),
            "bonus": format_score(p.bonus),
            "quantified": format_score(p.quantified),
            "speech": format_score(p.speech.mean if p.speech else None),
            "satisfaction": None if p.satisfaction is None else {
                "rate": format_score(p.satisfaction.rate_shown),
                "passed": p.satisfaction.passed,
            },
        }
    pairs = [{
        "person": x.person,
        "post": x.post,
        "declared": x.declared,
        "rate": format_score(round_score(x.rate)) if x.rate is not None else None,
        "eligible": x.eligible,
        "recommendation": format_score(x.score),
        "composite": format_score(x.composite),
        "margin": x.margin,
    } for x in results.pairs]
    assignment = []
    for a in sorted(results.assignment.placements, key=lambda a: (a.post, a.person)):
        seat = results.seat_margin(a.post, a.person)
        assignment.append({"post": a.post, "person": a.person, "rule": a.rule,
                           "margin": seat.ballots if seat else None})
    undecided = []
    for u in results.assignment.undecided:
        if u.post is not None:
            undecided.append({"post": u.post, "persons": list(u.persons), "reason": u.reason})
        else:
            undecided.append({"person": u.person, "posts": list(u.posts), "reason": u.reason})
    out: dict[str, Any] = {
        "format": RESULTS_FORMAT,
        "people": people,
        "pairs": pairs,
        "assignment": assignment,
        "vacant": sorted(results.assignment.vacant),
        "undecided": undecided,
        "margin": None if results.margin is None else {
            "ballots": results.margin.ballots, "post": results.margin.post, "person": results.margin.person,
            "decision": results.margin.kind},
    }
    if results.absent_groups:
        out["absent_groups"] = list(results.absent_groups)
    return out
