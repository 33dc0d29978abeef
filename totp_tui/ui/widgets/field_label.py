"""A form field's name, on the line above the field."""

from __future__ import annotations

from textual.widgets import Static


class FieldLabel(Static):
    """What Textual's Label is here (its width, height and minimum height), without the CSS
    of its colour variants, which no screen uses: the sign-in is the first screen, and its
    start-up (measured) would parse that CSS only for its two field names."""

    DEFAULT_CSS = """
    FieldLabel {
        width: auto;
        height: auto;
        min-height: 1;
    }
    """
