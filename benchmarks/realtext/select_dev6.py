"""Draw dev6 and holdout2 from the texts `split_of` holds out (run once; labels are kept).

The first draw labelled 98 of the texts the hash holds out (`holdout`) and dev2 drew 57 more;
the rest were kept aside. Every one of those left with payment wording (`select_dev4.PAYMENT_WORDS`), of a
charge family, up to MAX_CHARS, is drawn here and split in two by a second hash of its id:
`dev6` (measured before any tuning on it, then tuned on) and `holdout2` (never looked at, never
tuned on: a second held-back split, so the held-back figure rests on more than 78 victims).
Chosen by words in the text, never by what the code extracts; ordered by text id.

    python -m benchmarks.realtext.select_dev6 --texts ../shared/realtext/cail2018_facts.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from benchmarks.realtext.select_dev3 import MAX_CHARS, victim_names, write_sample
from benchmarks.realtext.select_dev4 import PAYMENT_WORDS
from benchmarks.realtext.select_texts import family_of, split_of


def second_split(text_id: str) -> str:
    """dev6 or holdout2, by a hash independent of `split_of`'s."""
    digest = int(hashlib.sha256(f"dev6:{text_id}".encode()).hexdigest(), 16)
    return "holdout2" if digest % 2 else "dev6"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev6_sample.jsonl")
    args = parser.parse_args()
    labels = Path(args.labels).read_text(encoding="utf-8").splitlines()
    # every text another split labels (dev2 drew some of the hashed-out texts too)
    used = {
        row["text_id"]
        for row in map(json.loads, labels)
        if row["split"] not in ("dev6", "holdout2")
    }
    chosen: list[dict[str, Any]] = []
    for line in Path(args.texts).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        family = family_of(row["accusation"])
        if row["text_id"] in used or split_of(row["text_id"]) != "holdout" or family is None:
            continue
        fact = row["fact"]
        if len(fact) <= MAX_CHARS and any(w in fact for w in PAYMENT_WORDS):
            chosen.append(
                {
                    "text_id": row["text_id"],
                    "family": family,
                    "split": second_split(row["text_id"]),
                    "named_victims": len(victim_names(fact)),
                }
            )
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
