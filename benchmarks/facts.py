"""`relief-leads bench facts`: how well the case-text rules read real judgment wording.

The labels (benchmarks/realtext/labels.jsonl, one line per victim, keyed by text_id) were
written from the texts alone by the labelling guide of ../shared/realtext/README.md; the
texts stay in the published corpus and are read from it here. Each labelled victim's facts
are read as the pipeline reads a case-party row: `extract_case_facts(text, name=victim)`.

Fields and what counts as correct:
- injury: the harm grade (死亡/重伤/轻伤/轻微伤); accuracy over victims whose grade is stated;
  none/unknown labels are shown in the confusion table (the rules give no grade for them);
- compensation: full/partial/none/unable, "unknown" when silent; over victims whose
  compensation is stated, and over all;
- forgiveness: forgiven/not_forgiven/unknown, over all victims;
- hit_and_run, victim_fault (the victim's main fault, what excludes a lead; a secondary
  share is not read): over all victims;
- loss: the victim's own loss in yuan; a labelled amount is matched within 1 yuan (or 1 %),
  and a victim without one (a loss shared by several, or none stated) must get none.

The held-back splits are never used to tune the rules and their errors are never listed:
"holdout" (fixed by a hash of the text id in select_texts.py), "holdout2" (half of the
texts that hash holds out beyond the first draw, by a second hash in select_dev6.py; the other
half is dev6), "holdout3" and "holdout4" (halves of later draws, by the hashes of
select_dev8.py and select_dev9.py; the other halves are dev8 and dev9). dev7 (select_dev7.py)
is what the development pool still held with payment wording: texts of other charges (危险驾驶
with a crash, 集资诈骗, 强迫交易 …), measured before any tuning on it. Report every split.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import load_config
from pipeline.signals.case_text import CaseFacts, extract_case_facts
from pipeline.state import PROJECT_ROOT

LABELS = PROJECT_ROOT / "benchmarks" / "realtext" / "labels.jsonl"
TEXTS = PROJECT_ROOT.parent / "shared" / "realtext" / "cail2018_facts.jsonl"
GRADES = ("死亡", "重伤", "轻伤", "轻微伤")
SPLITS = (
    "dev",
    "dev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "dev8",
    "dev9",
    "holdout",
    "holdout2",
    "holdout3",
    "holdout4",
)
HELD_BACK = ("holdout", "holdout2", "holdout3", "holdout4")


@dataclass(frozen=True)
class Reading:
    """One labelled victim: the label and what the rules read."""

    label: dict[str, Any]
    facts: CaseFacts

    def got(self, field: str) -> Any:
        f = self.facts
        if field == "injury":
            return "死亡" if f.death else (f.injury or "unknown")
        if field == "compensation":
            return f.compensation or "unknown"
        if field == "forgiveness":
            return f.forgiveness or "unknown"
        if field == "hit_and_run":
            return bool(f.hit_and_run)
        if field == "victim_fault":
            return bool(f.victim_fault)
        if field == "loss":
            return f.loss_amount
        raise KeyError(field)

    def want(self, field: str) -> Any:
        label = self.label
        if field == "victim_fault":
            return label["victim_fault"] == "main"
        if field == "loss":
            return label["loss_amount"]
        return label[field]

    def correct(self, field: str) -> bool:
        got, want = self.got(field), self.want(field)
        if field == "loss":
            if want is None or got is None:
                return want is None and got is None
            return bool(abs(got - want) <= max(1.0, 0.01 * want))
        return bool(got == want)


# field -> (which victims it is scored on, description)
SCORED: dict[str, tuple[Callable[[Reading], bool], str]] = {
    "injury": (lambda r: r.want("injury") in GRADES, "grade stated"),
    "compensation": (lambda r: r.want("compensation") != "unknown", "compensation stated"),
    "compensation_all": (lambda r: True, "all victims"),
    "forgiveness": (lambda r: True, "all victims"),
    "forgiveness_stated": (lambda r: r.want("forgiveness") != "unknown", "forgiveness stated"),
    "hit_and_run": (lambda r: True, "all victims"),
    "victim_fault": (lambda r: True, "all victims"),
    "loss": (lambda r: r.want("loss") is not None, "amount labelled"),
    "loss_none": (lambda r: r.want("loss") is None, "no own amount: reads none"),
}


def _field(name: str) -> str:
    return name.removesuffix("_all").removesuffix("_stated").removesuffix("_none")


def read_texts(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return {row["text_id"]: row["fact"] for row in map(json.loads, fh)}


def read_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def readings(labels: Iterable[dict[str, Any]], texts: dict[str, str]) -> list[Reading]:
    """Each victim read as its case-party row is: with the case's other victims known (the
    case-party list names them), as `case_facts_frame` does."""
    patterns = load_config().text_patterns
    labels = list(labels)
    victims: dict[str, list[str]] = {}
    for label in labels:
        if label["victim"]:
            victims.setdefault(label["text_id"], []).append(label["victim"])
    return [
        Reading(
            label,
            extract_case_facts(
                texts[label["text_id"]],
                patterns,
                name=label["victim"],
                others=[v for v in victims.get(label["text_id"], []) if v != label["victim"]],
            ),
        )
        for label in labels
    ]


def accuracy_table(by_split: dict[str, list[Reading]]) -> list[str]:
    lines = ["| field | scored on | " + " | ".join(by_split) + " |", "|---|---|" + "---:|" * len(by_split)]  # fmt: skip
    for name, (scored, what) in SCORED.items():
        cells = []
        for rows in by_split.values():
            picked = [r for r in rows if scored(r)]
            right = sum(r.correct(_field(name)) for r in picked)
            cells.append(f"{right / len(picked):.3f} ({right}/{len(picked)})" if picked else "–")
        lines.append(f"| {name} | {what} | " + " | ".join(cells) + " |")
    lines.append(
        "| compensation, per text | mean over texts of the stated victims' accuracy | "
        + " | ".join(_per_text(rows, "compensation") for rows in by_split.values())
        + " |"
    )
    return lines


def _per_text(rows: list[Reading], field: str) -> str:
    """Accuracy averaged over texts: a text naming 19 victims weighs as much as one naming 1."""
    scored, _ = SCORED[field]
    by_text: dict[str, list[bool]] = {}
    for r in rows:
        if scored(r):
            by_text.setdefault(r.label["text_id"], []).append(r.correct(field))
    if not by_text:
        return "–"
    mean = sum(sum(v) / len(v) for v in by_text.values()) / len(by_text)
    return f"{mean:.3f} ({len(by_text)} texts)"


def confusion(rows: list[Reading], field: str) -> list[str]:
    """Labelled value (rows) against what the rules read (columns)."""
    pairs = Counter((str(r.want(field)), str(r.got(field))) for r in rows)
    wanted = sorted({w for w, _ in pairs})
    got = sorted({g for _, g in pairs})
    lines = [f"{field}: label \\ read | " + " | ".join(got), "|---" * (len(got) + 1) + "|"]
    lines += [
        f"| {w} | " + " | ".join(str(pairs.get((w, g), 0)) for g in got) + " |" for w in wanted
    ]
    return lines


def errors(rows: list[Reading], fields: Iterable[str]) -> list[str]:
    """Mismatches by text id and victim (no text): for tuning on the dev split only."""
    out = []
    for r in rows:
        for field in fields:
            if not r.correct(field) and (field != "injury" or r.want("injury") in GRADES):
                flag = " (unsure)" if r.label.get("unsure") else ""
                out.append(
                    f"{r.label['text_id']} {r.label['victim']} {field}: "
                    f"label {r.want(field)!r} read {r.got(field)!r}{flag}"
                )
    return out


def bench_facts(texts: Path, labels: Path, show_errors: str | None, confusions: bool) -> int:
    if not texts.exists():
        print(f"bench facts: the corpus {texts} is not here; give its path with --texts PATH")
        return 2
    started = time.perf_counter()
    corpus = read_texts(texts)
    labelled = read_labels(labels)
    # listing a development split's errors prints the development splits only: a held-back
    # figure is read when measuring, not at every look at an error list
    shown = [s for s in SPLITS if not (show_errors and s in HELD_BACK)]
    by_split = {s: readings([x for x in labelled if x["split"] == s], corpus) for s in shown}
    seconds = time.perf_counter() - started
    n_texts = {s: len({r.label["text_id"] for r in rows}) for s, rows in by_split.items()}
    print(
        "facts on real texts: "
        + ", ".join(f"{s} {len(rows)} victims / {n_texts[s]} texts" for s, rows in by_split.items())
        + f"; read in {seconds:.1f} s"
    )
    print("\n".join(accuracy_table(by_split)))
    if confusions:
        for split, rows in by_split.items():
            print(f"\n## {split}")
            for field in ("injury", "compensation", "forgiveness", "victim_fault", "hit_and_run"):
                print("\n".join(confusion(rows, field)) + "\n")
    if show_errors:
        fields = ("injury", "compensation", "forgiveness", "hit_and_run", "victim_fault", "loss")
        print("\n".join(errors(by_split[show_errors], fields)))
    return 0


def add_facts_parser(which: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    facts = which.add_parser("facts", help="per-victim fact reading on labelled real case texts")
    facts.add_argument("--texts", type=Path, default=TEXTS, help=f"corpus (default {TEXTS})")
    facts.add_argument("--labels", type=Path, default=LABELS)
    facts.add_argument("--confusion", action="store_true", help="confusion tables per split")
    facts.add_argument(
        "--errors",
        choices=[s for s in SPLITS if s not in HELD_BACK],
        help="list each mismatch of one development split (never of a held-back one)",
    )
