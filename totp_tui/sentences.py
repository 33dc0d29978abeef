"""Messages as people read them: the engine's, the store's and the validators' one-liners are
written lower-case and without a full stop, to be quoted inside other text; shown on their
own, they become sentences."""

from __future__ import annotations


def as_sentence(message: str, *, capital: bool = True) -> str:
    """A capital first letter (unless `capital` is False: the text follows a colon) and a
    full stop, unless it ends with one already (or ! or ?)."""
    text = message.strip()
    if not text:
        return text
    if capital:
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."
