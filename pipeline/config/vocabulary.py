"""Words of the exports that code reads with a meaning (schemas/vocabulary.yaml)."""

from __future__ import annotations

from pydantic import Field, model_validator

from pipeline.config.base import Frozen


class Vocabulary(Frozen):
    household_head: str
    spouse: str
    relation_generations: dict[str, int]
    min_years_per_generation: int = Field(gt=0)
    guardian_relations: tuple[str, ...]
    former_poor_household_type: str
    injury_ladder: tuple[str, ...]

    @model_validator(mode="after")
    def _head_and_spouse_are_generation_zero(self) -> Vocabulary:
        for word in (self.household_head, self.spouse):
            if self.relation_generations.get(word) != 0:
                raise ValueError(f"relation_generations: {word!r} must be listed with 0")
        return self

    def injury_rank(self) -> dict[str, int]:
        """Each harm grade's rank: the most severe highest (死亡 4 … 轻微伤 1)."""
        return {grade: len(self.injury_ladder) - i for i, grade in enumerate(self.injury_ladder)}
