"""Person linkage settings (schemas/linkage.yaml; schemas/linkage_febrl.yaml for FEBRL data)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from pipeline.config.base import Frozen


class BlockingSettings(Frozen):
    max_block_size: int = Field(gt=1)
    rules: dict[str, tuple[str, ...]]


class LevelSpec(Frozen):
    """One comparison level: a pair is at this level when every condition given holds.

    Column conditions (a pair column is "present" when both records have a value):
    exact (present and equal), present, any_present (at least one column present),
    not_both (not present), compatible (not present, or equal), differ (present and
    different), within_edits {column: k} (optimal string alignment distance <= k),
    jaro_winkler {column: t} (similarity >= t), prefix {column: n} (first n characters
    equal), numeric_within {column: d} (both read as numbers, a trailing X as 10, at most
    d apart: an ID rounded by Excel or a float), days_within {column: d} (two dates at most
    d days apart), lookalike (same length, one character differs, the two in one look-alike
    group), longer_at_least {column: n} (the longer value has >= n characters),
    outside_range / within_range {column: [low, high]} (one record's value lies outside /
    inside the other record's range of columns low..high: a birth date and the birth years
    a household allows a row whose own date is unknown).
    Boolean record columns: flag_both (true on both), flag_either (true on one).
    """

    name: str
    exact: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    any_present: tuple[str, ...] = ()
    not_both: tuple[str, ...] = ()
    compatible: tuple[str, ...] = ()
    differ: tuple[str, ...] = ()
    within_edits: dict[str, int] = Field(default_factory=dict)
    jaro_winkler: dict[str, float] = Field(default_factory=dict)
    prefix: dict[str, int] = Field(default_factory=dict)
    numeric_within: dict[str, int] = Field(default_factory=dict)
    days_within: dict[str, int] = Field(default_factory=dict)
    lookalike: tuple[str, ...] = ()
    longer_at_least: dict[str, int] = Field(default_factory=dict)
    outside_range: dict[str, tuple[str, str]] = Field(default_factory=dict)
    within_range: dict[str, tuple[str, str]] = Field(default_factory=dict)
    flag_both: tuple[str, ...] = ()
    flag_either: tuple[str, ...] = ()

    def columns(self) -> set[str]:
        """Record columns this level reads."""
        names: set[str] = set()
        for field in type(self).model_fields:
            if field != "name":
                names |= set(getattr(self, field))
        for ranges in (self.outside_range, self.within_range):
            names |= {bound for low_high in ranges.values() for bound in low_high}
        return names


class FrequencyPlace(Frozen):
    """A place a pair agrees on: its `comparison` is at one of `levels`, and the record
    `columns` (highest first) name the place."""

    comparison: str
    levels: tuple[str, ...]
    columns: tuple[str, ...] = Field(min_length=1)


class TermFrequency(Frozen):
    """Re-weight a level by how common the agreeing value is (common names are weak evidence).

    Without `places`, how common is the value's share of all records. With `places` (most
    specific first), a pair that agrees on a place is weighed by how common the value is
    among the people of that place (pipeline/link/frequency.py): people are told apart by
    the first of the `people` columns a record has, and `prior_people` is how many people's
    worth of the share everywhere is blended into a place's own count.
    """

    level: str
    column: str
    places: tuple[FrequencyPlace, ...] = ()
    people: tuple[str, ...] = ()
    surname: str | None = None
    prior_people: float = Field(default=0.0, ge=0)


COMPARISON_TEMPLATES = ("exact_match", "jaro_winkler_at_thresholds", "edit_distance_at_thresholds")


class ComparisonSpec(Frozen):
    """Ordered levels (first that holds wins; none holds = not comparable), or a template.

    Templates (named building blocks) expand to levels on `column`:
    exact_match: exact, else. jaro_winkler_at_thresholds: exact, one level per
    threshold (descending), else. edit_distance_at_thresholds: exact, one level per
    edit count (ascending), else.
    """

    template: str | None = None
    column: str | None = None
    thresholds: tuple[float, ...] = ()
    levels: tuple[LevelSpec, ...] = ()
    # one level or several, each re-weighted by how common its agreeing value is
    term_frequency: tuple[TermFrequency, ...] = ()

    @field_validator("term_frequency", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return ()
        return (value,) if isinstance(value, dict | TermFrequency) else value

    @model_validator(mode="after")
    def _expand_template(self) -> ComparisonSpec:
        if self.template is None:
            if not self.levels:
                raise ValueError("give levels or a template")
            return self
        if self.template not in COMPARISON_TEMPLATES:
            raise ValueError(
                f"unknown template {self.template!r}; known: {', '.join(COMPARISON_TEMPLATES)}"
            )
        if self.levels or not self.column:
            raise ValueError("a template needs `column` and no `levels`")
        col = self.column
        levels = [LevelSpec(name=f"{col}_exact", exact=(col,))]
        if self.template == "jaro_winkler_at_thresholds":
            levels += [
                LevelSpec(name=f"{col}_jw_{t:g}", jaro_winkler={col: t})
                for t in sorted(self.thresholds, reverse=True)
            ]
        elif self.template == "edit_distance_at_thresholds":
            levels += [
                LevelSpec(name=f"{col}_edits_{int(k)}", within_edits={col: int(k)})
                for k in sorted(self.thresholds)
            ]
        levels.append(LevelSpec(name=f"{col}_else", present=(col,)))
        object.__setattr__(self, "levels", tuple(levels))
        return self

    @property
    def level_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)


class TrainingSession(Frozen):
    """EM on the pairs of some blocking rules, estimating m only for comparisons they did not block on."""

    blocked_on: tuple[str, ...]
    estimate: tuple[str, ...]


class ModelSettings(Frozen):
    em_max_iterations: int = Field(gt=0)
    em_tolerance: float = Field(gt=0)
    u_sample_pairs: int = Field(gt=1000)
    seed: int
    prior_match_share: float = Field(gt=0, lt=1)
    min_probability: float = Field(gt=0, lt=0.01)
    min_m_probability: float = Field(gt=0, lt=0.1)
    # The prior (share of all record pairs that match) is estimated per pair of values of
    # this column: a petition is far likelier to have a match than a monitoring row.
    prior_by: str | None = None
    training: tuple[TrainingSession, ...]


class VetoLift(Frozen):
    """Soft vetoes (`vetoes`, {comparison: levels}) lifted where every comparison of `where`
    is at one of its levels: the model then weighs the pair instead of the veto refusing it."""

    vetoes: dict[str, tuple[str, ...]]
    where: dict[str, tuple[str, ...]]


class ClusteringSettings(Frozen):
    # constrained: connected components of links, split greedily where a constraint breaks;
    # one_to_one: two-file linkage where each record links to at most one of the other file.
    method: Literal["constrained", "one_to_one"] = "constrained"
    link_threshold: float = Field(gt=0, lt=1)
    review_band: tuple[float, float]
    # The evidence order (pipeline/link/evidence.py), each {comparison: levels}:
    # soft vetoes: a pair at one of these levels does not link unless it is decisive
    vetoes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # soft vetoes lifted where other comparisons agree enough for the model to weigh the pair
    lift_vetoes: tuple[VetoLift, ...] = ()
    # contradictions that cannot be typing slips: nothing overrides them
    hard_vetoes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # a pair at one of the listed levels of every listed comparison links whatever its
    # probability, the soft vetoes and cannot_link_below say
    decisive: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # a pair at one of the listed levels of every listed comparison is left to a person:
    # written to link_review.csv whatever its probability (and not linked: list its levels
    # among the vetoes)
    review: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # record columns of which a person holds at most one non-null value
    distinct: tuple[str, ...] = ()
    # record column whose value (when present) names the person_id of its cluster
    representative: str | None = None
    # a record whose candidates hold different `distinct` values can be at most one of
    # them: spread its probability over them (pipeline/link/cluster.py, share_among_rivals)
    share_among_rivals: bool = False
    # a cluster never holds two records whose own pair probability (before sharing among
    # rivals) is below this: the pair's evidence says they are different people, and a
    # third record linked to both is not allowed to join them (0 switches it off)
    cannot_link_below: float = Field(default=0.0, ge=0, lt=1)
    # ... and only pairs at one of these levels (comparison -> levels); empty: any pair
    cannot_link_levels: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # rows of these sources left alone after clustering join the one person of their name
    # in the households of their case's parties (pipeline/link/relatives.py)
    relatives_through_case: tuple[str, ...] = ()


class SoundAlike(Frozen):
    """Pinyin spellings folded together in the `name_sound` key (模糊音): syllable starts
    (`initials`, zh -> z) and syllable ends (`finals`, ing -> in)."""

    initials: dict[str, str] = Field(default_factory=dict)
    finals: dict[str, str] = Field(default_factory=dict)


class PlaceKeySettings(Frozen):
    """`place_key`: a village with its higher levels (pipeline/link/places.py).

    `levels` are the record columns of a place, highest first, the village last; a row
    stating less than all of them gets the key of every place of the table that fits, and
    none when more than `max_candidates` fit.
    """

    levels: tuple[str, ...] = Field(min_length=2)
    max_candidates: int = Field(ge=1)


def _unknown_levels(
    where: str, listed: dict[str, tuple[str, ...]], levels: dict[str, tuple[str, ...]]
) -> list[str]:
    """Problems of a {comparison: levels} setting naming comparisons or levels that do not exist."""
    found = []
    for name, names in listed.items():
        if name not in levels:
            found.append(f"{where}: unknown comparison {name!r}")
        elif set(names) - set(levels[name]):
            found.append(f"{where}.{name}: unknown levels {sorted(set(names) - set(levels[name]))}")
    return found


class LinkageSettings(Frozen):
    """Person linkage settings (schemas/linkage.yaml, schemas/linkage_febrl.yaml)."""

    link_type: Literal["dedupe", "link_only"] = "dedupe"
    blocking: BlockingSettings
    comparisons: dict[str, ComparisonSpec]
    model: ModelSettings
    clustering: ClusteringSettings
    lookalike_groups: tuple[str, ...] = ()
    sound_alike: SoundAlike | None = None
    place_keys: PlaceKeySettings | None = None

    def level_names(self) -> dict[str, tuple[str, ...]]:
        return {name: spec.level_names for name, spec in self.comparisons.items()}

    def problems(self) -> list[str]:
        """Cross-references that field validation cannot see."""
        return (
            self._training_problems()
            + self._clustering_problems()
            + self._review_problems()
            + self._comparison_problems()
        )

    def _training_problems(self) -> list[str]:
        found = []
        levels = self.level_names()
        for i, session in enumerate(self.model.training):
            unknown_rules = set(session.blocked_on) - set(self.blocking.rules)
            unknown_cmp = set(session.estimate) - set(levels)
            if unknown_rules:
                found.append(f"model.training.{i}: unknown blocking rules {sorted(unknown_rules)}")
            if unknown_cmp:
                found.append(f"model.training.{i}: unknown comparisons {sorted(unknown_cmp)}")
        unestimated = set(levels) - {c for s in self.model.training for c in s.estimate}
        if unestimated:
            found.append(f"model.training: no session estimates {sorted(unestimated)}")
        return found

    def _clustering_problems(self) -> list[str]:
        found = []
        levels = self.level_names()
        for key in ("cannot_link_levels", "vetoes", "hard_vetoes", "decisive", "review"):
            found += _unknown_levels(f"clustering.{key}", getattr(self.clustering, key), levels)
        for i, lift in enumerate(self.clustering.lift_vetoes):
            where = f"clustering.lift_vetoes.{i}"
            found += _unknown_levels(f"{where}.vetoes", lift.vetoes, levels)
            found += _unknown_levels(f"{where}.where", lift.where, levels)
            for name, names in lift.vetoes.items():
                if set(names) - set(self.clustering.vetoes.get(name, ())):
                    found.append(f"{where}.vetoes.{name}: levels that are no soft veto")
        return found

    def _comparison_problems(self) -> list[str]:
        found = []
        levels = self.level_names()
        for name, spec in self.comparisons.items():
            if len(set(spec.level_names)) != len(spec.level_names):
                found.append(f"comparisons.{name}: level names repeat")
            for tf in spec.term_frequency:
                where = f"comparisons.{name}.term_frequency"
                if tf.level not in spec.level_names:
                    found.append(f"{where}: unknown level {tf.level!r}")
                for place in tf.places:
                    found += _unknown_levels(
                        f"{where}.places", {place.comparison: place.levels}, levels
                    )
                if tf.places and (not tf.people or tf.prior_people <= 0):
                    found.append(f"{where}: places need `people` and a positive `prior_people`")
        return found

    def _review_problems(self) -> list[str]:
        """A pair left for review must not link: one of its comparisons is at a vetoed level."""
        clustering = self.clustering
        vetoed = {
            name: set(clustering.vetoes.get(name, ())) | set(clustering.hard_vetoes.get(name, ()))
            for name in self.comparisons
        }
        if clustering.review and not any(
            set(names) <= vetoed.get(name, set()) for name, names in clustering.review.items()
        ):
            return ["clustering.review: no comparison of it is at vetoed levels only"]
        return []
