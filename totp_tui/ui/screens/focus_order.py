"""Where Tab and Shift+Tab go on a form with a secret field.

People type a form from their picture of it, not from where the focus is: top to bottom,
Tab between fields, often without looking (a password manager's auto-type does exactly
that). Moving down or up the form, their picture and the focus agree. At the ends they may
not: one person expects Tab on the last field to wrap round to the first (as Textual does),
another expects it to stay (a web form's Tab goes on to its button). When the two guesses
lead to different fields, the focus takes the one that hides what is typed: text meant for
a shown field typed into a password field is hidden and harmless, a password typed into a
shown field is on the screen for everyone to read.

So focus wraps round a form as Textual's does, except out of a secret field into a shown
one: there Tab (or Shift+Tab) stays where it is. Moving along the form is never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

FieldT = TypeVar("FieldT")


def tab_target(
    chain: Sequence[FieldT],
    current: FieldT | None,
    forward: bool,
    is_secret: Callable[[FieldT], bool],
) -> FieldT | None:
    """The field Tab (`forward`) or Shift+Tab moves to from `current`, in focus order
    `chain`; `current` itself when the move would wrap from a secret field to a shown one."""
    if not chain:
        return None
    if current is None or current not in chain:
        return chain[0] if forward else chain[-1]
    index = chain.index(current)
    step = index + 1 if forward else index - 1
    target = chain[step % len(chain)]
    wraps = not 0 <= step < len(chain)
    if wraps and is_secret(current) and not is_secret(target):
        return current
    return target
