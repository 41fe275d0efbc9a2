"""Ticket subjects and bodies for the demo data, in English and Chinese, written by us.

Each entry: (ticket type, topic, subject, body). ``{product}``, ``{order}`` and ``{days}`` are
filled in per ticket. Topics follow the default feedback taxonomy, except ``gift_wrapping``: no
tag covers it, so topic discovery has something to find in the demo data.
"""

from __future__ import annotations

TicketText = tuple[str, str, str, str]

ENGLISH: list[TicketText] = [
    (
        "COMPLAINT",
        "delivery",
        "Order {order} still not delivered",
        "I ordered the {product} {days} days ago and tracking hasn't moved since. "
        "This is really frustrating, I needed it for the weekend. Where is my package?",
    ),
    (
        "COMPLAINT",
        "delivery",
        "Package arrived damaged",
        "The box for my {product} was crushed and the item inside is scratched. "
        "Very disappointed with the shipping. Please send a replacement.",
    ),
    (
        "COMPLAINT",
        "billing",
        "Charged twice for {order}",
        "My card was charged two times for the same order {order}. "
        "Please refund the duplicate payment asap.",
    ),
    (
        "COMPLAINT",
        "quality",
        "{product} stopped working",
        "The {product} worked fine for a week and now it won't turn on at all. "
        "Not what I expect for the price. I want a replacement or refund.",
    ),
    (
        "COMPLAINT",
        "service",
        "Rude support on the phone",
        "I called yesterday about order {order} and the agent was really rude and hung up on me. "
        "Terrible service, I've been a customer for years.",
    ),
    (
        "COMPLAINT",
        "returns",
        "Refund not received",
        "I returned the {product} {days} days ago, you confirmed receipt, but I still "
        "haven't got my money back. What's going on?",
    ),
    (
        "COMPLAINT",
        "technical",
        "App keeps crashing at checkout",
        "Every time I try to pay in the app it crashes. Tried reinstalling, same problem. "
        "Couldn't buy the {product} because of this.",
    ),
    (
        "COMPLAINT",
        "pricing",
        "Price dropped right after I bought",
        "I bought the {product} and two days later it's 20% cheaper. "
        "Can you refund the difference? Otherwise I'll return it.",
    ),
    (
        "CONSULTATION",
        "delivery",
        "When will {order} ship?",
        "Hi, I placed order {order} and wanted to know when it ships and which carrier you use. "
        "Thanks!",
    ),
    (
        "CONSULTATION",
        "account",
        "Can't log in to my account",
        "I reset my password twice but the login page still says invalid credentials. "
        "Can you help me get back into my account?",
    ),
    (
        "CONSULTATION",
        "returns",
        "How do I return the {product}?",
        "The {product} doesn't fit my needs. What's the return process and do I pay "
        "for return shipping?",
    ),
    (
        "CONSULTATION",
        "order_change",
        "Change shipping address for {order}",
        "I just moved. Could you change the delivery address on order {order} before it ships?",
    ),
    (
        "CONSULTATION",
        "order_change",
        "Cancel order {order}",
        "Please cancel my order {order}, I ordered the wrong size by mistake.",
    ),
    (
        "CONSULTATION",
        "billing",
        "Invoice for {order}",
        "Could you send me a VAT invoice for order {order}? I need it for my company expenses.",
    ),
    (
        "CONSULTATION",
        "pricing",
        "Bulk discount?",
        "We'd like to order about 50 units of the {product} for our office. "
        "Do you offer volume pricing?",
    ),
    (
        "CONSULTATION",
        "technical",
        "How to pair the {product}",
        "I can't figure out how to pair the {product} with my phone, the manual isn't clear. "
        "Any tips?",
    ),
    (
        "CONSULTATION",
        "gift_wrapping",
        "Gift wrap for a present?",
        "Could you gift wrap the {product} and add a small card with a message? "
        "It's a birthday present for my sister.",
    ),
    (
        "FEEDBACK",
        "gift_wrapping",
        "Gift wrapping option",
        "I'd love a gift wrapping option at checkout, with a ribbon and a personal card.",
    ),
    (
        "FEEDBACK",
        "praise",
        "Love the {product}!",
        "Just wanted to say the {product} is excellent, great quality and it arrived a day early. "
        "Will definitely buy again :)",
    ),
    (
        "FEEDBACK",
        "praise",
        "Great support experience",
        "Your agent solved my problem in five minutes, super friendly and helpful. Thank you!",
    ),
    (
        "FEEDBACK",
        "feature_request",
        "Please add dark mode",
        "The app is nice but it really needs a dark mode, and it would be great to save "
        "favourite products to a wishlist.",
    ),
    (
        "FEEDBACK",
        "quality",
        "{product} is ok but feels cheap",
        "The {product} does the job, but the plastic feels cheap and the buttons are a bit loose. "
        "Expected better, not bad though.",
    ),
    (
        "FEEDBACK",
        "delivery",
        "Fast delivery, packaging could be better",
        "Delivery was fast, thanks. But the {product} came in a huge box with lots of plastic, "
        "please use less packaging.",
    ),
    (
        "FEEDBACK",
        "pricing",
        "Good value",
        "Honestly the {product} is good value for money compared to other shops. Happy with it.",
    ),
    (
        "FEEDBACK",
        "feature_request",
        "Suggestion: order tracking by SMS",
        "Would be nice to get SMS updates when my order ships instead of only email.",
    ),
]

CHINESE: list[TicketText] = [
    (
        "COMPLAINT",
        "delivery",
        "订单{order}还没到",
        "我{days}天前就买了{product}，物流一直没有更新，太让人着急了。请尽快帮我查一下包裹在哪里。",
    ),
    (
        "COMPLAINT",
        "delivery",
        "收到的包裹破损",
        "{product}的外包装被压坏了，里面的东西也有划痕，对快递非常失望，请给我换一个新的。",
    ),
    (
        "COMPLAINT",
        "billing",
        "订单{order}被重复扣款",
        "同一个订单{order}我的银行卡被扣了两次钱，请尽快把多扣的款退给我。",
    ),
    (
        "COMPLAINT",
        "quality",
        "{product}质量太差",
        "{product}用了不到一周就坏了，完全开不了机。这个价格不应该是这种质量，要求退货或者换货。",
    ),
    (
        "COMPLAINT",
        "service",
        "客服态度很差",
        "昨天打电话咨询订单{order}，客服态度非常差，还直接挂了我的电话。我是老客户了，太失望了。",
    ),
    (
        "COMPLAINT",
        "returns",
        "退款一直没到账",
        "我{days}天前就把{product}退回去了，你们也确认收到了，可是退款到现在还没到账，怎么回事？",
    ),
    (
        "COMPLAINT",
        "technical",
        "App付款时闪退",
        "每次在App里付款就闪退，重装了也一样，导致我买不了{product}。",
    ),
    (
        "COMPLAINT",
        "pricing",
        "刚买就降价了",
        "我买了{product}，两天后就便宜了20%，能不能退差价？不然我就退货了。",
    ),
    (
        "CONSULTATION",
        "delivery",
        "订单{order}什么时候发货？",
        "你好，我下了订单{order}，想问一下什么时候发货，用的是哪家快递？谢谢！",
    ),
    (
        "CONSULTATION",
        "account",
        "账号登录不了",
        "我重置了两次密码，登录时还是提示密码错误，请帮我恢复账号。",
    ),
    (
        "CONSULTATION",
        "returns",
        "{product}怎么退货？",
        "{product}不太适合我，请问退货流程是怎样的？退货运费需要我自己付吗？",
    ),
    (
        "CONSULTATION",
        "order_change",
        "修改订单{order}的收货地址",
        "我刚搬家了，订单{order}还没发货的话能帮我改一下收货地址吗？",
    ),
    ("CONSULTATION", "order_change", "取消订单{order}", "请帮我取消订单{order}，我下错尺码了。"),
    (
        "CONSULTATION",
        "billing",
        "订单{order}开发票",
        "请问订单{order}可以开增值税发票吗？公司报销需要。",
    ),
    (
        "CONSULTATION",
        "pricing",
        "批量购买有优惠吗？",
        "我们公司想买50台{product}，请问批量采购有没有优惠价格？",
    ),
    (
        "CONSULTATION",
        "technical",
        "{product}怎么连接手机",
        "说明书写得不清楚，我不知道{product}怎么和手机配对，能指导一下吗？",
    ),
    (
        "FEEDBACK",
        "praise",
        "{product}非常好用！",
        "{product}质量很好，还提前一天送到了，非常满意，下次还会再买 👍",
    ),
    (
        "CONSULTATION",
        "gift_wrapping",
        "可以礼品包装吗",
        "{product}是送朋友的生日礼物，可以帮忙礼品包装，再附一张贺卡吗？",
    ),
    ("FEEDBACK", "gift_wrapping", "希望有礼品包装", "送人的话没有礼品包装和贺卡不太方便。"),
    ("FEEDBACK", "praise", "客服很专业", "客服五分钟就帮我解决了问题，态度特别好，非常感谢！"),
    (
        "FEEDBACK",
        "feature_request",
        "希望增加夜间模式",
        "App挺好用的，但是希望能加一个夜间模式，还有收藏商品的心愿单功能。",
    ),
    (
        "FEEDBACK",
        "quality",
        "{product}还行，但做工一般",
        "{product}功能没问题，但是塑料感比较强，按键有点松，总体还可以吧。",
    ),
    (
        "FEEDBACK",
        "delivery",
        "发货很快，包装太浪费",
        "发货速度很快，谢谢。不过{product}的包装盒太大了，塑料也用得太多，希望能环保一点。",
    ),
    ("FEEDBACK", "pricing", "性价比很高", "跟别的店比，{product}性价比真的很高，很满意。"),
    (
        "FEEDBACK",
        "feature_request",
        "建议增加短信通知",
        "希望发货的时候能收到短信通知，而不是只有邮件。",
    ),
]

AGENT_REPLIES = {
    "en": [
        "Thanks for reaching out, I'm looking into this now and will update you shortly.",
        "Sorry for the trouble. I've escalated this to our logistics team.",
        "I've issued the refund; it should appear on your statement in 3-5 business days.",
    ],
    "zh": [
        "您好，感谢您的反馈，我们正在处理，稍后给您回复。",
        "非常抱歉给您带来不便，已经转交物流部门跟进。",
        "退款已经处理，预计3-5个工作日到账。",
    ],
}
