"""English sentiment texts for training (method "compose") and evaluation (method "frames").

The two methods share no sentence pool: "compose" joins an opener, one or two clauses of one
polarity per domain and a closer; "frames" fills different sentence frames with different slot
words, then adds contrast, rhetorical questions, lower case, dropped punctuation and typos.
Written by the project (see app/tagging/data/PROVENANCE.md).
"""

from __future__ import annotations

import random

DOMAINS = ("ecommerce", "delivery", "hotel", "airline", "electronics", "telecom")
ITEM = {
    "ecommerce": ["order", "parcel", "jacket", "shoes", "package", "purchase"],
    "delivery": ["food", "meal", "pizza", "burger order", "lunch", "noodles"],
    "hotel": ["room", "stay", "booking", "suite", "bed", "bathroom"],
    "airline": ["flight", "luggage", "seat", "boarding", "connection", "bag"],
    "electronics": ["laptop", "phone", "headphones", "charger", "tablet", "tv"],
    "telecom": ["internet", "signal", "data plan", "bill", "router", "connection"],
}
# method "compose" (training)
C_NEG = [
    "the {i} arrived damaged and nobody seems to care",
    "I am really disappointed with the {i}",
    "this is the worst {i} I have ever had",
    "the {i} is broken and support keeps ignoring me",
    "I have been waiting for days and the {i} still has not come",
    "your staff were rude when I asked about the {i}",
    "the {i} was a total waste of money",
    "I'm fed up, the {i} problem happened again",
    "terrible experience with the {i}, never again",
    "the {i} stopped working after two days",
    "I want a refund, the {i} is useless",
    "the agent hung up on me when I called about the {i}",
    "honestly the {i} was awful",
    "three hours late and no apology about the {i}",
    "I was charged twice for the {i} and nobody answers",
    "is it too much to ask for a {i} that actually works?",
    "do you even care about your customers? the {i} is a mess",
    "what is the point of paying for a {i} that never works?",
    "why does it take a week to sort out a simple {i} issue?",
    "the {i} is not good at all",
    "not impressed with the {i} 😡",
    "the {i} was never delivered and I'm not happy",
]
C_POS = [
    "the {i} was perfect, thank you so much",
    "really happy with the {i}",
    "the {i} exceeded my expectations",
    "great service, the {i} came early",
    "the staff were lovely and sorted the {i} quickly",
    "love the {i}, will definitely order again",
    "the {i} works brilliantly",
    "thanks for fixing the {i} so fast, you are amazing",
    "excellent {i}, highly recommend",
    "very pleased with how you handled my {i}",
    "the {i} is fantastic value",
    "five stars for the {i}",
    "no complaints about the {i} at all 👍",
    "the {i} was not bad at all, actually pretty good",
    "could not be happier with the {i}",
    "what a lovely {i}, who knew it could be this easy?",
]
C_NEU = [
    "can you tell me when the {i} will arrive",
    "I would like to change the address for my {i}",
    "what is the status of my {i}",
    "please send me the invoice for the {i}",
    "is it possible to cancel the {i}",
    "how do I update the details of my {i}",
    "the {i} reference number is 48213",
    "I placed the {i} on monday",
    "do you have the {i} in another size or model",
    "could someone call me back about the {i}",
    "I need a copy of the receipt for the {i}",
    "where can I find the terms for the {i}",
    "my account email has changed, please update it for the {i}",
]
OPEN = ["", "Hi, ", "Hello, ", "Hey ", "Good morning, ", "Dear support, "]
CLOSE = {
    "NEGATIVE": ["", ".", "!", "!!", ". Sort it out."],
    "POSITIVE": ["", ".", "!", " :)", ". Cheers!"],
    "NEUTRAL": ["?", ".", ", thanks.", ". Thank you.", ""],
}
# method "frames" (evaluation)
F_NEG = [
    "{w} {i}. {x}",
    "so the {i} showed up {b}, {x}",
    "{x}. the {i} is {b}",
    "not happy at all: {i} {b}",
    "{q}",
]
F_NEG_B = [
    "smashed",
    "cold",
    "missing half of it",
    "filthy",
    "delayed by three hours",
    "completely dead",
    "nothing like the photos",
    "overpriced junk",
    "soaking wet",
]
F_NEG_X = [
    "absolutely unacceptable",
    "what a joke",
    "i'm so annoyed",
    "this is ridiculous",
    "never buying from you again",
    "zero stars if i could",
    "still waiting on a reply",
    "the guy on the phone was so rude",
    "i expect compensation",
]
F_NEG_Q = [
    "how hard is it to deliver a {i} on time?",
    "why do i have to chase you every day about my {i}?",
    "is anyone actually reading my emails about the {i}?",
    "seriously, who checks these {i}s?",
]
F_NEG_W = ["ugh,", "wow.", "unbelievable,", "third time now,", "again!"]
F_POS = ["{w} the {i} {b}. {x}", "{x}, the {i} {b}", "just wanted to say the {i} {b}", "{x}!"]
F_POS_B = [
    "turned up hot and early",
    "is spotless",
    "works like a dream",
    "was upgraded for free",
    "landed ahead of schedule",
    "is super fast now",
    "fits perfectly",
    "was sorted in minutes",
]
F_POS_X = [
    "you guys rock",
    "brilliant job",
    "couldn't be happier",
    "kudos to the team",
    "best service i've had in ages",
    "much appreciated",
    "top notch",
    "really impressed",
]
F_POS_W = ["wow,", "honestly", "quick note:", "", "big thanks,"]
F_NEU = [
    "{w} what time does the {i} {v}?",
    "need to {r} my {i}, ref 9931",
    "{w} is there a way to {r} the {i}",
    "my {i} is booked for the 14th. {y}",
    "{r} the {i} please",
    "question about my {i}: {y}",
]
F_NEU_V = ["get here", "start", "ship", "check in", "get processed"]
F_NEU_R = ["reschedule", "change", "upgrade", "transfer", "add a note to", "check the status of"]
F_NEU_Y = [
    "which documents do i need?",
    "can i pay by card?",
    "what's the cut-off time?",
    "do i need to be home?",
    "is there a fee for that?",
    "who should i contact?",
]
F_NEU_W = ["hi,", "quick question,", "hello -", "", "morning,"]
CONTRAST_NEG = [
    "the {i} looked nice at first but {x}",
    "staff were friendly, however the {i} was {b}",
]
CONTRAST_POS = [
    "there was a small delay but the {i} {b}",
    "i was worried at first, but the {i} {b}",
]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 12:
        return text
    k = rng.randrange(1, len(text) - 2)
    return text[:k] + text[k + 1] + text[k] + text[k + 2 :]


def compose(count: int, seed: int) -> list[dict[str, str]]:
    rng, out = random.Random(seed), []
    pools = {"NEGATIVE": C_NEG, "POSITIVE": C_POS, "NEUTRAL": C_NEU}
    for n in range(count):
        label, domain = ("NEGATIVE", "NEUTRAL", "POSITIVE")[n % 3], DOMAINS[n // 3 % 6]
        parts = [rng.choice(pools[label]).format(i=rng.choice(ITEM[domain]))]
        if rng.random() < 0.35:
            parts.append(rng.choice(pools[label]).format(i=rng.choice(ITEM[domain])))
        text = rng.choice(OPEN) + ". ".join(parts) + rng.choice(CLOSE[label])
        out.append({"text": text[0].upper() + text[1:], "sentiment": label, "domain": domain})
    return out


def frames(count: int, seed: int) -> list[dict[str, str]]:
    rng, out = random.Random(seed), []
    for n in range(count):
        label, domain = ("NEGATIVE", "NEUTRAL", "POSITIVE")[n % 3], DOMAINS[n // 3 % 6]
        item = rng.choice(ITEM[domain])
        if label == "NEGATIVE":
            frame = rng.choice(F_NEG + CONTRAST_NEG)
            text = frame.format(
                i=item,
                b=rng.choice(F_NEG_B),
                x=rng.choice(F_NEG_X),
                w=rng.choice(F_NEG_W),
                q=rng.choice(F_NEG_Q).format(i=item),
            )
        elif label == "POSITIVE":
            frame = rng.choice(F_POS + CONTRAST_POS)
            text = frame.format(
                i=item, b=rng.choice(F_POS_B), x=rng.choice(F_POS_X), w=rng.choice(F_POS_W)
            )
        else:
            text = rng.choice(F_NEU).format(
                i=item,
                v=rng.choice(F_NEU_V),
                r=rng.choice(F_NEU_R),
                y=rng.choice(F_NEU_Y),
                w=rng.choice(F_NEU_W),
            )
        if rng.random() < 0.3:
            text = text.replace(".", "").replace(",", "")
        if rng.random() < 0.25:
            text = _typo(text, rng)
        out.append({"text": text.strip(), "sentiment": label, "domain": domain})
    return out
