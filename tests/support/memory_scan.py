"""How many places in the process keep given strings, to catch the app keeping a password.

Strings are not tracked by the garbage collector, so the containers that hold them are
searched: closure cells, lists, tuples and dicts. A lambda or a worker that keeps what the
user typed shows up as one more cell. Test machinery holds copies too (the fixture's own
values), so tests compare against counts taken before the app ever saw the strings.

`held_in_memory` counts more strictly, as an auditor would: every object that refers to the
string (attributes kept inline, slots, a suspended coroutine's locals) and the untracked
containers reachable from one, leaving out the in-process local Cognito's own records.
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


_CONTAINERS = (dict, list, tuple, set, frozenset)


def _holding(objects: list[Any], texts: set[str]) -> dict[str, set[int]]:
    """For each text, the ids of the objects among `objects` (and of the untracked containers
    they lead to, added to `objects`) that refer to a string equal to it."""
    held: dict[str, set[int]] = {text: set() for text in texts}
    seen = {id(obj) for obj in objects}
    index = 0
    while index < len(objects):
        obj = objects[index]
        index += 1
        for ref in gc.get_referents(obj):
            if isinstance(ref, str):
                if ref in held:
                    held[ref].add(id(obj))
            elif isinstance(ref, _CONTAINERS) and not gc.is_tracked(ref) and id(ref) not in seen:
                seen.add(id(ref))
                objects.append(ref)
    return held


def _local_cognito_objects() -> list[Any]:
    """Everything the in-process local Cognito keeps (moto's Cognito backends, the demo's
    secrets), followed through containers and moto's own objects only."""
    import moto.cognitoidp.models as moto_cognito

    import totp_tui.demo.local_cognito as demo

    found: list[Any] = [moto_cognito.cognitoidp_backends]
    found += [value for name, value in vars(demo).items() if not name.startswith("__")]
    seen = {id(obj) for obj in found}
    index = 0
    while index < len(found):
        for ref in gc.get_referents(found[index]):
            followed = isinstance(ref, _CONTAINERS) or type(ref).__module__.startswith("moto.")
            if followed and id(ref) not in seen and not isinstance(ref, type):
                seen.add(id(ref))
                found.append(ref)
        index += 1
    return found


def held_in_memory(*texts: str) -> tuple[int, ...]:
    """How many places in the process keep each text, the local Cognito's records left out.

    tests/support/memory_scan.py's `holders` counts the dicts, lists, tuples and cells the
    garbage collector tracks. That misses what an auditor would count: since Python 3.11 an
    object keeps its attributes inline (no dict) until its `__dict__` is asked for, so a
    TokenEnrolment keeping a token is not seen; and a dict or tuple holding only strings is
    not tracked at all. Here every tracked object counts that refers to the text itself
    (attributes, slots, a suspended coroutine's locals, container items and keys), and so
    does every untracked container reachable from one. The local Cognito runs in this
    process and records sign-ins (a Session names its user): its objects are left out."""
    gc.collect()
    objects = gc.get_objects()
    wanted = set(texts)  # made after the list: the scan's own set is not counted
    everywhere = _holding(objects, wanted)
    local_cognito = _holding(_local_cognito_objects(), wanted)
    return tuple(len(everywhere[text] - local_cognito[text]) for text in texts)
