"""A terminal too small for the screen: a notice in the screen's place, saying what it needs.

Every screen is laid out for 80x24 and scrolls when its content does not fit. Below that,
content that has to scroll is content a person does not see: at 20x8 the sign-in's fields
were off the screen with nothing saying why, and an error under a field is never read. So
while the current screen cannot show all it holds, a notice covers it, naming the size it
needs. The screen stays under the notice, laid out as usual (so it is still measured on
every resize) and with what was typed; it comes back as soon as the terminal is big enough.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakSet

from textual import events
from textual.app import App, ScreenStackError
from textual.containers import ScrollableContainer
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

# The size every screen is laid out for. At that size or larger, a screen whose content still
# does not fit (a long message, many required attributes) scrolls, as it always has.
DESIGN_SIZE = Size(80, 24)
# An 80-column terminal split in two. Narrower, a field shows fewer characters than an email
# address, every message wraps to a column of words, and the footer loses most of its keys.
MIN_COLUMNS = 40
NOTICE_ID = "terminal-too-small"
COVERED = "-too-small"  # the screen's class while covered (TooSmallNotice: no scrollbars)


def needed_size(screen: Screen[Any]) -> Size:
    """The terminal `screen` needs to show everything it holds at once, at most DESIGN_SIZE
    in each direction.

    Measured on the layout Textual made for the current size: the rows and columns that the
    screen, or a scrolling part of it (the enrol screen's text column), lacks. Below
    MIN_COLUMNS the rows err on the large side (text wraps more than it will at 40
    columns), and the columns are MIN_COLUMNS: the rest is measured once there.
    """
    from textual.widgets import Footer  # after the first paint, as the screens load it

    size = screen.app.size
    parts: list[Widget] = [screen]
    if screen.maximized is None:  # zoomed, the maximized widget is all the screen shows
        parts += [
            part
            for part in screen.query(ScrollableContainer)
            # The footer scrolls its keys sideways by design (narrow terminals cut it).
            if not isinstance(part, Footer) and _displayed(part)
        ]
    rows = size.height + max(part.max_scroll_y for part in parts)
    columns = size.width + max(part.max_scroll_x for part in parts)
    if size.width < MIN_COLUMNS:  # what is too wide at 20 columns may fit at 40: ask for 40
        columns = MIN_COLUMNS
    return Size(min(max(columns, MIN_COLUMNS), DESIGN_SIZE.width), min(rows, DESIGN_SIZE.height))


def _displayed(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def too_small_text(needed: Size, now: Size) -> str:
    return (
        f"Terminal too small: needs at least {needed.width}×{needed.height}, "
        f"now {now.width}×{now.height} — enlarge the window.\n\nCtrl+Q quits."
    )


class TooSmallNotice(Static):
    """Covers the whole terminal, above the screen's own docks (title bar, footer), without
    taking any room in its layout."""

    # Here rather than in app.tcss: Textual parses a widget's CSS when one is first mounted,
    # so a terminal big enough never pays for it at start-up (which is measured). Not scoped
    # to this widget: the second rule is the covered screen's.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    /* `overlay` draws the notice above the screen's docks; absolute, it starts at the
       screen's top-left corner rather than after the cards. */
    #terminal-too-small {
        overlay: screen;
        position: absolute;
        width: 100vw;
        height: 100vh;
        padding: 0 1;
        content-align: center middle;
        text-align: center;
        background: $background;
        color: $text-warning;
    }
    /* No scrollbars beside the notice, and nothing scrolls under it. */
    Screen.-too-small {
        overflow: hidden hidden;
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, id=NOTICE_ID, markup=False)
        self.text = text

    def show(self, text: str) -> None:
        if text != self.text:  # an update lays the screen out again, which checks again
            self.text = text
            self.update(text)


class TooSmallGuard:
    """Watches the current screen's layout, and covers the screen while it cannot show.

    While covered, keys and pastes go nowhere, as they would go into fields nobody sees
    (an Enter would send them); the app's own keys (`passes`: quit, theme) still work.
    """

    def __init__(self, app: App[Any], passes: frozenset[str]) -> None:
        self._app = app
        self._passes = passes
        self._watched: WeakSet[Screen[Any]] = WeakSet()
        self._started = False

    def start(self) -> None:
        """From the app's on_mount: this screen, and every screen shown later."""
        if self._started:
            return
        self._started = True
        self._app.screen_change_signal.subscribe(self._app, self._watch)
        self._watch(self._app.screen)

    def _watch(self, screen: Screen[Any]) -> None:
        if screen not in self._watched:
            self._watched.add(screen)
            # After each layout (a resize, a message, a field shown or hidden), on the app's
            # queue: measured on the layout just made.
            screen.screen_layout_refresh_signal.subscribe(self._app, self.check)
        self._app.call_after_refresh(self.check, screen)  # one laid out already

    @property
    def covering(self) -> bool:
        try:
            screen = self._app.screen
        except ScreenStackError:  # before the first screen, or after the last
            return False
        notice = _notice_of(screen)
        return notice is not None and notice.display

    def check(self, screen: Screen[Any]) -> None:
        """Cover `screen` if the terminal is too small for it, uncover it once it is not."""
        if not self._showing(screen):
            return  # a screen under another one: checked when it is current again
        size = self._app.size
        needed = needed_size(screen)
        notice = _notice_of(screen)
        if size.width >= needed.width and size.height >= needed.height:
            if notice is not None and notice.display:
                notice.display = False
                screen.remove_class(COVERED)
                if screen.focused is not None:  # where the person was, in view again
                    screen.focused.scroll_visible(animate=False)
            return
        shown = Size(max(needed.width, size.width), needed.height)
        text = too_small_text(shown, size)
        # From the top: the notice is placed at the start of the screen's scrolled content.
        screen.scroll_home(animate=False)
        # The notice first: mounting the first one brings its CSS, which the screen's class
        # needs when it is added (a class change restyles at once, with the rules known then).
        if notice is None:
            screen.mount(TooSmallNotice(text))
        else:
            notice.show(text)
            notice.display = True
        screen.add_class(COVERED)

    def _showing(self, screen: Screen[Any]) -> bool:
        try:
            current = self._app.screen
        except ScreenStackError:
            return False
        return screen is current and screen.is_attached and screen.is_running

    def holds(self, event: events.Event) -> bool:
        """Whether `event` is a key or paste that goes nowhere: the screen cannot show."""
        if not isinstance(event, (events.Key, events.Paste)) or not self.covering:
            return False
        return isinstance(event, events.Paste) or event.key not in self._passes


def _notice_of(screen: Screen[Any]) -> TooSmallNotice | None:
    notices = screen.query_children(TooSmallNotice)
    return notices.first() if notices else None
