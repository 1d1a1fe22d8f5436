"""Words of the exports that code reads with a meaning (schemas/vocabulary.yaml)."""

from __future__ import annotations

import unicodedata

from pydantic import Field, model_validator

from pipeline.config.base import Frozen

# Trailing punctuation a reviewer may type after a decision (采纳。).
_TRAILING = "。.！!；;，,、"


def decision_key(text: str) -> str:
    """The form decision words are compared in: NFKC, no spaces, no text marker (a leading
    apostrophe Excel users type), no trailing punctuation."""
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    return folded.lstrip("'").rstrip(_TRAILING)


class ReviewDecision(Frozen):
    """One decision: the word written back, and the words reviewers also use for it."""

    word: str = Field(min_length=1)
    synonyms: tuple[str, ...] = ()


class ReviewDecisions(Frozen):
    """The three decisions of 审核结论; code reads them by these names, never by the words."""

    accepted: ReviewDecision
    rejected: ReviewDecision
    to_verify: ReviewDecision

    @model_validator(mode="after")
    def _no_word_means_two_decisions(self) -> ReviewDecisions:
        seen: dict[str, str] = {}
        for name, decision in self.by_name().items():
            for word in (decision.word, *decision.synonyms):
                key = decision_key(word)
                if not key:
                    raise ValueError(f"{name}: an empty word")
                if seen.setdefault(key, name) != name:
                    raise ValueError(f"{word!r} is listed under both {seen[key]} and {name}")
        return self

    def by_name(self) -> dict[str, ReviewDecision]:
        return {"accepted": self.accepted, "rejected": self.rejected, "to_verify": self.to_verify}

    def words(self) -> dict[str, str]:
        """Every word and synonym (by `decision_key`) -> the decision's word."""
        return {
            decision_key(w): d.word for d in self.by_name().values() for w in (d.word, *d.synonyms)
        }


class LeadStatusText(Frozen):
    """线索清单.csv's 变化情况 for each lead status of pipeline/leads/reviews.py."""

    new: str
    changed: str
    unchanged: str
    reviewed: str
    rejected_unchanged: str
    changed_since_review: str


class Vocabulary(Frozen):
    household_head: str
    spouse: str
    relation_generations: dict[str, int]
    min_years_per_generation: int = Field(gt=0)
    # per 与户主关系, the years a member is born after the head, at least and at most
    # (negative: before): the birth years a household allows a row whose ID was lost
    relation_birth_years: dict[str, tuple[int, int]] = Field(default_factory=dict)
    guardian_relations: tuple[str, ...]
    child_school_stages: tuple[str, ...] = ()
    former_poor_household_type: str
    injury_ladder: tuple[str, ...]
    review_decisions: ReviewDecisions
    lead_status_text: LeadStatusText

    @model_validator(mode="after")
    def _head_and_spouse_are_generation_zero(self) -> Vocabulary:
        for word in (self.household_head, self.spouse):
            if self.relation_generations.get(word) != 0:
                raise ValueError(f"relation_generations: {word!r} must be listed with 0")
        return self

    @model_validator(mode="after")
    def _birth_years_ordered(self) -> Vocabulary:
        wrong = [w for w, (low, high) in self.relation_birth_years.items() if low > high]
        if wrong:
            raise ValueError(f"relation_birth_years: [at least, at most] reversed for {wrong}")
        return self

    def injury_rank(self) -> dict[str, int]:
        """Each harm grade's rank: the most severe highest (死亡 4 … 轻微伤 1)."""
        return {grade: len(self.injury_ladder) - i for i, grade in enumerate(self.injury_ladder)}
