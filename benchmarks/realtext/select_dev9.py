"""Draw dev9 and holdout4 from every corpus text no split labels yet (run once; labels are kept).

After dev..dev8 and holdout..holdout3, the corpus still holds texts up to MAX_CHARS with payment
wording (`select_dev4.PAYMENT_WORDS`) that no split labels, on both sides of `split_of`: 37 texts.
Only 11 are of a charge family, and each of those was drawn before and names no natural-person
victim (被害人 unnamed, or a company); the other 26 are of other charges (family "other", as in
dev7), 23 of them held out by `split_of` and drawn by no earlier script. All are drawn and split in
two by a fourth hash of the id: `dev9` (measured before any tuning on it; not tuned on yet) and
`holdout4` (never looked at, never tuned on). Chosen by words in the text, never by what the
code extracts; ordered by text id.

    python -m benchmarks.realtext.select_dev9 --texts ../shared/realtext/cail2018_facts.jsonl \
        --out /tmp/dev9_sample.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.realtext.select_dev3 import MAX_CHARS, drawable, sample_row, write_sample
from benchmarks.realtext.select_dev4 import PAYMENT_WORDS
from benchmarks.realtext.select_dev6 import hash_split
from benchmarks.realtext.select_dev7 import OTHER_FAMILY

SPLITS = ("dev9", "holdout4")


def fourth_split(text_id: str) -> str:
    """dev9 or holdout4, by a hash independent of the earlier splits' hashes."""
    return hash_split(text_id, "dev9", SPLITS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="/tmp/dev9_sample.jsonl")
    args = parser.parse_args()
    texts, labels = Path(args.texts), Path(args.labels)
    # both sides of `split_of`: the texts it keeps for development and those it holds out
    drawn = [
        row
        for held_out in (False, True)
        for row in drawable(texts, labels, SPLITS, held_out=held_out)
    ]
    chosen = [
        sample_row(text_id, family or OTHER_FAMILY, fourth_split(text_id), fact)
        for family, text_id, fact in drawn
        if len(fact) <= MAX_CHARS and any(w in fact for w in PAYMENT_WORDS)
    ]
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
