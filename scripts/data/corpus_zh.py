"""Chinese sentiment texts for training (method "compose") and evaluation (method "frames").

"compose" joins short clauses of one polarity per domain with degree adverbs; "frames" uses
other clause pools, longer review-style texts, contrast (前半句 opposite, 但是/不过/可是/就是 +
the verdict), rhetorical questions and colloquial endings. Written by the project (see
app/tagging/data/PROVENANCE.md).
"""

from __future__ import annotations

import random

DOMAINS = ("ecommerce", "delivery", "hotel", "airline", "electronics", "telecom")
ITEM = {
    "ecommerce": ["衣服", "鞋子", "包裹", "商品", "东西", "宝贝"],
    "delivery": ["外卖", "饭菜", "奶茶", "披萨", "这家店的菜", "送餐"],
    "hotel": ["房间", "酒店", "前台", "早餐", "床", "卫生间"],
    "airline": ["航班", "行李", "座位", "空姐", "值机", "登机"],
    "electronics": ["手机", "耳机", "电脑", "充电器", "屏幕", "电池"],
    "telecom": ["网络", "信号", "宽带", "话费", "套餐", "客服热线"],
}
DEG = ["", "很", "非常", "特别", "太", "挺", "超级", "真的"]
C_NEG = [
    "{i}{d}差",
    "{i}质量{d}差",
    "{i}{d}慢",
    "{i}坏了",
    "{i}有问题",
    "{i}{d}脏",
    "服务态度{d}差",
    "{i}一点都不好",
    "{i}{d}失望",
    "等了{n}个小时{i}还没到",
    "{i}不值这个价",
    "{i}和描述不符",
    "再也不会买了",
    "{i}{d}糟糕",
    "客服不理人",
    "{i}用了两天就坏了",
]
C_POS = [
    "{i}{d}好",
    "{i}质量{d}好",
    "{i}{d}满意",
    "{i}{d}快",
    "{i}{d}干净",
    "服务{d}周到",
    "{i}{d}不错",
    "{i}性价比{d}高",
    "{i}{d}喜欢",
    "下次还会再来",
    "{i}物超所值",
    "{i}{d}舒服",
    "好评",
    "{i}完全没问题",
]
C_NEU = [
    "{i}什么时候能到",
    "请问{i}可以换吗",
    "想咨询一下{i}的情况",
    "{i}的订单号是{n}2381",
    "麻烦帮我查一下{i}",
    "{i}能开发票吗",
    "我想修改{i}的地址",
    "请问{i}怎么退",
]
# evaluation pools
F_NEG = [
    "{i}真是{d}让人无语，{x}",
    "说实话{i}{b}，{x}",
    "{x}！{i}{b}",
    "{q}",
    "本来挺期待的，结果{i}{b}，{x}",
    "{i}{b}，而且{x}",
]
F_NEG_B = [
    "有股怪味",
    "破了个洞",
    "冷冰冰的",
    "隔音很差",
    "晚点了三个小时",
    "根本充不进电",
    "跟图片差太多",
    "一直掉线",
    "又贵又难用",
    "有头发",
    "简直是垃圾",
]
F_NEG_X = [
    "不推荐",
    "差评",
    "气死我了",
    "坑人",
    "再也不来了",
    "浪费钱",
    "投诉无门",
    "服务员爱答不理的",
    "太坑了",
    "后悔死了",
]
F_NEG_Q = [
    "这样的{i}也好意思卖？",
    "{i}这么差，谁还敢再买？",
    "难道{i}就不能准时一次吗？",
    "这就是你们说的好{i}？",
]
F_POS = [
    "{i}{b}，{x}",
    "总体来说{i}{b}，{x}",
    "{x}，{i}{b}",
    "第二次来了，{i}{b}，{x}",
    "{i}{b}！{x}",
]
F_POS_B = [
    "干净整洁",
    "味道正宗",
    "分量很足",
    "音质清晰",
    "提前到了",
    "续航给力",
    "做工精致",
    "网速很稳",
    "包装很用心",
    "位置方便",
]
F_POS_X = [
    "推荐",
    "五星好评",
    "值得购买",
    "点个赞",
    "很惊喜",
    "会回购的",
    "没得说",
    "棒棒的",
    "下次还来",
    "物美价廉",
]
CONTRAST_NEG = [
    "{i}看着还行，但是{b}，{x}",
    "价格是便宜，不过{i}{b}",
    "位置不错，可是{i}{b}",
    "别的都还好，就是{i}{b}，{x}",
]
CONTRAST_POS = [
    "物流有点慢，但是{i}{b}，{x}",
    "一开始有点担心，不过{i}{b}",
    "价格稍微贵了点，可是{i}{b}，{x}",
]
F_NEU = [
    "请问{i}{v}？",
    "你好，{i}{v}",
    "{i}订单{n}5573，帮忙看一下进度",
    "我想问一下{i}{v}",
    "{i}已经下单了，{v}？",
]
F_NEU_V = [
    "几点能送到",
    "可以改时间吗",
    "需要带什么证件",
    "支持分期吗",
    "怎么联系售后",
    "能不能开专票",
    "有没有其他颜色",
]
ENDS = ["", "。", "！", "~", "啊", "。。。", "！！"]


def compose(count: int, seed: int) -> list[dict[str, str]]:
    rng, out = random.Random(seed), []
    pools = {"NEGATIVE": C_NEG, "POSITIVE": C_POS, "NEUTRAL": C_NEU}
    for n in range(count):
        label, domain = ("NEGATIVE", "POSITIVE", "NEUTRAL")[n % 3], DOMAINS[n // 3 % 6]
        clauses = [
            rng.choice(pools[label]).format(
                i=rng.choice(ITEM[domain]), d=rng.choice(DEG), n=rng.randint(2, 9)
            )
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        text = "，".join(clauses) + rng.choice(ENDS if label != "NEUTRAL" else ["", "？", "。"])
        out.append({"text": text, "sentiment": label, "domain": domain})
    return out


def frames(count: int, seed: int) -> list[dict[str, str]]:
    rng, out = random.Random(seed), []
    for n in range(count):
        label, domain = ("NEGATIVE", "POSITIVE", "NEUTRAL")[n % 3], DOMAINS[n // 3 % 6]
        item, d = rng.choice(ITEM[domain]), rng.choice(DEG)
        if label == "NEGATIVE":
            text = rng.choice(F_NEG + CONTRAST_NEG).format(
                i=item,
                d=d,
                b=rng.choice(F_NEG_B),
                x=rng.choice(F_NEG_X),
                q=rng.choice(F_NEG_Q).format(i=item),
            )
        elif label == "POSITIVE":
            text = rng.choice(F_POS + CONTRAST_POS).format(
                i=item, b=rng.choice(F_POS_B), x=rng.choice(F_POS_X)
            )
        else:
            text = rng.choice(F_NEU).format(i=item, v=rng.choice(F_NEU_V), n=rng.randint(1, 9))
        out.append({"text": text + rng.choice(ENDS[:4]), "sentiment": label, "domain": domain})
    return out
