"""Draw the fifth development split (dev5) from the real-text corpus (run once; labels are kept).

Every text not yet labelled (any split), not held out by `split_of`, up to 3,000 characters,
whose wording talks about payment, return of goods, mediation, agreement or forgiveness
(`select_dev4.PAYMENT_WORDS`): after dev..dev4 the development pool holds about 150 such texts,
and compensation is the field furthest from its target. Chosen by words in the text, never by
what the code extracts; ordered by text id.

    python -m benchmarks.realtext.select_dev5 --texts ../shared/realtext/cail2018_facts.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.realtext.select_dev3 import sample_row, unlabelled, write_sample
from benchmarks.realtext.select_dev4 import PAYMENT_WORDS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev5_sample.jsonl")
    args = parser.parse_args()
    chosen = [
        sample_row(text_id, family, "dev5", fact)
        for family, text_id, fact in unlabelled(Path(args.texts), Path(args.labels), "dev5")
        if any(w in fact for w in PAYMENT_WORDS)
    ]
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
