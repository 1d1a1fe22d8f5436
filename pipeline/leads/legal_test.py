"""The three elements of the legal test, each met (✓), unclear (?) or missing (✗).

国家司法救助 needs all three together (domain.md; 《人民检察院国家司法救助工作细则》):

1. 伤害 — harm from the case: death; 重伤; a major property loss from a property crime; a
   minor victim of a sexual offence; 轻伤 only with a vulnerability beyond household poverty
   (a minor, an elderly or a disabled / seriously ill person). 轻伤 without one is unclear.
   An injury victim's 经济损失 is not a property loss: it is hardship evidence (element 3).
2. 赔偿 — no effective compensation: stated none, unable, partial, the offender unknown or
   fled, an agreement left unpaid. Silence is unclear (赔偿情况不明，需核实).
3. 困难 — hardship caused by the case: monitoring risk identified after the incident, the
   case text or a petition about this case, household income below the line after a death or
   重伤, medical costs in a household in hardship. Poverty with no tie to the case is unclear.

Each element carries a strength (orders leads within a tier) and the evidence a reviewer
reads, with the sentence of the case summary it came from where there is one.

The elements are polars expressions over a lead frame prepared by lead_facts.py:
the lead's own columns, their flags filled (`death` is false when missing), and the derived
columns named in `Facts` (age, quotes of the case summary, amounts as written in reasons).
Each element gives four columns: `<element>_key`, `_status`, `_strength`, `_evidence`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from pipeline.config import ScoringSettings, Vocabulary

MET, UNCLEAR, MISSING = "✓", "?", "✗"
ELEMENTS = {"harm": "伤害", "compensation": "赔偿", "hardship": "困难"}


class Facts:
    """Derived columns of a prepared lead frame that the elements and the points read."""

    age = "_age"  # whole years at the case date (today without one)
    minor = "_minor"  # age under 18 (false when unknown)
    elderly = "_elderly"  # age at least elderly_age
    charge = "_charge"  # charge, '' when missing
    loss = "_loss_yuan"  # loss as reasons write it (12,345), null when missing
    income = "_income_yuan"  # income_per_capita likewise
    line = "_line"  # the monitoring line of the lead's province and case year
    line_yuan = "_line_yuan"  # the line as written
    income_below_line = "_income_below_line"
    quote_injury = "_quote_伤情"  # where a fact was read (lead_facts.py `_quoted`), '' when nowhere
    quote_loss = "_quote_经济损失"
    quote_compensation = "_quote_赔偿情况"
    quote_hardship = "_quote_家庭困难"
    risk_after_incident = "_risk_after_incident"

    QUOTED: ClassVar[dict[str, str]] = {
        "伤情": quote_injury,
        "经济损失": quote_loss,
        "赔偿情况": quote_compensation,
        "家庭困难": quote_hardship,
    }


@dataclass(frozen=True)
class _Finding:
    """One outcome of an element: when it holds, what it is called, how strong, and why."""

    when: pl.Expr
    key: str
    status: str
    strength: float
    evidence: pl.Expr | str


def _text(*parts: pl.Expr | str) -> pl.Expr:
    return pl.concat_str([p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts])


def _with_quote(text: pl.Expr | str, where: str) -> pl.Expr:
    """`text（where）`, or the text alone when the quote column is ''."""
    said = pl.col(where)
    return pl.when(said != "").then(_text(text, "（", said, "）")).otherwise(_text(text))


_VALUES = ("key", "status", "strength", "evidence")


def _element(
    name: str, findings: list[_Finding], otherwise: _Finding, values: tuple[str, ...] = _VALUES
) -> list[pl.Expr]:
    """The element's `values` (key, status, strength, evidence): the first finding that holds."""

    def chain(value: str) -> pl.Expr:
        expr = _value(otherwise, value)
        for f in reversed(findings):
            expr = pl.when(f.when).then(_value(f, value)).otherwise(expr)
        return expr.alias(f"{name}_{value}")

    return [chain(value) for value in values]


def _value(finding: _Finding, value: str) -> pl.Expr:
    if value == "strength":
        return pl.lit(float(finding.strength), dtype=pl.Float64)
    if value == "evidence":
        return _text(finding.evidence)
    return pl.lit(getattr(finding, value), dtype=pl.Utf8)


def _contains_any(column: pl.Expr, words: tuple[str, ...] | list[str]) -> pl.Expr:
    found = pl.lit(False)
    for word in words:
        found = found | column.str.contains(word, literal=True)
    return found


def vulnerabilities(s: ScoringSettings) -> pl.Expr:
    """The victim's vulnerabilities beyond household poverty (what lets 轻伤 qualify), joined
    by 、; '' when none."""
    health = pl.col("health").fill_null("")
    return pl.concat_str(
        [
            pl.when(pl.col(Facts.minor)).then(pl.lit("未成年人")),
            pl.when(pl.col(Facts.elderly)).then(_text(pl.col(Facts.age).cast(pl.Utf8), "岁老年人")),
            pl.when(_contains_any(health, s.disabled_health_words)).then(
                pl.lit("本人残疾或患大病")
            ),
        ],
        separator="、",
        ignore_nulls=True,
    )


def harm_element(s: ScoringSettings, values: tuple[str, ...] = _VALUES) -> list[pl.Expr]:
    return _element(
        "harm",
        _harm_findings(s),
        _Finding(pl.lit(True), "no_harm", MISSING, 0, "未见人身伤亡或重大财产损失的记载"),
        values,
    )


def _harm_findings(s: ScoringSettings) -> list[_Finding]:
    injury, loss, charge = pl.col("injury"), pl.col("loss"), pl.col(Facts.charge)
    said = Facts.quote_injury
    property_crime = _contains_any(charge, s.property_crimes)
    vulnerable = vulnerabilities(s)
    minor_injury = injury == "轻伤"
    return [
        _Finding(
            pl.col("death") | (injury == "死亡"),
            "death",
            MET,
            4,
            _with_quote("被害人死亡", said),
        ),
        _Finding(injury == "重伤", "serious_injury", MET, 3, _with_quote("被害人重伤", said)),
        _Finding(
            property_crime & loss.is_not_null() & (loss >= s.major_loss_yuan),
            "major_loss",
            MET,
            2.5,
            _with_quote(
                _text("财产犯罪造成重大财产损失", pl.col(Facts.loss), "元"), Facts.quote_loss
            ),
        ),
        _Finding(
            pl.col(Facts.minor) & _contains_any(charge, s.sexual_crimes),
            "sexual_minor",
            MET,
            2.5,
            _text("未成年被害人遭受性侵害（", charge, "）"),
        ),
        _Finding(
            minor_injury & (vulnerable != ""),
            "minor_injury_vulnerable",
            MET,
            2,
            _with_quote(_text("被害人轻伤，且为", vulnerable), said),
        ),
        _Finding(
            minor_injury,
            "minor_injury",
            UNCLEAR,
            1,
            _with_quote("被害人轻伤，未见未成年、老年、残疾等特殊情形，需核实", said),
        ),
        _Finding(injury == "轻微伤", "slight_injury", MISSING, 0, _with_quote("仅轻微伤", said)),
        _Finding(
            property_crime & loss.is_not_null(),
            "minor_loss",
            MISSING,
            0,
            _text("财产损失", pl.col(Facts.loss), "元，未达重大损失"),
        ),
    ]


def compensation_element(values: tuple[str, ...] = _VALUES) -> list[pl.Expr]:
    status = pl.col("compensation")
    said = Facts.quote_compensation
    return _element(
        "compensation",
        [
            _Finding(
                pl.col("offender_unknown"),
                "offender_unknown",
                MET,
                3,
                "加害人不明或肇事逃逸，无法获得赔偿",
            ),
            _Finding(status == "unable", "unable", MET, 3, _with_quote("加害人无赔偿能力", said)),
            _Finding(status == "none", "none", MET, 3, _with_quote("未获赔偿", said)),
            _Finding(status == "partial", "partial", MET, 2, _with_quote("仅获部分赔偿", said)),
            _Finding(
                pl.col("pet_non_payment"), "petition_non_payment", MET, 2, "信访反映赔偿未到位"
            ),
        ],
        _Finding(pl.lit(True), "unknown", UNCLEAR, 1, "赔偿情况不明，需核实"),
        values,
    )


def risk_after_incident(s: ScoringSettings) -> pl.Expr:
    """Monitoring risk of a case-like type (因意外事故/因病/因残) identified near the case."""
    risk_date, accepted = pl.col("risk_identified"), pl.col("case_accepted")
    before, after = s.risk_after_window_days
    near = (accepted - pl.duration(days=before) <= risk_date) & (
        risk_date <= accepted + pl.duration(days=after)
    )
    return (pl.col("risk_type").is_in(list(s.risk_after_types)) & near).fill_null(False)


def _household_hardship(v: Vocabulary) -> pl.Expr:
    """Hardship of the victim's household not tied to the case, or ''."""
    monitor = pl.col("monitor_type")
    cleared = (
        pl.when(pl.col("risk_cleared").fill_null("") != "否")
        .then(pl.lit("风险已消除"))
        .otherwise(pl.lit("风险未消除"))
    )
    return (
        pl.when(monitor.is_not_null())
        .then(_text("家庭为防返贫监测对象（", monitor, "，", cleared, "）"))
        .when((pl.col("household_type") == v.former_poor_household_type).fill_null(False))
        .then(pl.lit("家庭为脱贫户"))
        .when(pl.col("any_no_labour"))
        .then(pl.lit("家庭成员丧失劳动能力"))
        .when(pl.col("pet_other_hardship"))
        .then(pl.lit("信访反映家庭困难（未指明本案）"))
        .otherwise(pl.lit(""))
    )


def hardship_element(v: Vocabulary, values: tuple[str, ...] = _VALUES) -> list[pl.Expr]:
    return _element(
        "hardship",
        _hardship_findings(v),
        _Finding(pl.lit(True), "none", MISSING, 0, "未见家庭困难的记载"),
        values,
    )


def _household_statement(v: Vocabulary) -> tuple[pl.Expr, pl.Expr]:
    """(the household is in hardship, what says so): the monitoring export's status, else an
    income below the monitoring line."""
    below = pl.col(Facts.income_below_line)
    known = _household_hardship(v)
    household = (
        pl.when(below & (known == ""))
        .then(
            _text(
                "家庭人均纯收入",
                pl.col(Facts.income),
                "元，低于监测线",
                pl.col(Facts.line_yuan),
                "元",
            )
        )
        .otherwise(known)
    )
    return (known != "") | below, household  # in hardship: household != '', without writing it


def _hardship_findings(v: Vocabulary) -> list[_Finding]:
    injury, below = pl.col("injury"), pl.col(Facts.income_below_line)
    income, line = pl.col(Facts.income), pl.col(Facts.line_yuan)
    severe = pl.col("death") | injury.is_in(["死亡", "重伤"]).fill_null(False)
    in_hardship, household = _household_statement(v)
    medical = injury.is_in(["重伤", "轻伤"]).fill_null(False) & pl.col("loss").is_not_null()
    loss = pl.col(Facts.loss)
    return [
        _Finding(
            pl.col(Facts.risk_after_incident),
            "risk_after_incident",
            MET,
            3,
            _text("案发后因", pl.col("risk_type").str.strip_prefix("因"), "被识别为监测对象"),
        ),
        _Finding(
            pl.col("case_hardship"),
            "case_text_hardship",
            MET,
            3,
            _with_quote("案情记载因案致困", Facts.quote_hardship),
        ),
        _Finding(pl.col("pet_hardship"), "pet_hardship", MET, 3, "就本案信访反映生活困难"),
        _Finding(
            pl.col("pet_relief_request"), "pet_relief_request", MET, 3, "就本案信访申请司法救助"
        ),
        _Finding(pl.col("pet_medical"), "pet_medical", MET, 3, "就本案信访反映医疗费用负担"),
        _Finding(
            below & severe,
            "income_below_line",
            MET,
            2.5,
            _text("死亡/重伤被害人家庭人均纯收入", income, "元，低于监测线", line, "元"),
        ),
        _Finding(
            in_hardship & medical,
            "medical_burden",
            MET,
            2.5,
            _text(household, "，且负担医疗等费用", loss, "元（人身损害的经济损失）"),
        ),
        _Finding(
            in_hardship,
            "household_poverty",
            UNCLEAR,
            1,
            _text(household, "，与本案的关联需核实"),
        ),
        _Finding(
            medical,
            "medical_costs",
            UNCLEAR,
            1,
            _text("人身损害经济损失", loss, "元（医疗费等），家庭困难情况需核实"),
        ),
    ]


def legal_test_columns(
    s: ScoringSettings, v: Vocabulary, values: tuple[str, ...] = _VALUES
) -> list[pl.Expr]:
    """Every element's key, status, strength and evidence (see the module's docstring), or
    only some of them: statuses alone read no text (`Facts.QUOTED`, amounts)."""
    return [*harm_element(s, values), *compensation_element(values), *hardship_element(v, values)]


def tier(s: ScoringSettings) -> pl.Expr:
    """高: every element met; 中: none missing and at most `medium_max_unclear` unclear; 低."""
    high, medium, low = s.tiers
    statuses = [pl.col(f"{name}_status") for name in ELEMENTS]
    unclear = pl.sum_horizontal([(x == UNCLEAR).cast(pl.Int32) for x in statuses])
    all_met = pl.all_horizontal([x == MET for x in statuses])
    none_missing = pl.all_horizontal([x != MISSING for x in statuses])
    return (
        pl.when(all_met)
        .then(pl.lit(high))
        .when(none_missing & (unclear <= s.medium_max_unclear))
        .then(pl.lit(medium))
        .otherwise(pl.lit(low))
        .alias("tier")
    )


def legal_test_text() -> pl.Expr:
    """One line per element: `伤害 ✓ 被害人死亡（“…”）`."""
    return pl.concat_str(
        [
            pl.concat_str(
                [pl.lit(label), pl.col(f"{n}_status"), pl.col(f"{n}_evidence")], separator=" "
            )
            for n, label in ELEMENTS.items()
        ],
        separator="\n",
    ).alias("legal_test")
