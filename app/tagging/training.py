"""Training a new model version: split, fit, evaluate against the incumbent on the same
held-out examples. Pure CPU work; the job runs it off the event loop."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from app.tagging.models import Example
from app.tagging.tagger import Tagger
from app.tagging.topic_model import Evaluation, Keywords, TopicModel, evaluate, train

HELD_OUT_BUCKETS = 5  # one in five examples is held out, chosen by a hash of its text


def is_held_out(example: Example) -> bool:
    """Stable across versions: an example held out once is held out for every version, so no
    model is judged on an example it trained on."""
    digest = hashlib.sha256(example.text.encode("utf-8")).digest()
    return digest[0] % HELD_OUT_BUCKETS == 0


def merge(seed: Sequence[Example], agent: Sequence[Example], tags: Sequence[str]) -> list[Example]:
    """Shipped and agent examples, restricted to the active ``tags``; an agent's label of the
    same text wins."""
    active = set(tags)
    by_text = {e.text: e for e in seed}
    by_text.update({e.text: e for e in agent})
    return [
        Example(e.text, tuple(t for t in e.tags if t in active)) for e in by_text.values() if e.text
    ]


@dataclass(frozen=True)
class TrainingOutcome:
    model: TopicModel
    evaluation: Evaluation
    incumbent: Evaluation
    trained_on: int
    held_out: int

    @property
    def better(self) -> bool:
        return self.evaluation.macro_f1 > self.incumbent.macro_f1


def tagged_names(tagger: Tagger, texts: Sequence[str]) -> list[list[str]]:
    return [[tag.name for tag in result.tags] for result in tagger.tag_many(texts)]


def train_and_compare(
    examples: Sequence[Example], keywords: Keywords, incumbent: TopicModel | None
) -> TrainingOutcome:
    """Fit on the training part; score the new tagger and the incumbent (the active model, or
    the keyword rules alone when there is none) on the held-out part, as they would tag."""
    training = [e for e in examples if not is_held_out(e)]
    held_out = [e for e in examples if is_held_out(e)]
    if not held_out:
        raise ValueError("too few examples to hold some out for evaluation")
    model = train(training, keywords)
    tags = list(keywords)
    texts = [e.text for e in held_out]
    truth = [list(e.tags) for e in held_out]
    new = evaluate(truth, tagged_names(Tagger(keywords, model), texts), tags)
    old = evaluate(truth, tagged_names(Tagger(keywords, incumbent), texts), tags)
    return TrainingOutcome(model, new, old, len(training), len(held_out))
