"""Pairing a round of introductions: 5,000 members with 20 past rounds of history.

    .venv/bin/python bench/pairing.py [--members 5000] [--rounds 20] [--seed 1]

A generated population (organizations of 1-5 members of six kinds, 1-3 fields of twelve,
0-2 needs and 0-2 offers of nine categories) and a history of 20 earlier rounds (random
pairings of the same members, never within one organization). Printed for each way of
pairing the next round: the time it took, the pairs and who was left over, the total of the
preference points (what the matching maximizes), the share of pairs across fields, of pairs
where a need meets an offer, and of repeated pairs.

- matching: `db.intros.pair_members`, networkx's max_weight_matching on each random block of
  about 500 members, each member keeping its 12 best candidates in the block (the complete
  graph of 5,000 is 12.5 million edges, and even a sparse graph of 5,000 takes the blossom
  algorithm most of a minute), then those left over among themselves.
- greedy (the baseline in this run): the same blocks and the same candidate edges, taken
  heaviest first while both members are free, then the left-over members the same way.
- random: shuffled and paired with the next member of another organization.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.texts import catalog as T  # noqa: E402
from db.intros import (  # noqa: E402
    FULL_GRAPH,
    Candidate,
    candidate_edges,
    is_cross_field,
    pair_members,
    preference,
    split_blocks,
)

ORG_TYPES = ["municipality", "company", "npo", "university", "association", "other"]


def population(members: int, seed: int) -> list[Candidate]:
    draw = random.Random(seed)
    people, org = [], 0
    while len(people) < members:
        org += 1
        kind = draw.choice(ORG_TYPES)
        home = draw.sample(T.FIELDS, 2)  # an organization's people share some of its fields
        for _ in range(min(draw.randint(1, 5), members - len(people))):
            fields = set(draw.sample(home, draw.randint(1, 2))) | set(draw.sample(T.FIELDS, draw.randint(0, 1)))
            people.append(Candidate(len(people) + 1, org, kind, frozenset(fields),
                                    frozenset(draw.sample(T.RESOURCE_CATEGORIES, draw.randint(0, 2))),
                                    frozenset(draw.sample(T.RESOURCE_CATEGORIES, draw.randint(0, 2)))))
    return people


def random_pairs(people: list[Candidate], seed: int) -> list[tuple[Candidate, Candidate]]:
    order = people[:]
    random.Random(seed).shuffle(order)
    pairs = []
    while len(order) > 1:
        a = order.pop()
        for k in range(len(order) - 1, max(-1, len(order) - 50), -1):
            if order[k].org_id != a.org_id:
                pairs.append((a, order.pop(k)))
                break
    return pairs


def greedy(people: list[Candidate], history: set[frozenset[int]], seed: int) -> list[tuple[Candidate, Candidate]]:
    """The same blocks and candidate edges as the matching, heaviest edge first."""
    def take(block, strict):
        edges = sorted(candidate_edges(block, history, set(), strict=strict).items(), key=lambda item: -item[1])
        free, pairs = set(range(len(block))), []
        for (i, j), _ in edges:
            if i in free and j in free:
                free -= {i, j}
                pairs.append((block[i], block[j]))
        return pairs, [block[i] for i in sorted(free)]

    found, left = [], []
    for block in split_blocks(people, seed):
        pairs, rest = take(block, strict=len(block) <= FULL_GRAPH)
        found += pairs
        left += rest
    while len(left) > 1:
        pairs, left = take(left, strict=True)
        found += pairs
        if not pairs:
            break
    return found


def report(name: str, seconds: float, pairs: list[tuple[Candidate, Candidate]], members: int,
           history: set[frozenset[int]]) -> int:
    total = sum(preference(a, b) for a, b in pairs)
    cross = sum(is_cross_field(a, b) for a, b in pairs)
    needs = sum(bool(a.needs & b.offers or b.needs & a.offers) for a, b in pairs)
    repeats = sum(frozenset((a.id, b.id)) in history for a, b in pairs)
    same_org = sum(a.org_id == b.org_id for a, b in pairs)
    print(f"{name:<9} {seconds:8.2f} s  pairs {len(pairs):5d}  left over {members - 2 * len(pairs):3d}  "
          f"total preference {total:6d}  cross-field {cross / len(pairs):6.1%}  need met {needs / len(pairs):6.1%}  "
          f"repeats {repeats}  same organization {same_org}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    people = population(args.members, args.seed)
    by_id = {c.id: c for c in people}
    history: set[frozenset[int]] = set()
    for past in range(args.rounds):
        history |= {frozenset((a.id, b.id)) for a, b in random_pairs(people, 1000 + past)}
    print(f"{len(people)} members in {len({c.org_id for c in people})} organizations; "
          f"{len(history)} pairs in {args.rounds} past rounds")

    started = time.perf_counter()
    result = pair_members(people, history=history, seed=args.seed)
    matching = [(by_id[a], by_id[b]) for a, b, _ in result.pairs]
    ours = report("matching", time.perf_counter() - started, matching, len(people), history)

    started = time.perf_counter()
    baseline = greedy(people, history, args.seed)
    theirs = report("greedy", time.perf_counter() - started, baseline, len(people), history)

    started = time.perf_counter()
    report("random", time.perf_counter() - started, random_pairs(people, args.seed), len(people), history)
    print(f"matching over greedy: total preference {ours - theirs:+d} ({(ours - theirs) / theirs:+.1%})")


if __name__ == "__main__":
    main()
