"""Draw the fourth development split (dev4) from the real-text corpus (run once; labels are kept).

Texts not yet labelled (any split) and not held out by `split_of`, up to 3,000 characters.
Stratified by charge family; in each family texts whose wording talks about payment, return of
goods, mediation, agreement or forgiveness and that name two or more victims are drawn first, then
texts naming two or more victims, then payment wording, then the rest (chosen by words in the
text, never by what the code extracts).

    python -m benchmarks.realtext.select_dev4 --texts ../shared/realtext/cail2018_facts.jsonl
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

from benchmarks.realtext.select_dev3 import unlabelled, victim_names, write_sample
from benchmarks.realtext.select_texts import FAMILIES

PAYMENT_WORDS = (
    "赔偿",
    "退赔",
    "退还",
    "返还",
    "发还",
    "归还",
    "谅解",
    "调解",
    "协议",
    "追回",
    "挥霍",
    "执行",
)
QUOTA = {
    "injury": 20,
    "traffic": 12,
    "homicide": 6,
    "robbery": 12,
    "fraud_theft": 44,
    "sexual": 8,
    "affray": 20,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev4_sample.jsonl")
    args = parser.parse_args()
    rng = random.Random(20261206 + 4)
    by_family: dict[str, list[tuple[int, str, bool]]] = {f: [] for f in FAMILIES}
    for family, text_id, fact in unlabelled(Path(args.texts), Path(args.labels), "dev4"):
        pay = any(w in fact for w in PAYMENT_WORDS)
        by_family[family].append((len(victim_names(fact)), text_id, pay))
    chosen: list[dict[str, Any]] = []
    for family, rows in by_family.items():
        rows.sort(key=lambda r: r[1])
        rng.shuffle(rows)
        # the corpus left after dev..dev3 holds few texts with payment words: draw payment words
        # and 2+ victims first, then 2+ victims, then payment words, then the rest
        tiers = [
            [r for r in rows if r[0] >= 2 and r[2]],
            [r for r in rows if r[0] >= 2 and not r[2]],
            [r for r in rows if r[0] < 2 and r[2]],
            [r for r in rows if r[0] < 2 and not r[2]],
        ]
        for n, text_id, _pay in [r for tier in tiers for r in tier][: QUOTA[family]]:
            chosen.append(
                {"text_id": text_id, "family": family, "split": "dev4", "named_victims": n}
            )
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
