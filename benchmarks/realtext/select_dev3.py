"""Draw the third development split (dev3) from the real-text corpus (run once; labels are kept).

Texts not yet labelled (any split) and not held out by `split_of`, whose wording talks about
payment, return of goods, mediation, agreement or forgiveness (chosen by words in the text,
never by what the code extracts). Stratified by charge family; texts naming two or more victims
are drawn first in each family.

    python -m benchmarks.realtext.select_dev3 --texts ../shared/realtext/cail2018_facts.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.realtext.select_texts import FAMILIES, VICTIM, family_of, split_of

PAYMENT_WORDS = (
    "赔偿",
    "退赔",
    "退还",
    "返还",
    "垫付",
    "民事判决",
    "执行",
    "谅解",
    "调解",
    "协议",
    "归还",
    "发还",
    "退回",
    "赔付",
)
QUOTA = {
    "injury": 32,
    "traffic": 24,
    "homicide": 6,
    "robbery": 17,
    "fraud_theft": 48,
    "sexual": 13,
    "affray": 25,
}
MAX_CHARS = 3000
NAME = r"[\u4e00-\u9fff×ＸX][\u4e00-\u9fff×ＸX0-9０-９甲乙丙丁]{0,3}?某[甲乙丙丁戊某]?|[\u4e00-\u9fff]×\d?"
# 被害人张某、李某和王某: every name of the list after 被害人, not only the first
VICTIM_LIST = re.compile(rf"被害人((?:{NAME})(?:[、和及与](?:{NAME}))*)")


def victim_names(fact: str) -> set[str]:
    names = set(VICTIM.findall(fact))
    for group in VICTIM_LIST.findall(fact):
        names.update(n for n in re.split(r"[、和及与]", group) if n)
    return names


def unlabelled(texts: Path, labels: Path, split: str) -> Iterator[tuple[str, str, str]]:
    """(family, text_id, fact) of each corpus text of a charge family, up to MAX_CHARS, that
    no split but `split` labels (so a draw stays reproducible after its labels are appended)
    and that `split_of` does not hold out."""
    for family, text_id, fact in drawable(texts, labels, (split,), held_out=False):
        if family is not None and len(fact) <= MAX_CHARS:
            yield family, text_id, fact


def drawable(
    texts: Path, labels: Path, splits: tuple[str, ...], *, held_out: bool
) -> Iterator[tuple[str | None, str, str]]:
    """(family or None, text_id, fact) of each corpus text that no split but `splits` labels
    and that `split_of` holds out (`held_out`) or does not."""
    used = {
        row["text_id"]
        for row in map(json.loads, labels.read_text(encoding="utf-8").splitlines())
        if row["split"] not in splits
    }
    for line in texts.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["text_id"] in used or (split_of(row["text_id"]) == "holdout") != held_out:
            continue
        yield family_of(row["accusation"]), row["text_id"], row["fact"]


def sample_row(text_id: str, family: str, split: str, fact: str) -> dict[str, Any]:
    """One line of a split's sample file."""
    return {
        "text_id": text_id,
        "family": family,
        "split": split,
        "named_victims": len(victim_names(fact)),
    }


def write_sample(chosen: list[dict[str, Any]], out: str) -> None:
    chosen.sort(key=lambda r: r["text_id"])
    with open(out, "w", encoding="utf-8") as fh:
        for row in chosen:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    multi_n = sum(1 for r in chosen if r["named_victims"] >= 2)
    print(f"{len(chosen)} texts ({multi_n} naming 2+ victims) -> {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--labels", default="benchmarks/realtext/labels.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/labels/dev3_sample.jsonl")
    args = parser.parse_args()
    rng = random.Random(20261206 + 3)
    by_family: dict[str, list[tuple[int, str]]] = {f: [] for f in FAMILIES}
    for family, text_id, fact in unlabelled(Path(args.texts), Path(args.labels), "dev3"):
        if any(w in fact for w in PAYMENT_WORDS):
            by_family[family].append((len(victim_names(fact)), text_id))
    chosen: list[dict[str, Any]] = []
    for family, rows in by_family.items():
        rows.sort(key=lambda r: r[1])
        rng.shuffle(rows)
        multi = [r for r in rows if r[0] >= 2]
        single = [r for r in rows if r[0] < 2]
        for n, text_id in (multi + single)[: QUOTA[family]]:
            chosen.append(
                {"text_id": text_id, "family": family, "split": "dev3", "named_victims": n}
            )
    write_sample(chosen, args.out)


if __name__ == "__main__":
    main()
