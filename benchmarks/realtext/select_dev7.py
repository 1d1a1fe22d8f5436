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
import json
from pathlib import Path
from typing import Any

from benchmarks.realtext.select_dev3 import victim_names, write_sample
from benchmarks.realtext.select_dev4 import PAYMENT_WORDS
from benchmarks.realtext.select_texts import family_of, split_of

OTHER_FAMILY = "other"  # a charge outside the families of select_texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev7_sample.jsonl")
    args = parser.parse_args()
    used = {
        row["text_id"]
        for row in map(json.loads, Path(args.labels).read_text(encoding="utf-8").splitlines())
        if row["split"] != "dev7"
    }
    chosen: list[dict[str, Any]] = []
    for line in Path(args.texts).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text_id, fact = row["text_id"], row["fact"]
        if text_id in used or split_of(text_id) == "holdout":
            continue
        if any(w in fact for w in PAYMENT_WORDS):
            chosen.append(
                {
                    "text_id": text_id,
                    "family": family_of(row["accusation"]) or OTHER_FAMILY,
                    "split": "dev7",
                    "named_victims": len(victim_names(fact)),
                }
            )
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
