"""Typed errors: each says which file, which field, what was expected and what was found."""

from __future__ import annotations


class ReliefLeadsError(Exception):
    """Base of the errors the command line reports as one line, without a traceback."""


class InputError(ReliefLeadsError):
    """An input file cannot be used: unreadable, empty, no header that maps, a required field missing."""


class ConfigError(ReliefLeadsError):
    """The configuration in schemas/ is invalid; the message lists every problem found."""


class QuarantineLimitError(ReliefLeadsError):
    """A source quarantined more than its allowed share of rows: the export is probably broken."""


class ReconciliationError(RuntimeError):
    """Row counts do not reconcile (read != accepted + quarantined): a bug, never expected.

    Not a ReliefLeadsError: no input can cause it, so the command line exits 3 and writes
    the traceback to a file for whoever fixes it (bad input exits 2 with one line)."""
