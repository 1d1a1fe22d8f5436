"""Outputs: the run folder, written atomically.

`tables` writes the reviewers' and stewards' files (masked where they leave the audit
files), `manifest` records what the run read and produced, `masking` is the one place
personal values are hidden. A run is written to a hidden folder and renamed when complete.
"""
