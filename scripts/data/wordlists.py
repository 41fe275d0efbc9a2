"""Write ``app/tagging/data/wordlists_{zh,en}.json`` from the published sentiment word lists in
the ``cntext`` wheel (MIT; the lists are the authors' own, cited in PROVENANCE.md).

Chinese: HowNet (positive, negative), NTUSD (positive, negative), Tsinghua's praise/degrade list
and DUTIR's emotion categories (乐 joy and 好 liking positive; 哀 sorrow, 怒 anger, 惧 fear and 恶
disgust negative; 惊 surprise has no polarity and is left out). Each list votes +1 or -1 for a
word (0 when it has the word on both sides); a word's value is its net vote, words whose votes
cancel are dropped. English: the Lexicoder Sentiment Dictionary 2015 (positive, negative), whose
entries are stems ("abominat" for abominate, abominable...): ``prefix`` entries match any word
they begin, ``exact`` entries (complete words that other words merely begin with, see
``EXACT_ONLY``) match themselves only. Only word lists are read, no labelled texts.

    pip download --no-deps cntext==2.2.1 -d /tmp/cntext && unzip -q /tmp/cntext/*.whl -d /tmp/cntext
    .venv/bin/python scripts/data/wordlists.py /tmp/cntext/cntext/io/data
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "app" / "tagging" / "data"

ZH_LISTS = {
    "zh_common_HowNet": {"pos": 1, "neg": -1},
    "zh_common_NTUSD": {"positive": 1, "negative": -1},
    "zh_common_TsinghuaPraiseDegrade": {"praise": 1, "degrade": -1},
    "zh_common_DUTIR": {"乐": 1, "好": 1, "哀": -1, "怒": -1, "惧": -1, "恶": -1},
}
# LSD stems that are also everyday words whose longer forms have another sense or none
# ("accord" -> "according", "fine" -> "finest" is fine but "fine" -> "finance" is not).
EXACT_ONLY = frozenset(
    {
        "accord",
        "accident",
        "account",
        "active",
        "address",
        "adequate",
        "admit",
        "advance",
        "back",
        "bad",
        "care",
        "charge",
        "clear",
        "close",
        "cold",
        "count",
        "cover",
        "credit",
        "deal",
        "fair",
        "fast",
        "fine",
        "fit",
        "free",
        "gain",
        "good",
        "hand",
        "hell",
        "help",
        "hit",
        "hot",
        "just",
        "kind",
        "let",
        "like",
        "lost",
        "mean",
        "miss",
        "nice",
        "number",
        "off",
        "order",
        "pass",
        "patient",
        "pay",
        "plan",
        "point",
        "present",
        "prize",
        "question",
        "rest",
        "right",
        "rush",
        "safe",
        "save",
        "sort",
        "stand",
        "star",
        "start",
        "still",
        "support",
        "sure",
        "top",
        "trip",
        "trust",
        "use",
        "well",
        "win",
        "work",
    }
)


def _read(folder: Path, name: str) -> dict[str, list[str]]:
    data = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
    return {str(key): [str(w).strip() for w in words] for key, words in data["Dictionary"].items()}


def chinese(folder: Path) -> dict[str, int]:
    votes: dict[str, int] = defaultdict(int)
    for name, sides in ZH_LISTS.items():
        lists = _read(folder, name)
        per_list: dict[str, set[int]] = defaultdict(set)
        for side, sign in sides.items():
            for word in lists[side]:
                if word and "..." not in word:
                    per_list[word].add(sign)
        for word, signs in per_list.items():
            votes[word] += sum(signs)
    return {word: vote for word, vote in sorted(votes.items()) if vote}


def english(folder: Path) -> dict[str, dict[str, int]]:
    lists = _read(folder, "en_common_LSD2015")
    stems: dict[str, int] = defaultdict(int)
    for side, sign in (("positive", 1), ("negative", -1)):
        for entry in lists[side]:
            if entry and " " not in entry:  # phrases ("a lie") are left to our own lexicon
                stems[entry.lower()] += sign
    out: dict[str, dict[str, int]] = {"exact": {}, "prefix": {}}
    for stem, vote in sorted(stems.items()):
        if vote:
            out["exact" if stem in EXACT_ONLY or len(stem) < 4 else "prefix"][stem] = vote
    return out


def main() -> None:
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: wordlists.py <cntext/io/data folder of the cntext 2.2.1 wheel>")
    folder = Path(sys.argv[1])
    for language, table in (("zh", chinese(folder)), ("en", english(folder))):
        path = OUT / f"wordlists_{language}.json"
        path.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
