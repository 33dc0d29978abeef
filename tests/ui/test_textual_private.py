"""Textual's private API, kept in ui/textual_private.py: these fail if Textual changes it.

The crash path itself (no locals, exit code 1) is tested in tests/diagnostics/
test_crash_report.py and the first-screen switch in test_app.py and test_sign_in.py; these
name what broke when they do.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from textual.app import App
from textual.screen import Screen

import totp_tui
from totp_tui.ui import textual_private
from totp_tui.ui.textual_private import (
    USED,
    USED_ATTRIBUTES,
    USED_COUNTERS_ON_APPS,
    USED_ON_INSTANCES,
    USED_ON_SCREENS,
    make_switchable,
)

PACKAGE = Path(totp_tui.__file__).parent


def test_every_private_name_used_still_exists() -> None:
    for owner, name in USED:
        assert callable(getattr(owner, name, None)), (
            f"Textual no longer has {owner.__name__}.{name}"
        )
    for owner, name in USED_ATTRIBUTES:
        assert any(name in vars(klass) for klass in owner.__mro__), (
            f"Textual no longer has {owner.__name__}.{name}"
        )
    app = App[None]()
    for name in USED_ON_INSTANCES:
        assert isinstance(getattr(app, name, None), list), f"Textual no longer sets App.{name}"
    for name in USED_COUNTERS_ON_APPS:
        assert isinstance(getattr(app, name, None), int), f"Textual no longer counts App.{name}"
    screen: Screen[None] = Screen()
    for name in USED_ON_SCREENS:
        assert hasattr(screen, name), f"Textual no longer sets Screen.{name}"


def test_the_compositor_updates_read_are_still_there() -> None:
    """The changed-cells writer reads Textual's compositor updates (a private module)."""
    from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate, LayoutUpdate

    assert list(inspect.signature(LayoutUpdate.__init__).parameters) == [
        "self",
        "strips",
        "region",
    ]
    assert "spans" in inspect.signature(ChopsUpdate.__init__).parameters
    assert callable(CompositorUpdate.render_segments)
    assert {"full", "screen_stack"} <= set(inspect.signature(Compositor.render_update).parameters)


def test_their_signatures_are_the_ones_called() -> None:
    assert list(inspect.signature(Screen._push_result_callback).parameters) == [
        "self",
        "requester",
        "callback",
        "future",
    ]
    assert list(inspect.signature(App._handle_exception).parameters) == ["self", "error"]
    assert list(inspect.signature(App._fatal_error).parameters) == ["self"]
    assert list(inspect.signature(App._close_messages_no_wait).parameters) == ["self"]


async def test_the_first_screen_can_be_switched_away_from() -> None:
    class First(App[None]):
        def get_default_screen(self) -> Screen[None]:
            screen: Screen[None] = Screen(name="first")
            make_switchable(screen, self)
            return screen

    app = First()
    async with app.run_test() as pilot:
        await app.switch_screen(Screen(name="second"))
        await pilot.pause()
        assert app.screen.name == "second"
        assert len(app.screen_stack) == 1


def _textual_private_names() -> set[str]:
    """Every `_name` Textual defines on the classes this app builds on, and on an App."""
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump
    from textual.screen import ModalScreen
    from textual.widget import Widget
    from textual.widgets import Footer, Input, OptionList, Select, Static

    names: set[str] = set()
    classes = (App, Screen, ModalScreen, Widget, Input, OptionList, Select, Static, Footer)
    for cls in (*classes, MessagePump, DOMNode):
        for klass in cls.__mro__:
            if klass.__module__.startswith("textual"):
                names |= {n for n in vars(klass) if n.startswith("_") and not n.startswith("__")}
    names |= {n for n in vars(App[None]()) if n.startswith("_") and not n.startswith("__")}
    names |= {n for n in vars(Screen[None]()) if n.startswith("_") and not n.startswith("__")}
    return names


def test_no_other_module_uses_a_private_textual_name() -> None:
    """Any attribute of ours named like one of Textual's private ones is either a use of
    Textual's private API or a clash that would shadow it: only textual_private.py may."""
    private = _textual_private_names()
    used = (
        {name for _, name in (*USED, *USED_ATTRIBUTES)}
        | set(USED_ON_SCREENS)
        | set(USED_COUNTERS_ON_APPS)
    )
    assert used <= private  # the check sees what the module uses
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "textual_private.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in private:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.attr}")
    assert offenders == []
    assert textual_private.__doc__ and "private" in textual_private.__doc__
