"""Look-alike people the linker must keep apart (twins are made in population.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sample_data.generator import ids

if TYPE_CHECKING:
    from sample_data.generator.population import Population


def add_near_id_pairs(rng: np.random.Generator, pop: Population, bodies: np.ndarray) -> None:
    """Make pairs of different people born the same day in the same region whose IDs differ
    in two characters (a sequence digit and the check character). Edits `bodies` in place."""
    wanted = max(3, pop.size // 400)
    order = np.lexsort((pop.birth.astype(np.int64), pop.is_male))
    taken = np.sort(bodies)
    used: set[int] = set()
    made = 0
    for c in rng.permutation(len(order) - 1)[: wanted * 4]:
        a, b = int(order[c]), int(order[c + 1])
        if made >= wanted or a in used or b in used or a in pop.hard_cases or b in pop.hard_cases:
            continue
        if (
            pop.is_male[a] != pop.is_male[b]
            or abs(int((pop.birth[a] - pop.birth[b]).astype(int))) > 60
        ):
            continue
        seq = int(bodies[a] % 1000)
        tens = seq // 10 % 10
        for delta in range(1, 10):
            new_body = int(bodies[a]) - seq + (seq - tens * 10 + (tens + delta) % 10 * 10)
            pos = np.searchsorted(taken, new_body)
            clash = pos < len(taken) and taken[pos] == new_body
            check_differs = (
                ids.check_indices(np.array([new_body]))[0]
                != ids.check_indices(bodies[a : a + 1])[0]
            )
            if check_differs and not clash:
                break
        else:
            continue
        bodies[b] = new_body
        pop.region[b] = pop.region[a]
        pop.birth[b] = pop.birth[a]
        used.update((a, b))
        pop.tag(a, "same_birthday_near_id")
        pop.tag(b, "same_birthday_near_id")
        made += 1
