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
from pathlib import Path

from benchmarks.realtext.select_dev3 import MAX_CHARS, drawable, sample_row, write_sample
from benchmarks.realtext.select_dev4 import PAYMENT_WORDS

SPLITS = ("dev6", "holdout2")


def hash_split(text_id: str, salt: str, splits: tuple[str, str]) -> str:
    """One of two splits by a hash of the id salted with `salt`, independent of `split_of`'s."""
    digest = int(hashlib.sha256(f"{salt}:{text_id}".encode()).hexdigest(), 16)
    return splits[digest % 2]


def second_split(text_id: str) -> str:
    """dev6 or holdout2."""
    return hash_split(text_id, "dev6", SPLITS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev6_sample.jsonl")
    args = parser.parse_args()
    # every text another split labels is left out (dev2 drew some of the hashed-out texts too)
    drawn = drawable(Path(args.texts), Path(args.labels), SPLITS, held_out=True)
    chosen = [
        sample_row(text_id, family, second_split(text_id), fact)
        for family, text_id, fact in drawn
        if family is not None and len(fact) <= MAX_CHARS and any(w in fact for w in PAYMENT_WORDS)
    ]
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
