"""Draw the labelled development sample from the real-text corpus (run once; the list is kept).

Stratified by charge family, with texts naming two or more victims drawn first, so the sample
holds every family the labelling issue names and enough multi-victim texts. The held-back split
is fixed by the text id alone (a hash), never by what the code extracts.

    python -m benchmarks.realtext.select_texts --texts ../shared/realtext/cail2018_facts.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

FAMILIES = {
    "injury": ("故意伤害",),
    "traffic": ("交通肇事",),
    "homicide": ("故意杀人",),
    "robbery": ("抢劫", "抢夺"),
    "fraud_theft": ("诈骗", "合同诈骗", "盗窃", "信用卡诈骗"),
    "sexual": ("强奸", "猥亵儿童", "强制[猥亵、侮辱]妇女"),
    "affray": ("寻衅滋事",),
}
QUOTA = {
    "injury": 55,
    "traffic": 50,
    "homicide": 40,
    "robbery": 35,
    "fraud_theft": 55,
    "sexual": 40,
    "affray": 50,
}
MAX_CHARS = 2200
VICTIM = re.compile(
    r"被害人([\u4e00-\u9fff×ＸX][\u4e00-\u9fff×ＸX0-9０-９甲乙丙丁]{0,3}?某[甲乙丙丁戊某]?|[\u4e00-\u9fff]×\d?)"
)
HOLDOUT_SHARE = 30  # percent


def family_of(accusations: list[str]) -> str | None:
    for family, names in FAMILIES.items():
        if any(a in names for a in accusations):
            return family
    return None


def split_of(text_id: str) -> str:
    digest = int(hashlib.sha256(text_id.encode()).hexdigest(), 16)
    return "holdout" if digest % 100 < HOLDOUT_SHARE else "dev"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/realtext/cail2018_facts.jsonl")
    parser.add_argument("--out", default="benchmarks/realtext/sample.jsonl")
    args = parser.parse_args()
    rng = random.Random(20261206)
    by_family: dict[str, list[tuple[int, str]]] = {f: [] for f in FAMILIES}
    for line in Path(args.texts).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        family = family_of(row["accusation"])
        if family is None or len(row["fact"]) > MAX_CHARS:
            continue
        victims = set(VICTIM.findall(row["fact"]))
        if len(victims) > 8:
            continue
        by_family[family].append((len(victims), row["text_id"]))
    chosen = []
    for family, rows in by_family.items():
        rng.shuffle(rows)
        multi = [r for r in rows if r[0] >= 2]
        single = [r for r in rows if r[0] < 2]
        take = multi[: QUOTA[family] // 2] + single
        for _, text_id in take[: QUOTA[family]]:
            chosen.append({"text_id": text_id, "family": family, "split": split_of(text_id)})
    chosen.sort(key=lambda r: r["text_id"])
    with open(args.out, "w", encoding="utf-8") as fh:
        for row in chosen:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} texts -> {args.out}")


if __name__ == "__main__":
    main()
