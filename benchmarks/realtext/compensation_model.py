"""Does a small statistical model read a victim's compensation better than the rules?

An experiment, not a pipeline part: nothing here is imported by pipeline/, no weights or
text are stored. For each labelled victim of benchmarks/realtext/labels.jsonl the rules read
the text as `relief-leads bench facts` does (`extract_case_facts` with the case's other
victims), and the victim's context is taken with the pipeline's own victim finder
(`victim_view`): the sentences with payment words (赔偿 退赔 退还 返还 发还 追回 谅解 …) that
name the victim, those that name nobody, and those that name only other victims. The victim's
own mentions become one placeholder, other victims' another. Features: character 1-3-grams
(TF-IDF, one vocabulary per block), plus the rules' reading (model "text + rule" only), the
number of victims of the case, whether the rules saw several victims and whether a payment
sentence names the victim. Model: a multinomial logistic regression (C=16) over
full/partial/none/unable/unknown. (Blocks and C were picked by plain grouped CV on dev among
a few variants: own sentences of every kind, C 1-64, n-grams to 2 or 4, balanced classes;
text-only stated accuracy ranged 0.53-0.69.)

Compared on the same victims:
- rules: the rules' reading;
- model, text only: the model without the rules' reading as a feature;
- model, text + rule: the model with it;
- hybrid fill: the rules, except where they say unknown and the model names a value with
  probability >= t (with either model);
- hybrid override: the model wherever its probability >= t, else the rules (either model).
t is chosen on the training part only (inner grouped CV), maximising the mean of the two
accuracies below. Accuracy is over victims whose compensation is stated (label not unknown)
and over all victims (a reading that invents payments where the text is silent loses there).

Views:
- `cv` (default): GroupKFold by text, 5 folds, over all development splits pooled;
- `lso`: train on dev..dev6, test on dev7, dev8, dev9;
- `sweep`: hindsight, every threshold on the dev CV and dev7-9 readings (an upper bound);
- `heldback`: train on every development split, test once on holdout..holdout4 (pooled);
  prints totals only, never a text or an error. Run it once, after deciding on `cv`.

Run (from the repository root):
    PYTHONPATH=. .venv/bin/python -m benchmarks.realtext.compensation_model \
        --texts ../shared/realtext/cail2018_facts.jsonl [--view cv|lso|sweep|heldback]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import OneHotEncoder

from benchmarks.facts import HELD_BACK, LABELS, SPLITS, TEXTS, read_labels, read_texts
from pipeline.config import load_config
from pipeline.signals.case_text import _view, extract_case_facts
from pipeline.signals.patterns import TextPatterns, fold_text
from pipeline.signals.victims import SENTENCE_BREAK

DEV = tuple(s for s in SPLITS if s not in HELD_BACK)
LSO_TEST = ("dev7", "dev8", "dev9")
CLASSES = ("full", "partial", "none", "unable", "unknown")
UNKNOWN = "unknown"
OWN_MARK, OTHER_MARK = "Ⓥ", "Ⓞ"
PAYMENT = re.compile(
    "赔偿|退赔|退还|返还|发还|追回|追缴|谅解|调解|和解|履行|支付|赔付|归还|偿还|还款|退赃|退回|"
    "交还|垫付|给付|弥补|挽回|赔礼|理赔|补偿|清偿|还清|付清|私了"
)
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)  # 1.01: never (the rules alone)
BLOCKS = ("own", "pay_unnamed", "pay_other")


@dataclass(frozen=True)
class Victim:
    text_id: str
    split: str
    label: str
    rule: str
    blocks: tuple[str, str, str]  # BLOCKS
    n_victims: int
    several: bool  # the rules saw other victims named (a victim view)


def _marked(
    text: str, name: str, others: Sequence[str], patterns: TextPatterns
) -> tuple[str, bool]:
    """The folded text with the victim's mentions as OWN_MARK and other victims' as OTHER_MARK,
    by the pipeline's victim finder; plain replacement where it sees one victim only."""
    view = _view(text, name, others, patterns)
    if view is None:
        out = text.replace(fold_text(name), OWN_MARK) if name else text
        for other in sorted(others, key=len, reverse=True):
            if other and other != name:
                out = out.replace(fold_text(other), OTHER_MARK)
        return out, False
    pieces, at = [], 0
    for m in sorted(view.mentions, key=lambda m: m.start):
        if m.start < at:
            continue
        pieces += [text[at : m.start], OWN_MARK if m.own else OTHER_MARK]
        at = m.end
    pieces.append(text[at:])
    return "".join(pieces), True


def _blocks(marked: str) -> tuple[str, str, str]:
    sentences, at = [], 0
    for brk in SENTENCE_BREAK.finditer(marked):
        sentences.append(marked[at : brk.end()])
        at = brk.end()
    sentences.append(marked[at:])
    pay = [s for s in sentences if PAYMENT.search(s)]
    own = [s for s in pay if OWN_MARK in s]
    unnamed = [s for s in pay if OWN_MARK not in s and OTHER_MARK not in s]
    other = [s for s in pay if OWN_MARK not in s and OTHER_MARK in s]
    return "|".join(own), "|".join(unnamed), "|".join(other)


def victims(labels: list[dict[str, Any]], corpus: dict[str, str]) -> list[Victim]:
    patterns = load_config().text_patterns
    names: dict[str, list[str]] = {}
    for label in labels:
        if label["victim"]:
            names.setdefault(label["text_id"], []).append(label["victim"])
    out = []
    for label in labels:
        raw, name = corpus[label["text_id"]], label["victim"]
        others = [v for v in names.get(label["text_id"], []) if v != name]
        facts = extract_case_facts(raw, patterns, name=name, others=others)
        marked, several = _marked(fold_text(raw), fold_text(name or ""), others, patterns)
        out.append(
            Victim(
                label["text_id"],
                label["split"],
                label["compensation"],
                facts.compensation or UNKNOWN,
                _blocks(marked),
                len(names.get(label["text_id"], [])),
                several,
            )
        )
    return out


class Model:
    """Char 1-3-gram TF-IDF per block + categorical features -> logistic regression."""

    def __init__(self, with_rule: bool, c: float = 16.0) -> None:
        self.with_rule = with_rule
        self.vectorisers = [
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
            for _ in BLOCKS
        ]
        self.onehot = OneHotEncoder(handle_unknown="ignore")
        self.lr = LogisticRegression(C=c, max_iter=3000)

    def _categorical(self, rows: Sequence[Victim]) -> list[list[str]]:
        return [
            [
                r.rule if self.with_rule else "-",
                str(min(r.n_victims, 4)),
                str(r.several),
                str(bool(r.blocks[0])),
            ]
            for r in rows
        ]

    def _matrix(self, rows: Sequence[Victim], fit: bool) -> csr_matrix:
        parts = []
        for i, vec in enumerate(self.vectorisers):
            docs = [r.blocks[i] for r in rows]
            parts.append(vec.fit_transform(docs) if fit else vec.transform(docs))
        cat = self._categorical(rows)
        parts.append(self.onehot.fit_transform(cat) if fit else self.onehot.transform(cat))
        return hstack(parts).tocsr()

    def fit(self, rows: Sequence[Victim]) -> Model:
        self.lr.fit(self._matrix(rows, fit=True), [r.label for r in rows])
        return self

    def proba(self, rows: Sequence[Victim]) -> tuple[list[str], np.ndarray]:
        """The most probable value of each row and its probability."""
        p = self.lr.predict_proba(self._matrix(rows, fit=False))
        best = p.argmax(axis=1)
        return [str(self.lr.classes_[i]) for i in best], p.max(axis=1)


def _hybrid(
    rows: Sequence[Victim], pred: list[str], conf: np.ndarray, t: float, mode: str
) -> list[str]:
    out = []
    for r, p, c in zip(rows, pred, conf, strict=True):
        use = c >= t and (mode == "override" or r.rule == UNKNOWN)
        out.append(p if use else r.rule)
    return out


def scores(rows: Sequence[Victim], got: Sequence[str]) -> tuple[int, int, int, int]:
    """(right over stated, stated, right over all, all)."""
    stated = [(r, g) for r, g in zip(rows, got, strict=True) if r.label != UNKNOWN]
    return (
        sum(r.label == g for r, g in stated),
        len(stated),
        sum(r.label == g for r, g in zip(rows, got, strict=True)),
        len(rows),
    )


def _objective(rows: Sequence[Victim], got: Sequence[str]) -> float:
    s, n_s, a, n_a = scores(rows, got)
    return (s / max(n_s, 1) + a / max(n_a, 1)) / 2


def _groups(rows: Sequence[Victim]) -> list[str]:
    return [r.text_id for r in rows]


def _out_of_fold(rows: Sequence[Victim], with_rule: bool, folds: int) -> tuple[list[str], Any]:
    pred: list[str] = [""] * len(rows)
    conf = np.zeros(len(rows))
    for train, test in GroupKFold(n_splits=folds).split(rows, groups=_groups(rows)):
        model = Model(with_rule).fit([rows[i] for i in train])
        p, c = model.proba([rows[i] for i in test])
        for j, i in enumerate(test):
            pred[i], conf[i] = p[j], c[j]
    return pred, conf


MODES = ("fill", "override")


def choose_thresholds(rows: Sequence[Victim], folds: int = 3) -> dict[tuple[bool, str], float]:
    """The threshold of each hybrid (model with or without the rule, mode), by grouped CV
    inside the training rows only; ties go to the higher threshold (fewer changes)."""
    chosen: dict[tuple[bool, str], float] = {}
    for with_rule in (False, True):
        pred, conf = _out_of_fold(rows, with_rule, folds)
        for mode in MODES:
            scored = [(_objective(rows, _hybrid(rows, pred, conf, t, mode)), t) for t in THRESHOLDS]
            chosen[with_rule, mode] = max(scored)[1]
    return chosen


def _name(with_rule: bool) -> str:
    return "text + rule" if with_rule else "text only"


def readings(train: Sequence[Victim], test: Sequence[Victim]) -> dict[str, list[str]]:
    """Every reading of the test rows, each model (and threshold) fitted on the train rows."""
    got = {"rules": [r.rule for r in test]}
    chosen = choose_thresholds(train)
    for with_rule in (False, True):
        pred, conf = Model(with_rule).fit(train).proba(test)
        got[f"model, {_name(with_rule)}"] = pred
        for mode in MODES:
            t = chosen[with_rule, mode]
            got[f"hybrid {mode}, {_name(with_rule)} (t {t})"] = _hybrid(test, pred, conf, t, mode)
    return got


def _table(title: str, rows: Sequence[Victim], got: dict[str, list[str]]) -> list[str]:
    lines = [f"\n## {title}", "| reading | stated | all victims |", "|---|---:|---:|"]
    for name, values in got.items():
        s, n_s, a, n_a = scores(rows, values)
        lines.append(f"| {name} | {s / n_s:.3f} ({s}/{n_s}) | {a / n_a:.3f} ({a}/{n_a}) |")
    return lines


def _base(name: str) -> str:
    return name.split(" (t ")[0]


def cross_validate(rows: list[Victim], folds: int = 5) -> list[str]:
    pooled: dict[str, list[str]] = {}
    order: list[int] = []
    per_fold: dict[str, list[str]] = {}
    for train, test in GroupKFold(n_splits=folds).split(rows, groups=_groups(rows)):
        got = readings([rows[i] for i in train], [rows[i] for i in test])
        for name, values in got.items():
            pooled.setdefault(_base(name), []).extend(values)
            if name != _base(name):
                per_fold.setdefault(_base(name), []).append(name.split(" (t ")[1].rstrip(")"))
        order.extend(test)
    ordered = [rows[i] for i in order]
    lines = _table(f"GroupKFold by text, {folds} folds, all dev splits pooled", ordered, pooled)
    lines += [f"thresholds per fold, {n}: {', '.join(ts)}" for n, ts in per_fold.items()]
    for split in DEV:  # the same out-of-fold readings, per split
        idx = [k for k, r in enumerate(ordered) if r.split == split]
        sub = {n: [v[k] for k in idx] for n, v in pooled.items()}
        lines += _table(f"CV, {split}", [ordered[k] for k in idx], sub)
    return lines


def leave_splits_out(rows: list[Victim]) -> list[str]:
    train = [r for r in rows if r.split not in LSO_TEST]
    test = [r for r in rows if r.split in LSO_TEST]
    got = readings(train, test)
    lines = _table(
        f"train {', '.join(s for s in DEV if s not in LSO_TEST)}; test {'+'.join(LSO_TEST)}",
        test,
        got,
    )
    for split in LSO_TEST:
        idx = [k for k, r in enumerate(test) if r.split == split]
        lines += _table(
            f"test {split}",
            [test[k] for k in idx],
            {n: [v[k] for k in idx] for n, v in got.items()},
        )
    return lines


def sweep(rows: list[Victim], folds: int = 5) -> list[str]:
    """Hindsight: each hybrid at every threshold, on out-of-fold dev readings (5 grouped folds)
    and on dev7-9 with models trained on dev..dev6. An upper bound on what any threshold
    could give, not a result: the thresholds above are chosen without the test rows."""
    train = [r for r in rows if r.split not in LSO_TEST]
    test = [r for r in rows if r.split in LSO_TEST]
    lines = []
    for with_rule in (False, True):
        views = {
            "dev CV": (rows, *_out_of_fold(rows, with_rule, folds)),
            "dev7-9": (test, *Model(with_rule).fit(train).proba(test)),
        }
        for view, (victims_, pred, conf) in views.items():
            got = {
                f"{mode} t {t}": _hybrid(victims_, pred, conf, t, mode)
                for mode in MODES
                for t in THRESHOLDS
            }
            lines += _table(f"hindsight sweep, {_name(with_rule)}, {view}", victims_, got)
    return lines


def held_back(dev: list[Victim], held: list[Victim], chosen: str) -> list[str]:
    """One measurement on the held-back splits: totals only."""
    got = readings(dev, held)
    keep = {n: v for n, v in got.items() if _base(n) in ("rules", chosen)}
    return _table(f"held back ({'+'.join(HELD_BACK)}), trained on every dev split", held, keep)


def timing(rows: list[Victim], labels: list[dict[str, Any]], corpus: dict[str, str]) -> str:
    """Seconds per 1,000 victims: context building (finder + blocks) and model prediction."""
    sample = labels[:1000]
    started = time.perf_counter()
    built = victims(sample, corpus)
    with_rules = time.perf_counter() - started
    model = Model(with_rule=True).fit(rows)
    started = time.perf_counter()
    model.proba(built)
    predict = time.perf_counter() - started
    k = 1000 / len(sample)
    return (
        f"\nper 1,000 victims: rules + context {with_rules * k:.2f} s, model prediction "
        f"{predict * k:.3f} s (fit on {len(rows)} victims)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=TEXTS, help=f"corpus (default {TEXTS})")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--view", choices=("cv", "lso", "sweep", "heldback"), default="cv")
    parser.add_argument(
        "--chosen",
        default="hybrid fill, text only",
        help="for --view heldback: the reading chosen on dev CV, measured beside the rules",
    )
    args = parser.parse_args(argv)
    if not args.texts.exists():
        print(
            f"compensation model: the corpus {args.texts} is not here; give its path with --texts PATH"
        )
        return 2
    corpus = read_texts(args.texts)
    labels = read_labels(args.labels)
    dev_labels = [x for x in labels if x["split"] in DEV]
    dev = victims(dev_labels, corpus)
    print(f"dev: {len(dev)} victims / {len({r.text_id for r in dev})} texts")
    if args.view == "cv":
        lines = cross_validate(dev)
        lines.append(timing(dev, dev_labels, corpus))
    elif args.view == "lso":
        lines = leave_splits_out(dev)
    elif args.view == "sweep":
        lines = sweep(dev)
    else:
        held = victims([x for x in labels if x["split"] in HELD_BACK], corpus)
        lines = held_back(dev, held, args.chosen)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
