"""Relief Leads: judicial-relief lead finding across government exports."""

import os

# polars allocates with jemalloc, which keeps a freed page in the process's resident memory
# for about a second after its first half-second (as "muzzy", MADV_FREE) before handing it
# back. Handing it back at once lowered the 2.34 M-row run's peak by 80-140 MB at no
# measured cost in time (docs/scale.md, session 11). jemalloc reads this when polars is
# loaded, so it is set here, before any module of the package imports polars; a value
# already in the environment is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "muzzy_decay_ms:0")
