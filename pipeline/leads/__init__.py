"""Leads: one (victim, case) lead per victim of a case, scored against the legal test.

`build` gathers every linked row around a victim (case facts, household, petitions, relief
already given); `score` applies schemas/scoring.yaml (harm, compensation, hardship caused by
the case, exclusions, caps, tiers) and explains each point; `reviews` marks what is new since
the last run and carries reviewers' decisions over; `referrals` lists case-caused hardship
that relief will not cover; `sources` counts what the linked data adds.
"""
