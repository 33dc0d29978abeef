"""Keys in the order they were typed, at any speed: what makes a form take a burst.

A password manager's auto-type, a paste and a laggy SSH link hand the app a whole form in
one read (`user Tab password Enter`). Textual 8.2 sends each key to the focused widget's own
message queue, and handles bindings only when a key comes back up from there (or, for
priority bindings, at once, ahead of the characters still queued). Two consequences, and
what this module does about them (Textual issue #6605):

- Tab moves the focus only when it has come back up from the field, by which time the
  characters after it have been sent to the old field. `move_focus_now` moves the focus
  while the key is dispatched, so every later key goes to the new field.
- A submit must read the form only once every field has taken what was typed into it.
  Enter bindings are not priority bindings (FormField leaves Enter to the screen), so Enter
  arrives after the focused field's characters; `all_typed` then waits until every other
  field of the screen has taken its own.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

from totp_tui.ui.widgets.inputs import FormField

_FOCUS_KEYS = {"tab": 1, "shift+tab": -1}


def move_focus_now(app: App[Any], event: events.Event) -> bool:
    """Tab or Shift+Tab typed in a form field: move the focus now, in typing order.

    Call from App.on_event with the keys the terminal sends (not yet forwarded). True if the
    key was handled and must not be forwarded."""
    if not isinstance(event, events.Key) or event.is_forwarded:
        return False
    step = _FOCUS_KEYS.get(event.key)
    if step is None or not _in_a_form(app.focused):
        return False
    screen = app.screen
    if step > 0:
        screen.focus_next()
    else:
        screen.focus_previous()
    return True


def _in_a_form(widget: Widget | None) -> bool:
    """A text field, or a closed drop-down between them (the profile form's choices)."""
    if isinstance(widget, FormField):
        return True
    from textual.widgets import Select  # loaded by the profile form already

    return isinstance(widget, Select) and not widget.expanded


async def all_typed(screen: Screen[Any]) -> None:
    """Return once every form field of `screen` has handled the keys queued for it."""
    waits = []
    for field in screen.query(FormField):
        taken = asyncio.Event()
        # A callback queued behind the field's pending keys runs after them.
        if field.call_later(taken.set):
            waits.append(taken.wait())
    if waits:
        await asyncio.gather(*waits)
