"""Character tables for name entry errors: homophones, look-alikes, traditional forms."""

from __future__ import annotations

HOMOPHONE_GROUPS = (
    "明铭鸣",
    "丽莉俐利",
    "华桦骅",
    "军君钧均",
    "伟玮炜",
    "芳方",
    "静晶婧",
    "娟涓鹃",
    "红宏鸿",
    "英瑛莹",
    "刚钢",
    "建健",
    "平萍",
    "霞侠",
    "兰岚",
    "玲琳翎",
    "杰洁",
    "峰锋",
    "勇永",
    "涛韬",
    "斌彬",
    "燕艳雁",
    "梅玫",
    "琴勤",
    "敏闵",
    "慧惠",
    "婷亭",
    "云芸",
    "志智",
    "国帼",
    "成诚",
    "文雯",
    "海亥",
    "荣蓉",
    "秀绣",
    "凤奉",
    "春椿",
    "林霖",
    "宇雨羽",
    "欣馨新",
    "飞菲",
)
LOOKALIKE_GROUPS = (
    "己已巳",
    "王玉",
    "末未",
    "土士",
    "日曰",
    "人入",
    "戊戌",
    "刘浏",
    "汩汨",
    "大太",
    "冶治",
    "侯候",
    "拔拨",
    "徽微",
    "贝见",
    "乌鸟",
    "季李",
)
TRADITIONAL = dict(
    zip(
        "华伟军丽红刚国张刘陈杨黄赵吴孙马罗郑谢许韩冯邓兰凤云东龙飞涛辉鹏荣宝贵兴庆静晓爱发义学"
        "长满双卫胜杰锋钢钧鸣鸿岚艳凯宁银",
        "華偉軍麗紅剛國張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蘭鳳雲東龍飛濤輝鵬榮寶貴興慶靜曉愛發義學"
        "長滿雙衛勝傑鋒鋼鈞鳴鴻嵐艷凱寧銀",
        strict=True,
    )
)


def _alternatives(groups: tuple[str, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in groups:
        for ch in group:
            table[ch] = table.get(ch, "") + group.replace(ch, "")
    return table


HOMOPHONES = _alternatives(HOMOPHONE_GROUPS)
LOOKALIKES = _alternatives(LOOKALIKE_GROUPS)
