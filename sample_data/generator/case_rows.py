"""The cases.csv rows: one per party, structured victim fields only where the system has them."""

from __future__ import annotations

import numpy as np

from sample_data.generator import noise
from sample_data.generator.cases import Case
from sample_data.generator.latent import VictimFacts
from sample_data.generator.places import format_address
from sample_data.generator.population import Population, draw_phones
from sample_data.generator.table import Table

ID_NOISE = noise.IdNoise(
    missing=0.0,
    mistype=0.01,
    swap=0.01,
    fullwidth=0.01,
    quote=0.01,
    spaces=0.015,
    excel_e17=0.01,
    excel_000=0.015,
    head_copy=0.002,
    legacy15=0.05,
    lower_x=0.3,
)
NAME_NOISE = noise.NameNoise(
    homophone=0.02, lookalike=0.005, space=0.01, fullwidth_space=0.005, traditional=0.005
)
ID_MISSING = {
    "被害人": 0.2,
    "犯罪嫌疑人": 0.05,
    "被告人": 0.05,
    "附带民事诉讼原告人": 0.15,
    "证人": 0.3,
}
PHONE_CHANGED, PHONE_MISSING = 0.15, 0.12
_COMPENSATION_TEXT = {
    "full": "已全额赔偿",
    "partial": "部分赔偿",
    "none": "未赔偿",
    "unable": "未赔偿",
    "unknown": "",
}


def _victim_fields(f: VictimFacts) -> tuple[str, str, str, str]:
    if not f.structured:
        return "", "", "", ""
    injury = f.injury
    loss = str(f.loss) if f.loss else ""
    comp = _COMPENSATION_TEXT[f.compensation]
    if f.settlement == "paid" and f.compensation == "partial":
        comp = "部分赔偿"
    forgiven = (
        "" if f.forgiven is None else ("是" if f.forgiven or f.settlement == "paid" else "否")
    )
    values = dict(
        zip(
            ("injury", "loss", "compensation", "forgiveness"),
            (injury, loss, comp, forgiven),
            strict=True,
        )
    )
    return tuple("" if k in f.blank else v for k, v in values.items())  # type: ignore[return-value]


def _stage(case: Case) -> str:
    return "已判决" if case.concluded is not None else "审查起诉"


def case_table(rng: np.random.Generator, pop: Population, cases: list[Case]) -> Table:
    """All parties of all cases with entry noise."""
    rows: list[dict[str, str]] = []
    pids: list[int] = []
    for case in cases:
        parties: list[tuple[int, str, VictimFacts | None]] = []
        suspect_role = "被告人" if case.concluded is not None else "犯罪嫌疑人"
        parties += [(p, suspect_role, None) for p in case.suspects]
        for f in case.victims:
            parties.append((f.pid, "被害人", f))
            if f.also_suspect:
                parties.append((f.pid, suspect_role, None))
        parties += [(p, "附带民事诉讼原告人", None) for p in case.plaintiffs]
        parties += [(p, "证人", None) for p in case.witnesses]
        for pid, role, facts in parties:
            injury, loss, comp, forgiven = _victim_fields(facts) if facts else ("", "", "", "")
            plea = (
                str(rng.choice(["是", "否"], p=[0.7, 0.3]))
                if role in ("被告人", "犯罪嫌疑人")
                else ""
            )
            village, hamlet = pop.address_place(pid)
            rows.append(
                {
                    "部门受案号": case.case_id,
                    "案件名称": case.name,
                    "案由": case.charge,
                    "案件类别": "刑事",
                    "当前阶段": _stage(case),
                    "姓名": pop.names[pid],
                    "诉讼地位": role,
                    "性别": "男" if pop.is_male[pid] else "女",
                    "出生日期": "",
                    "证件类型": "居民身份证",
                    "证件号码": "",
                    "联系电话": "",
                    "民族": str(pop.ethnicity[pid]),
                    "住址": format_address(rng, pop.geo, village, hamlet),
                    "伤情": injury,
                    "经济损失(元)": loss,
                    "赔偿情况": comp,
                    "是否谅解": forgiven,
                    "认罪认罚": plea,
                    "案情摘要": case.summary,
                    "受理日期": str(case.accepted),
                    "审结日期": "" if case.concluded is None else str(case.concluded),
                    "承办检察官": case.prosecutor,
                    "办案单位": pop.geo.county_names[case.county] + "人民检察院",
                }
            )
            pids.append(pid)
    pid_arr = np.array(pids, dtype=np.int64)
    _fill_people(rng, pop, rows, pid_arr)
    columns = {key: [row[key] for row in rows] for key in rows[0]} if rows else {}
    return Table("cases", "cases.csv", columns, pid_arr)


def _fill_people(
    rng: np.random.Generator, pop: Population, rows: list[dict[str, str]], pids: np.ndarray
) -> None:
    names, _ = noise.perturb_names(rng, [r["姓名"] for r in rows], NAME_NOISE)
    true_ids = pop.id_numbers.gather(pids).to_list()
    heads = pop.id_numbers.gather(pop.households["start"][pop.hid[pids]]).to_list()
    born_early = pop.birth[pids] < np.datetime64("1980-01-01")
    ids, _ = noise.perturb_ids(rng, true_ids, born_early, heads, ID_NOISE)
    changed = draw_phones(rng, len(rows))
    for i, row in enumerate(rows):
        row["姓名"] = names[i]
        row["证件号码"] = "" if rng.random() < ID_MISSING[row["诉讼地位"]] else ids[i]
        roll = rng.random()
        phone = int(pop.phone[pids[i]])
        row["联系电话"] = (
            ""
            if roll < PHONE_MISSING
            else (
                str(changed[i])
                if roll < PHONE_MISSING + PHONE_CHANGED
                else noise.format_phone(rng, phone)
                if roll < PHONE_MISSING + PHONE_CHANGED + 0.03
                else str(phone)
            )
        )
        if rng.random() < 0.85:
            row["出生日期"] = noise.format_date(rng, pop.birth[pids[i]], (0.4, 0.2, 0.25, 0.15))
    _mistype_birth_dates(rng.spawn(1)[0], pop, rows, pids, ids, true_ids)
    typed = [row["姓名"] for row in rows]
    noise.tag_name_typos(rng, pop, typed, [row["证件号码"] for row in rows], pids)
    for row, name in zip(rows, typed, strict=True):
        row["姓名"] = name


def _mistype_birth_dates(
    rng: np.random.Generator,
    pop: Population,
    rows: list[dict[str, str]],
    pids: np.ndarray,
    ids: list[str],
    true_ids: list[str],
) -> None:
    """A 出生日期 typed wrong beside the row's own, correct ID (`case_birth_typo`), tagged
    `birth_typo`: month and day swapped, another day of the year, or another year.

    `rng` is a stream of its own (spawned), so the rest of the county is the same with and
    without these rows."""
    for i, row in enumerate(rows):
        if not row["出生日期"] or row["证件号码"] != ids[i] or ids[i] != true_ids[i]:
            continue
        if rng.random() >= pop.profile.case_birth_typo:
            continue
        y, m, d = (int(x) for x in str(pop.birth[pids[i]]).split("-"))
        kind = int(rng.integers(0, 3))
        if kind == 0 and d <= 12 and d != m:
            m, d = d, m
        elif kind in (0, 1):
            m, d = int(rng.integers(1, 13)), int(rng.integers(1, 29))
        else:
            y = y + int(rng.choice([-1, 1])) * int(rng.integers(1, 16))
            m, d = int(rng.integers(1, 13)), int(rng.integers(1, 29))
        typed = np.datetime64(f"{y:04d}-{m:02d}-{d:02d}")
        if typed != pop.birth[pids[i]]:
            row["出生日期"] = noise.format_date(rng, typed, (0.4, 0.2, 0.25, 0.15))
            pop.tag(int(pids[i]), "birth_typo")
