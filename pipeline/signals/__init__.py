"""Free text -> facts: case summaries (案情摘要) and petition texts (信访事项).

Patterns are data (schemas/text_patterns.yaml), compiled once by `load_text_patterns`.
"""

from pipeline.signals.case_text import (
    CASE_FACTS_INPUT,
    CASE_FACTS_OUTPUT,
    CaseFacts,
    case_facts_frame,
    extract_case_facts,
)
from pipeline.signals.patterns import TextPatterns, fold_text, load_text_patterns
from pipeline.signals.petition_text import (
    PETITION_FACTS_INPUT,
    PETITION_FACTS_OUTPUT,
    PetitionFacts,
    extract_petition_facts,
    petition_facts_frame,
)

__all__ = [
    "CASE_FACTS_INPUT",
    "CASE_FACTS_OUTPUT",
    "PETITION_FACTS_INPUT",
    "PETITION_FACTS_OUTPUT",
    "CaseFacts",
    "PetitionFacts",
    "TextPatterns",
    "case_facts_frame",
    "extract_case_facts",
    "extract_petition_facts",
    "fold_text",
    "load_text_patterns",
    "petition_facts_frame",
]
