"""信访事项: what petitioners write, about a case or about something else entirely."""

from __future__ import annotations

import numpy as np

from sample_data.generator.cases import Case
from sample_data.generator.latent import SEXUAL, VictimFacts
from sample_data.generator.population import (
    DAUGHTER,
    DIL,
    GRANDDAUGHTER,
    GRANDSON,
    HEAD,
    SON,
    SPOUSE,
    Population,
)


def _pick(rng: np.random.Generator, options) -> str:
    return str(options[int(rng.integers(0, len(options)))])


def kin_word(pop: Population, petitioner: int, victim: int) -> str:
    """What the petitioner calls the victim (我儿子, 我妻子 …)."""
    pr, vr, male = (
        int(pop.relation[petitioner]),
        int(pop.relation[victim]),
        bool(pop.is_male[victim]),
    )
    if (vr in (SON, DAUGHTER) and pr in (HEAD, SPOUSE)) or (
        vr in (GRANDSON, GRANDDAUGHTER) and pr in (SON, DIL)
    ):
        return "儿子" if male else "女儿"
    if vr in (GRANDSON, GRANDDAUGHTER) and pr in (HEAD, SPOUSE):
        return "孙子" if male else "孙女"
    if {pr, vr} in ({HEAD, SPOUSE}, {SON, DIL}):
        return "丈夫" if male else "妻子"
    if vr in (HEAD, SPOUSE) and pr in (SON, DAUGHTER):
        return "父亲" if male else "母亲"
    return "家人"


def _event(rng, case: Case, f: VictimFacts, pop: Population) -> str:
    suspect = pop.names[case.suspects[0]] if case.suspects else "肇事者"
    traffic = case.charge == "交通肇事罪"
    if f.harm == "death":
        return (
            _pick(rng, ("在交通事故中不幸身亡", "遭遇车祸身亡"))
            if traffic
            else _pick(rng, (f"被{suspect}杀害", "被人殴打致死"))
        )
    if f.harm == "serious":
        return (
            _pick(rng, ("遭遇车祸受重伤", "被车撞成重伤"))
            if traffic
            else _pick(rng, (f"被{suspect}打成重伤", "被人打伤，经鉴定为重伤"))
        )
    if case.charge in SEXUAL:
        return "受到不法侵害"
    if f.harm == "minor_injury":
        return (
            _pick(rng, ("被车撞伤", "出车祸受伤"))
            if traffic
            else _pick(rng, (f"被{suspect}打伤", "被人打伤"))
        )
    if f.harm == "property":
        return _pick(rng, (f"被骗{f.loss}元", f"被{suspect}骗走积蓄{f.loss}元", "家中财物被盗"))
    return "与他人发生纠纷"


def _payment(rng, case: Case, f: VictimFacts) -> str:
    if case.offender_unknown:
        return _pick(rng, ("肇事者至今未抓到", "肇事司机逃逸至今未找到"))
    if not f.uncompensated:
        return _pick(rng, ("对方已经赔偿", "对方赔了一部分钱并达成和解"))
    if f.compensation == "partial":
        return _pick(rng, ("对方仅赔偿了一小部分", "赔偿款大部分未到位"))
    return _pick(
        rng,
        (
            "对方至今未赔偿",
            "被告人至今未赔偿一分钱",
            "法院判决的赔偿款执行不到位",
            "对方无力赔偿",
            "至今未获赔偿",
        ),
    )


_HARDSHIP = (
    "家庭生活困难",
    "无力承担医疗费",
    "家中失去主要劳动力，生活陷入困境",
    "孩子上学无人供养",
    "已欠下医疗费数万元",
    "生活无着落",
)
_HARDSHIP_REQUESTS = (
    "申请司法救助",
    "请求给予国家司法救助",
    "请求检察机关帮助解决困难",
    "请求给予救助",
)
_OTHER_REQUESTS = (
    "要求依法严惩凶手",
    "询问案件办理进度",
    "对判决结果不服，请求抗诉",
    "要求尽快执行赔偿款",
)


def case_petition_text(
    rng: np.random.Generator,
    pop: Population,
    case: Case,
    f: VictimFacts,
    petitioner: int,
    hardship: bool,
) -> str:
    """A petition about the victim's case by the victim or a relative."""
    y, m = str(case.incident)[:4], int(str(case.incident)[5:7])
    if petitioner == f.pid:
        subject = _pick(rng, ("本人", "我", "信访人"))
    else:
        subject = f"我{kin_word(pop, petitioner, f.pid)}{pop.names[f.pid]}"
    parts = [f"{subject}于{y}年{m}月{_event(rng, case, f, pop)}", _payment(rng, case, f)]
    if hardship:
        parts.append(_pick(rng, _HARDSHIP))
        parts.append(_pick(rng, _HARDSHIP_REQUESTS))
    else:
        parts.append(_pick(rng, _OTHER_REQUESTS))
    return "，".join(parts) + "。"


_TOPICS = (
    "反映{village}村委会未按规定发放土地征收补偿款{money}元",
    "反映与邻居{other}的土地承包经营权纠纷，请求依法处理",
    "反映在某建筑工地务工被拖欠工资{money}元，多次讨要无果",
    "反映与邻居因宅基地界线发生纠纷，请求依法处理",
    "反映邻居{other}修建房屋堵塞通行道路",
    "反映申请农村低保未获批准",
    "反映养老保险待遇未落实",
    "反映民事判决执行不到位，借款{money}元至今未归还",
    "反映村干部在危房改造中优亲厚友",
)
_OTHER_HARDSHIP = (
    "，本人家庭生活困难",
    "，家中有病人，生活困难，请求帮助",
    "，家庭困难，无力承担医疗费",
)


def other_petition_text(rng: np.random.Generator, village: str, other: str, hardship: bool) -> str:
    """A petition about land, wages, neighbours or welfare: not about a criminal case."""
    money = int(rng.integers(20, 600)) * 100
    text = _pick(rng, _TOPICS).format(village=village, other=other, money=money)
    return text + (_pick(rng, _OTHER_HARDSHIP) if hardship else "") + "。"
