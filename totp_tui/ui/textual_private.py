"""Every use of Textual's private API, in one place (Textual 8.2, pinned `<9`).

Each function here does something Textual offers no public way to do. tests/ui/
test_textual_private.py fails if a name or signature used here changes; the README's
development section lists them. Nothing else in totp_tui may use a `_name` of Textual's.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.screen import Screen
from textual.strip import Strip

# (owner, attribute) for each private method used below: the test checks they still exist.
USED: tuple[tuple[type[Any], str], ...] = (
    (Screen, "_push_result_callback"),
    (App, "_handle_exception"),
    (App, "_fatal_error"),
    (App, "_close_messages_no_wait"),
    (App, "_display"),
)
# Private attributes that are not methods: a property, a class attribute.
USED_ATTRIBUTES: tuple[tuple[type[Any], str], ...] = (
    (App, "_background_screens"),
    (Screen, "_css_type_name"),
)
# Set in App.__init__ or Screen.__init__, so checked on an instance.
USED_ON_INSTANCES: tuple[str, ...] = ("_exit_renderables",)
USED_ON_SCREENS: tuple[str, ...] = ("_compositor",)
# Counters set in App.__init__ (an int).
USED_COUNTERS_ON_APPS: tuple[str, ...] = ("_css_update_count",)
# textual._compositor is a private module: its update classes (LayoutUpdate.strips and
# .region, ChopsUpdate, CompositorUpdate.render_segments) and Compositor.render_update.


def make_switchable(screen: Screen[Any], app: App[Any]) -> None:
    """Let `app.switch_screen` replace `screen` when it is Textual's first (default) screen.

    switch_screen pops a result callback from the screen it replaces, and Textual gives one
    only to the screens it pushes. Pushing the sign-in over Textual's empty default screen
    instead costs a second layout and a frame (~15 ms of a start that is measured).
    """
    screen._push_result_callback(app, None)


def replace_crash_report(
    app: App[Any], report: Callable[[BaseException], Any], before: Callable[[], None]
) -> None:
    """Print `report(error)` instead of Textual's traceback when `app` stops on a bug.

    Textual's report (App._fatal_error) is a rich Traceback with show_locals=True: a crash
    in a sign-in worker printed the password. There is no public hook for unhandled
    errors; these instance attributes shadow the two methods for this app only. `before`
    runs first (wipe the screen); the exit code stays Textual's 1.
    """
    handle = app._handle_exception
    crash: list[BaseException] = []

    def handle_exception(error: Exception) -> None:
        crash.append(error)  # Textual's _fatal_error takes no argument
        handle(error)  # sets the exit code to 1, and keeps the error for Pilot

    def fatal_error() -> None:
        app.bell()
        before()
        error = crash[0] if crash else RuntimeError("unknown")
        app._exit_renderables.append(report(error))
        # The app's own message loop may be the one that failed: close without waiting.
        app._close_messages_no_wait()

    # Shadowed on the instance: the class stays Textual's.
    app._handle_exception = handle_exception  # type: ignore[method-assign]
    app._fatal_error = fatal_error  # type: ignore[method-assign]


Cell = tuple[str, Any]  # a character and its Rich style; "" for the right half of a wide one


class _Changes(CompositorUpdate):
    """What a frame changed: for each changed line, its run of changed cells."""

    def __init__(self, runs: list[tuple[int, int, str]]) -> None:
        self.runs = runs  # (x, y, text with its styles)

    def render_segments(self, console: Console) -> str:
        move_to = Control.move_to
        return "".join(move_to(x, y).segment.text + text for x, y, text in self.runs)


def _cells(strips: list[Strip]) -> list[Cell]:
    cells: list[Cell] = []
    for strip in strips:
        for text, style, control in strip:
            if control:
                continue
            for character in text:
                width = cell_len(character)
                if width == 0 and cells:  # combining: part of the cell before
                    cells[-1] = (cells[-1][0] + character, cells[-1][1])
                elif width:
                    cells.append((character, style))
                    if width == 2:
                        cells.append(("", style))
    return cells


def _changed_run(old: list[Cell], new: list[Cell]) -> tuple[int, int]:
    """The first changed cell and the one after the last, whole wide characters kept."""
    start = 0
    while old[start] == new[start]:
        start += 1
    end = len(new)
    while old[end - 1] == new[end - 1]:
        end -= 1
    if new[start][0] == "" or old[start][0] == "":  # the right half of a wide character
        start -= 1
    if end < len(new) and (new[end][0] == "" or old[end][0] == ""):
        end += 1
    return start, end


def _render(cells: list[Cell], console: Console) -> str:
    segments: list[Segment] = []
    for character, style in cells:
        if segments and segments[-1].style is style:
            segments[-1] = Segment(segments[-1].text + character, style)
        else:
            segments.append(Segment(character, style))
    return Strip(segments).render(console)


class ChangedCellsOnly:
    """Write to the terminal only the cells a frame changed.

    Textual writes more than changes. A new screen is painted whole twice (once laid out,
    once more on resume); a refresh of the screen itself repaints every line; a key typed
    into an input repaints the input's three rows, borders included (about 750 bytes for
    one character). Each full 80x24 paint is 5-10 KB: on a 64 kbit/s SSH link, a second of
    lines the terminal already shows.

    This keeps what each line of the terminal shows, as cells, and for each frame Textual
    sends renders the whole screen from the compositor (about 1 ms at 80x24: the widgets'
    lines are cached) and writes, per line, only the run from its first changed cell to
    its last. `forget` (a resize, Ctrl+L) makes the next frame write every line.
    """

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        # Per line: its text as written, and the strips it came from (cells are worked out
        # from them only when the line changes: the first frame costs no more than Textual's).
        self._lines: list[tuple[str, list[Strip]] | None] = []
        display = app._display

        def display_changes(screen: Screen[Any], renderable: Any) -> None:
            display(screen, self._reduce(screen, renderable))

        app._display = display_changes  # type: ignore[method-assign]

    def forget(self) -> None:
        """The terminal may show anything now: the next frame writes every line."""
        self._lines = []

    def _reduce(self, screen: Screen[Any], renderable: Any) -> Any:
        app = self._app
        if renderable is None or app.is_headless:  # headless: nothing is written (Pilot)
            return renderable
        if (
            not isinstance(renderable, (LayoutUpdate, ChopsUpdate))
            or app.is_inline
            or screen is not app.screen
        ):
            self.forget()  # something else, written whole
            return renderable
        frame = (
            renderable  # already the whole screen
            if isinstance(renderable, LayoutUpdate) and not renderable.region.offset
            else screen._compositor.render_update(full=True, screen_stack=app._background_screens)
        )
        assert isinstance(frame, LayoutUpdate)
        if len(self._lines) != len(frame.strips):  # the first frame, or another size
            self._lines = [None] * len(frame.strips)
        console = app.console
        runs: list[tuple[int, int, str]] = []
        for y, line in enumerate(frame.strips):
            strips = list(line)
            text = "".join(strip.render(console) for strip in strips)
            shown = self._lines[y]
            if shown is not None and shown[0] == text:
                continue
            self._lines[y] = (text, strips)
            if shown is None:
                runs.append((0, y, text))
                continue
            old, cells = _cells(shown[1]), _cells(strips)
            if len(old) != len(cells):
                runs.append((0, y, text))
            elif old != cells:
                start, end = _changed_run(old, cells)
                runs.append((start, y, _render(cells[start:end], console)))
        return _Changes(runs)


def preload_screen_css(app: App[Any], screens: Iterable[type[Screen[Any]]]) -> None:
    """Add the CSS of these screen classes to the app's stylesheet now, in one parse.

    Textual adds a screen's CSS the first time the screen is shown (App._load_screen_css),
    and then parses every source again in a new stylesheet: about 10 ms at 80x24 on the
    step that shows it. Added here under the same names, Textual finds them there and
    parses nothing more.
    """
    stylesheet = app.stylesheet
    added = False
    for screen in screens:
        if not screen.CSS:
            continue
        read_from = (inspect.getfile(screen), f"{screen.__name__}.CSS")
        if stylesheet.has_source(*read_from):
            continue
        stylesheet.add_source(
            screen.CSS,
            read_from=read_from,
            is_default_css=False,
            scope=screen._css_type_name if screen.SCOPED_CSS else "",
        )
        added = True
    if added:
        stylesheet.reparse()
        stylesheet.update(app)


def css_generation(screen: Screen[Any]) -> int | None:
    """How many times the running app's styles were invalidated (a theme, a CSS change);
    None outside a running app (a screen a test builds on its own).

    Textual counts them in App._css_update_count and restyles what it must when the count
    moves. Styles applied at one count are current while it stays: a screen styled as it
    was built need not be styled again when it is shown (screens/base.py).
    """
    try:
        app = screen.app
    except RuntimeError:  # Textual's NoActiveAppError
        return None
    return int(app._css_update_count)
