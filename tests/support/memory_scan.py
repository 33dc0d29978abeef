"""How many places in the process keep given strings, to catch the app keeping a password.

Strings are not tracked by the garbage collector, so the containers that hold them are
searched: closure cells, lists, tuples and dicts. A lambda or a worker that keeps what the
user typed shows up as one more cell. Test machinery holds copies too (the fixture's own
values), so tests compare against counts taken before the app ever saw the strings.
"""

from __future__ import annotations

import gc
from typing import Any


def holders(*texts: str) -> tuple[int, ...]:
    """For each text, how many tracked containers hold a string equal to it."""
    gc.collect()
    found = dict.fromkeys(texts, 0)
    for obj in gc.get_objects():
        values: Any
        if type(obj).__name__ == "cell":
            try:
                values = (obj.cell_contents,)
            except ValueError:  # an empty cell
                continue
        elif isinstance(obj, dict):
            # Copied in one C call: the app's threads may change a dict or list meanwhile.
            values = list(obj.values())
        elif isinstance(obj, (list, tuple)):
            values = list(obj)
        else:
            continue
        held = {value for value in values if isinstance(value, str) and value in found}
        for text in held:
            found[text] += 1
    return tuple(found[text] for text in texts)
