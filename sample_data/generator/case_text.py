"""案情摘要: the case summary in varied natural sentences, consistent with the latent facts.

For victims whose structured fields are empty, every fact is stated here; otherwise
each fact is repeated with some probability. Negated forms (未赔偿, 不予谅解) are common.

Half the summaries are written as court and prosecution texts are (公诉机关指控…, the
wording case officers copy into 案情摘要): masked names with 甲/乙 (王某甲), one appraisal
sentence per victim after the events (经鉴定，被害人A的损伤程度为轻伤二级，被害人B…), a
case total (致一人轻伤、一人轻微伤), payments to one named victim or to the relatives
(一次性赔偿被害人A人民币3万元, 赔偿被害人A亲属经济损失42万元), returns (退赔, 赃款已发还被害人A),
performed mediation (经调解达成协议并已履行完毕), a later appraisal replacing an earlier
one (补充鉴定), the defence's claims that are not findings (辩护人提出被害人有过错), and
fleeing an assault, which is not hit-and-run (殴打后逃离现场).
"""

from __future__ import annotations

import numpy as np

from sample_data.generator.cases import Case
from sample_data.generator.latent import SEXUAL, VictimFacts
from sample_data.generator.population import Population

_REASONS = (
    "琐事",
    "土地边界纠纷",
    "宅基地纠纷",
    "债务纠纷",
    "邻里矛盾",
    "酒后口角",
    "务工工资结算",
)
_WEAPONS = ("木棒", "铁锹", "砖块", "水果刀", "拳脚")
_VEHICLES = ("小型轿车", "重型货车", "三轮摩托车", "普通二轮摩托车", "小型普通客车")
_PLATES = {"商洛市": "陕H", "安康市": "陕G", "汉中市": "陕F"}
_SCHEMES = (
    "投资理财高额返利",
    "帮助办理低保",
    "冒充公检法工作人员",
    "介绍子女工作",
    "销售保健品",
    "网络刷单",
)


def masked(name: str, rng: np.random.Generator) -> str:
    """张伟 -> 张某, 张晓燕 -> 张某某; minority names keep the given name."""
    if "·" in name:
        return name.split("·")[0] + "某"
    return name[0] + ("某" if len(name) <= 2 or rng.random() < 0.5 else "某某")


def _pick(rng: np.random.Generator, options) -> str:
    return str(options[int(rng.integers(0, len(options)))])


def _money(rng: np.random.Generator, amount: int) -> str:
    if amount >= 10_000 and amount % 100 == 0 and rng.random() < 0.2:
        return f"{amount / 10_000:g}万元"
    return f"{amount}元"


def _date(when: np.datetime64) -> str:
    y, m, d = (int(x) for x in str(when).split("-"))
    return f"{y}年{m}月{d}日"


def _incident(rng, case: Case, pop: Population, s: str, vs: str) -> str:
    place = pop.geo.village_town[case.village] + pop.geo.village_name[case.village]
    day = _date(case.incident)
    city = pop.geo.county_cities[case.county]
    plate = _PLATES.get(city, "陕A") + f"{int(rng.integers(10000, 99999))}"
    driver = "肇事车辆驾驶人" if case.offender_unknown else s
    return {
        "交通肇事罪": lambda: (
            f"{day}，{driver}驾驶{plate}号{_pick(rng, _VEHICLES)}行驶至{place}路段时，与{vs}相撞"
        ),
        "故意伤害罪": lambda: (
            f"{day}，{s}因{_pick(rng, _REASONS)}与{vs}发生争执，持{_pick(rng, _WEAPONS)}殴打{vs}"
        ),
        "故意杀人罪": lambda: (
            f"{day}，{s}因{_pick(rng, _REASONS)}对{vs}怀恨在心，持刀朝{vs}连捅数刀"
        ),
        "抢劫罪": lambda: f"{day}晚，{s}在{place}持刀拦截{vs}，强行抢走现金及手机",
        "猥亵儿童罪": lambda: f"{day}至案发，{s}多次在{place}对不满十四周岁的{vs}实施猥亵",
        "强奸罪": lambda: f"{day}，{s}在{place}采取暴力手段强行与{vs}发生性关系",
        "诈骗罪": lambda: f"{day}起，{s}以{_pick(rng, _SCHEMES)}为由，骗取{vs}钱财",
        "盗窃罪": lambda: f"{day}，{s}趁{vs}家中无人，入户窃取现金及金饰等物",
        "寻衅滋事罪": lambda: f"{day}，{s}酒后在{place}无故殴打{vs}",
    }[case.charge]()


def _harm(rng, f: VictimFacts, v: str, charge: str) -> str:
    if f.harm == "death":
        return _pick(
            rng,
            (f"致{v}当场死亡", f"{v}经送医抢救无效死亡", f"造成{v}死亡", f"致{v}因颅脑损伤死亡"),
        )
    if charge in SEXUAL and f.injury == "":
        return _pick(rng, (f"给{v}身心造成严重伤害", f"{v}身心健康受到严重损害"))
    if f.injury.startswith("重伤"):
        return _pick(
            rng,
            (
                f"{v}经鉴定为{f.injury}",
                f"经司法鉴定，{v}的损伤程度为{f.injury}",
                f"致{v}{f.injury}",
                f"造成{v}受伤，经鉴定为{f.injury}",
            ),
        )
    if f.injury:
        return _pick(
            rng, (f"{v}经鉴定为{f.injury}", f"经鉴定，{v}的伤情构成{f.injury}", f"致{v}{f.injury}")
        )
    if charge == "交通肇事罪":
        return _pick(rng, ("所幸未造成人员伤亡", f"{v}未受伤", ""))
    if charge in ("抢劫罪", "寻衅滋事罪"):
        return _pick(rng, (f"{v}未受伤", f"{v}未受到明显伤害", ""))
    return ""


def _loss(rng, f: VictimFacts, v: str, charge: str) -> str:
    m = _money(rng, f.loss)
    if charge == "诈骗罪":
        return _pick(
            rng, (f"骗取{v}人民币共计{m}", f"{v}被骗金额共计{m}", f"造成{v}经济损失人民币{m}")
        )
    if charge in ("盗窃罪", "抢劫罪") and f.harm in ("property", "none"):
        return _pick(
            rng,
            (f"{v}被盗抢财物价值共计{m}", f"涉案财物价值人民币{m}，均为{v}所有", f"{v}经济损失{m}"),
        )
    if f.harm in ("property", "none"):
        return _pick(rng, (f"造成{v}经济损失人民币{m}", f"{v}经济损失{m}"))
    if f.harm == "death":
        return _pick(
            rng, (f"造成{v}家属各项经济损失共计{m}", f"{v}家属主张死亡赔偿金等各项损失{m}")
        )
    return _pick(
        rng,
        (f"造成{v}各项经济损失共计{m}", f"{v}花费医疗费等各项损失{m}", f"造成{v}经济损失人民币{m}"),
    )


def _compensation(rng, f: VictimFacts, v: str, s: str, unknown_offender: bool) -> str:
    paid = _money(rng, f.paid)
    if unknown_offender:
        return _pick(rng, ("肇事者至今未查获", f"肇事者至今未查获，{v}未获任何赔偿"))
    if f.settlement == "paid":
        return _pick(
            rng,
            (
                f"{s}已赔偿{v}经济损失并取得谅解",
                "双方达成和解协议，已履行",
                f"双方自愿达成和解协议并已履行完毕，{v}对{s}表示谅解",
            ),
        )
    options = {
        "full": (
            f"{s}已赔偿{v}经济损失{paid}",
            f"{s}已全额赔偿{v}各项损失",
            f"{s}家属已代为赔偿{v}全部损失",
        ),
        "partial": (
            f"{s}仅赔偿{paid}，其余损失至今未赔偿",
            f"{s}赔偿{v}医疗费{paid}，剩余款项未支付",
            f"{s}已部分赔偿{paid}，尚欠大部分损失未赔偿",
        ),
        "none": (
            f"{s}至今未赔偿",
            f"{v}尚未获得任何赔偿",
            f"{s}未赔偿{v}经济损失",
            f"{v}至今未获赔偿",
        ),
        "unable": (
            f"{s}无赔偿能力",
            f"{s}家庭困难，无力赔偿",
            f"{s}名下无可供执行财产，{v}的损失无法得到赔偿",
        ),
        "unknown": ("",),
    }[f.compensation]
    return _pick(rng, options)


def _forgiveness(rng, f: VictimFacts, v: str, s: str) -> str:
    if f.settlement == "paid":
        return ""
    if f.settlement == "unpaid":
        return _pick(
            rng, (f"双方虽达成和解协议，但{s}至今未履行", f"和解协议约定的赔偿款{s}至今分文未付")
        )
    if f.waived:
        return _pick(rng, (f"{v}明确表示放弃民事赔偿请求", f"{v}表示不要求赔偿"))
    if f.forgiven is None:
        return ""
    family = "家属" if f.harm == "death" else ""
    if f.forgiven:
        return _pick(rng, (
            f"{v}{family}对{s}表示谅解",
            f"{v}{family}出具了谅解书",
            f"{v}{family}放弃追究{s}的法律责任",
            f"{v}{family}建议对{s}从轻处罚",
        ))  # fmt: skip
    return _pick(rng, (f"{v}{family}不予谅解", f"未取得{v}{family}谅解", f"{v}{family}拒绝谅解"))


def _hardship(rng, f: VictimFacts, v: str) -> str:
    if f.harm == "death":
        return _pick(
            rng,
            (
                f"{v}系家中主要劳动力，其死亡后家中失去经济来源",
                f"{v}死亡后家中失去主要劳动力，生活困难",
            ),
        )
    if f.age < 18 or f.injury == "":
        return _pick(
            rng,
            (
                f"{v}父母务农，家庭经济困难，无力承担后续治疗费用",
                f"{v}家庭生活困难",
                f"案发后{v}家庭生活陷入困难",
            ),
        )
    options = [f"{v}系家中主要劳动力，案发后家庭生活陷入困难", f"{v}家庭经济困难，无力承担医疗费"]
    if f.injury.startswith("重伤"):
        options += [f"{v}因伤致残，后续治疗费用无力承担", f"{v}家中失去主要劳动力，生活困难"]
    return _pick(rng, options)


def _fact_stater(rng: np.random.Generator, f: VictimFacts):
    """Whether a fact goes into the text: always when the structured field is empty."""

    def stated(fact: str) -> bool:
        return not f.structured or fact in f.blank or rng.random() < 0.6

    return stated


def write_summary(rng: np.random.Generator, case: Case, pop: Population) -> str:
    """The whole 案情摘要 of one case, in the generator's own style or as a court writes."""
    if rng.random() < 0.5:
        return _court_summary(rng, case, pop)
    return _plain_summary(rng, case, pop)


_GRADES = {
    "轻伤一级": "轻伤",
    "轻伤二级": "轻伤",
    "轻微伤": "轻微伤",
    "重伤一级": "重伤",
    "重伤二级": "重伤",
}
_STEM = "甲乙丙丁戊己"


def _court_names(case: Case, pop: Population) -> dict[int, str]:
    """Masked names as judgments write them; namesakes by surname get 甲, 乙 …"""
    names: dict[int, str] = {}
    by_surname: dict[str, list[int]] = {}
    for pid in (*case.suspects, *(f.pid for f in case.victims)):
        by_surname.setdefault(pop.names[pid][0], []).append(pid)
    for surname, pids in by_surname.items():
        for i, pid in enumerate(dict.fromkeys(pids)):
            names[pid] = f"{surname}某{_STEM[i]}" if len(pids) > 1 else f"{surname}某"
    return names


def _court_harm(rng, f: VictimFacts, v: str) -> str:
    """One victim's appraisal, sometimes an earlier grade replaced by a later appraisal."""
    if f.harm == "death":
        return _pick(
            rng,
            (
                f"被害人{v}经抢救无效死亡",
                f"经鉴定，被害人{v}系被他人用钝器打击头部致颅脑损伤死亡",
                f"被害人{v}因伤势过重不治身亡",
            ),
        )
    if not f.injury:
        return ""
    said = f"经鉴定，被害人{v}的损伤程度为{f.injury}"
    if rng.random() < 0.15:
        earlier = (
            "轻伤二级"
            if f.injury.startswith("重伤")
            else "重伤二级"
            if f.injury.startswith("轻伤")
            else "轻伤二级"
        )
        said = (
            f"经鉴定，被害人{v}的损伤程度为{earlier}。后经补充鉴定，被害人{v}的损伤程度为{f.injury}"
        )
    return said


def _court_payment(rng, f: VictimFacts, v: str, s: str, unknown_offender: bool) -> str:
    m, paid = _money(rng, f.loss), _money(rng, f.paid)
    if unknown_offender:
        return "肇事车辆驾驶人至今未查获"
    if f.settlement == "paid":
        return _pick(rng, (
            f"审理期间，经本院主持调解，{s}与被害人{v}就民事赔偿部分达成调解协议并已履行完毕",
            f"案发后，{s}亲属赔偿被害人{v}亲属经济损失{paid}，并取得谅解",
        ))  # fmt: skip
    rest = _money(rng, max(f.loss - f.paid, 1))
    return {
        "full": _pick(rng, (
            f"案发后，{s}一次性赔偿被害人{v}人民币{paid}",
            f"案发后，{s}已退赔被害人{v}全部经济损失",
            f"赃款已追回并发还被害人{v}",
            f"被害人{v}得到经济赔偿后申请撤回了附带民事诉讼",
            f"破案后，{s}退回赃款{paid}，发还被害人{v}",
            f"到案后，{s}的家属对上述被害人{v}进行了退赔",
            f"{s}的家属一次性付给被害人{v}人民币{paid}",
            f"被害人{v}的损失通过和解得到弥补",
            f"{s}的父亲代其清偿了被害人{v}的损失",
            f"截至案发前{s}仍未归还，案发后{s}的家属已将所欠被害人{v}的钱款全部还清",
            f"肇事车辆投保的保险公司已赔偿被害人{v}各项损失{paid}",
            f"{s}的家属筹款{paid}交给被害人{v}的家属作为赔偿",
            f"双方私了，{s}给了被害人{v}{paid}",
            f"被害人{v}的医疗费已由{s}结清",
        )),
        "partial": _pick(rng, (
            f"案发后，{s}退还被害人{v}人民币{paid}，其余{m}至今未退还",
            f"{s}仅赔偿被害人{v}医疗费{paid}，其余损失至今未赔偿",
            f"后经被害人{v}多次催要，{s}退还{paid}，尚余{rest}未退还",
            f"{s}已向被害人{v}支付赔偿款{paid}，还应支付{rest}",
            f"{s}已赔偿被害人{v}部分经济损失",
            f"{s}的家属向医院垫付了被害人{v}的部分医疗费",
            f"{s}仅偿还被害人{v}{paid}，余款至今未还",
            f"{s}退赔了被害人{v}的大部分损失",
            f"双方达成协议，由{s}赔偿被害人{v}{m}，已履行{paid}",
            f"{s}家属代为赔偿被害人{v}人民币{paid}，被害人{v}对其余损失保留诉权",
            f"{s}赔偿的{paid}不足以弥补被害人{v}的全部损失",
        )),
        "none": _pick(rng, (
            f"{s}至今未赔偿被害人{v}的经济损失",
            f"被害人{v}的损失至今未获赔偿",
            f"后被害人{v}多次找{s}退钱未果",
            f"{s}收取被害人{v}的钱款后逃匿，也不退还",
            f"{s}将所得赃款挥霍，未退还被害人{v}",
            f"被害人{v}受伤后，{s}未予赔偿",
            f"{s}与被害人{v}达成和解协议，但{s}未按协议履行",
            f"被害人{v}多次催要，{s}到期后未予偿还",
            f"被害人{v}的损失至今未能挽回",
            f"{s}虽与被害人{v}达成赔偿协议，但未实际履行",
            f"{s}至今未向被害人{v}支付任何费用",
        )),
        "unable": _pick(rng, (
            f"{s}家庭困难，无力赔偿被害人{v}的损失", f"{s}无赔偿能力", f"所欠被害人{v}的钱款已无法归还",
            f"{s}的赃款已被挥霍，无法退赔被害人{v}",
        )),
        "unknown": "",
    }[f.compensation]  # fmt: skip


def _nameless_payment(rng, f: VictimFacts, s: str) -> str:
    """A payment sentence of a numbered incident that names nobody: its incident's victim's
    (现赃款人民币1800元已返还被害人，其余被其挥霍)."""
    paid = _money(rng, f.paid)
    return {
        "full": _pick(rng, ("现赃款已全部返还被害人", f"案发后，{s}已退赔被害人全部经济损失")),
        "partial": _pick(rng, (
            f"现赃款人民币{paid}已返还被害人，其余赃款被其挥霍",
            "案发后，涉案手机已被缴回并发还，所得现金已被挥霍",
        )),
        "none": _pick(rng, ("赃款至今未退还", "被害人的损失至今未获赔偿")),
        "unable": f"{s}无赔偿能力",
        "unknown": "",
    }[f.compensation]  # fmt: skip


def _court_loss(rng, f: VictimFacts, v: str, s: str, charge: str) -> str:
    """The victim's loss as judgments state it: the loss itself, or what the victim claims
    (a list of heads, then the total), what the victim handed over in a fraud, or what the
    repair of the damaged property costs."""
    # two amounts drawn as before these wordings were added: the draws after them stay the same
    m, m2 = _money(rng, f.loss), _money(rng, f.loss)
    plain = (f"被害人{v}经济损失人民币{m}", f"造成被害人{v}经济损失{m2}")
    if charge == "诈骗罪":
        more: tuple[str, ...] = (
            f"被害人{v}按{s}的要求通过银行账户支付人民币{m}",
            f"被害人{v}当场将{m}现金交给{s}",
        )
    elif f.harm in ("property", "none"):
        more = (f"经鉴定，被害人{v}被损坏的车辆维修费为{m}",)
    else:
        more = (
            f"附带民事诉讼原告人{v}要求{s}赔偿医疗费、误工费、护理费、交通费、营养费等经济损失，共计{m}",
        )
    return _pick(rng, plain + more)


def _court_victim(
    rng, case: Case, f: VictimFacts, v: str, s: str, nameless: bool = False
) -> list[str]:
    """The sentences about one victim: harm, loss, payment, forgiveness, fault, hardship.
    `nameless`: the victim's incident is numbered and its payment sentence names nobody."""
    stated = _fact_stater(rng, f)
    out = [_court_harm(rng, f, v) if stated("injury") or f.harm == "death" else ""]
    if stated("loss"):
        out.append(_court_loss(rng, f, v, s, case.charge))
    if stated("compensation"):
        plain = not nameless or f.settlement == "paid" or case.offender_unknown
        pay = _court_payment(rng, f, v, s, case.offender_unknown)
        if (
            f.harm == "death"
            and len(case.victims) > 1
            and f.compensation == "full"
            and f.settlement == "none"
            and rng.random() < 0.5
        ):
            # paid to "the victim's relatives", naming nobody: the dead victim's (real texts
            # where a passenger was hurt beside the one who died)
            pay = f"案发后，{s}赔偿了被害人近亲属人民币{_money(rng, f.paid)}"
        out.append(pay if plain else _nameless_payment(rng, f, s))
    if stated("forgiveness") and f.settlement != "paid":
        out.append(_forgiveness(rng, f, f"被害人{v}", s))
    if f.victim_fault:
        out.append(
            f"经交警部门认定，被害人{v}负事故主要责任"
            if case.charge == "交通肇事罪"
            else f"被害人{v}先动手殴打对方，对案件的发生负有重大过错"
        )
    elif case.charge in ("故意伤害罪", "寻衅滋事罪") and rng.random() < 0.1:
        out.append(f"辩护人提出被害人{v}对本案的发生有过错")
    if "summary" in f.channels:
        out.append(_hardship(rng, f, f"被害人{v}"))
    return [x for x in out if x]


def _court_summary(rng: np.random.Generator, case: Case, pop: Population) -> str:
    """A 案情摘要 copied from a 起诉书 or judgment: events, then one victim at a time."""
    names = _court_names(case, pop)
    s = "、".join(f"被告人{names[p]}" for p in case.suspects) or "肇事车辆驾驶人"
    victims = "、".join(f"被害人{names[f.pid]}" for f in case.victims)
    county = pop.geo.county_names[case.county]
    events = _incident(rng, case, pop, s, victims)
    if case.hit_and_run:
        events += "，肇事后驾车逃逸" if not case.offender_unknown else "，肇事车辆驾驶人驾车逃逸"
    elif case.charge in ("故意伤害罪", "寻衅滋事罪") and rng.random() < 0.3:
        events += "，后逃离现场"
    sentences = [f"{county}人民检察院指控：{events}"]
    first = case.victims[0]
    if first.also_suspect:
        sentences.append(f"双方发生互殴，被害人{names[first.pid]}亦将对方打伤")
    # several victims, half the time told as numbered incidents (1、… 2、…) whose payment
    # sentences name nobody, as real judgments do, where two or more incidents state one
    numbered = len(case.victims) > 1 and rng.random() < 0.5
    nameless = numbered and sum(f.compensation != "unknown" for f in case.victims) > 1
    for i, f in enumerate(case.victims, start=1):
        # the last incident names its victim: stated there alone, it would read as the case's
        alone = nameless and i < len(case.victims)
        told = "，".join(_court_victim(rng, case, f, names[f.pid], s, alone))
        sentences.append(f"{i}、{told}" if numbered and told else told)
    grades = [_GRADES.get(f.injury) for f in case.victims if f.injury in _GRADES]
    if len(case.victims) > 1 and grades:
        sentences.append("公诉机关认为，被告人的行为致" + "、".join(f"一人{g}" for g in grades))
    return "。".join(x for x in sentences if x) + "。"


def _plain_summary(rng: np.random.Generator, case: Case, pop: Population) -> str:
    """The whole 案情摘要 of one case, in the generator's own style."""
    full = rng.random() < 0.5 and case.charge not in SEXUAL
    surnames = [pop.names[f.pid][0] for f in case.victims]
    show = (
        (lambda p: pop.names[p])
        if full or len(set(surnames)) < len(surnames)
        else (lambda p: masked(pop.names[p], rng))
    )
    s = "、".join(show(p) for p in case.suspects) or "肇事者"
    labels = {
        f.pid: ("被害人" if case.charge not in SEXUAL else "") + show(f.pid) for f in case.victims
    }
    parts = [_incident(rng, case, pop, s, "、".join(labels.values()))]
    first = case.victims[0]
    if first.also_suspect:
        parts.append(f"双方发生互殴，{labels[first.pid]}亦将对方打伤")
    for i, f in enumerate(case.victims):
        v = labels[f.pid]
        stated = _fact_stater(rng, f)
        facts = [_harm(rng, f, v, case.charge) if stated("injury") or f.harm == "death" else ""]
        if i == 0 and case.hit_and_run:
            facts.append(
                _pick(rng, (f"{s}肇事后驾车逃逸", f"{s}肇事后弃车逃离现场", "肇事后驾车逃逸"))
                if not case.offender_unknown
                else "肇事后驾车逃逸"
            )
            if not case.offender_unknown:
                caught = case.incident + np.timedelta64(int(rng.integers(2, 40)), "D")
                facts.append(f"后于{_date(caught)}被抓获归案")
        if f.victim_fault:
            facts.append(
                _pick(rng, (f"经交警部门认定，{v}负事故主要责任", f"{v}对案件的发生负有重大过错"))
                if case.charge == "交通肇事罪"
                else f"{v}先动手殴打对方，对案件的发生负有重大过错"
            )
        facts.append(_loss(rng, f, v, case.charge) if stated("loss") else "")
        facts.append(
            _compensation(rng, f, v, s, case.offender_unknown) if stated("compensation") else ""
        )
        facts.append(_forgiveness(rng, f, v, s) if stated("forgiveness") else "")
        if "summary" in f.channels:
            facts.append(_hardship(rng, f, v))
        parts.extend(x for x in facts if x)
    if case.suspects and rng.random() < 0.6:
        parts.append(
            _pick(rng, (f"{s}到案后如实供述，自愿认罪认罚", f"{s}到案后拒不认罪", f"{s}认罪认罚"))
        )
    return "，".join(parts) + "。"


def case_name(rng: np.random.Generator, case: Case, pop: Population) -> str:
    """案件名称 as the case system writes it: first suspect's full name + charge."""
    offence = case.charge.removesuffix("罪")
    if not case.suspects:
        return f"{offence}逃逸案（被害人{pop.names[case.victims[0].pid]}）"
    extra = "等" if len(case.suspects) > 1 else ""
    return f"{pop.names[case.suspects[0]]}{extra}{offence}案"
