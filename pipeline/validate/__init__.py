"""Validate: row rules, expectation suites, the steward's report and analysts' filters.

`rows` splits each normalised source into accepted and quarantined rows (every rejected row
keeps its reason); `expectations` runs the Great Expectations suites of schemas/suites/ on
derived, non-personal columns and writes Data Docs into the run folder; `report` writes the
steward's summary and stops a run whose export looks broken; `filters` applies an ad-hoc
run's county and date window, counting what it leaves out.
"""
