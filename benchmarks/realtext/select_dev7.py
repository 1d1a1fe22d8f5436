"""Draw the seventh development split (dev7) from the real-text corpus (run once; labels are kept).

After dev..dev6 the development pool (texts `split_of` does not hold out) has no text of a
charge family up to MAX_CHARS with payment wording left. What it still holds with payment wording
(`select_dev4.PAYMENT_WORDS`) are texts of other charges (危险驾驶 with a crash, 强迫交易, 绑架,
集资诈骗, 寻衅滋事 written with another charge …) and a few longer than MAX_CHARS: 58 texts. They
are drawn whole, measured before any tuning on them (the rules never saw their wording), then
tuned on. Chosen by words in the text, never by what the code extracts; ordered by text id.

    python -m benchmarks.realtext.select_dev7 --texts ../shared/realtext/cail2018_facts.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.realtext.select_dev3 import drawable, sample_row, write_sample
from benchmarks.realtext.select_dev4 import PAYMENT_WORDS

OTHER_FAMILY = "other"  # a charge outside the families of select_texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev7_sample.jsonl")
    args = parser.parse_args()
    drawn = drawable(Path(args.texts), Path(args.labels), ("dev7",), held_out=False)
    chosen = [
        sample_row(text_id, family or OTHER_FAMILY, "dev7", fact)
        for family, text_id, fact in drawn
        if any(w in fact for w in PAYMENT_WORDS)
    ]
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
