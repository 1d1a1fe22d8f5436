"""Draw dev8 and holdout3 from the texts `split_of` holds out (run once; labels are kept).

After holdout, dev6 and holdout2, the texts the hash holds out still include those of a charge
family, up to MAX_CHARS, with no payment wording (`select_dev4.PAYMENT_WORDS`): 231 texts, the
kind of text most of the corpus is (a harm, a loss, no word on payment). They are split in two
by a third hash of the id: `dev8` (measured before any tuning on it, then tuned on) and
`holdout3` (never looked at, never tuned on). They measure the harm grade on more unseen texts
and how often a payment is read where none is written. Chosen by words in the text, never by
what the code extracts; ordered by text id.

    python -m benchmarks.realtext.select_dev8 --texts ../shared/realtext/cail2018_facts.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.realtext.select_dev3 import MAX_CHARS, drawable, sample_row, write_sample
from benchmarks.realtext.select_dev4 import PAYMENT_WORDS
from benchmarks.realtext.select_dev6 import hash_split

SPLITS = ("dev8", "holdout3")


def third_split(text_id: str) -> str:
    """dev8 or holdout3, by a hash independent of `split_of`'s and `second_split`'s."""
    return hash_split(text_id, "dev8", SPLITS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev8_sample.jsonl")
    args = parser.parse_args()
    drawn = drawable(Path(args.texts), Path(args.labels), SPLITS, held_out=True)
    chosen = [
        sample_row(text_id, family, third_split(text_id), fact)
        for family, text_id, fact in drawn
        if family is not None
        and len(fact) <= MAX_CHARS
        and not any(w in fact for w in PAYMENT_WORDS)
    ]
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
