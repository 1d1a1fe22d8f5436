"""Person linkage: records -> candidate pairs -> comparison levels -> match weights -> clusters."""
