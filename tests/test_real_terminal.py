"""The QR code as a real terminal emulator paints it: xterm under Xvfb, with an outline font
(DejaVu Sans Mono, the default of many Linux desktops), read from a screenshot by zbar.

zbar is not the decoder the rest of the suite uses (zxing-cpp), and it reads the pixels, not
the cells: what a phone's camera gets. It refuses inverted codes (light modules on dark),
which most phone scanners do too; a control below checks that it does.

Before the QR was drawn with background colours, xterm's outline-font block glyphs, a pixel
short of the row, left a light seam through the ink at every text row, and zbar read none
of these screenshots on a dark background. Under NO_COLOR on a light background the code
came out inverted, because xterm does not say it is light (no COLORFGBG) until it is asked
(OSC 11).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageGrab, ImageOps

from tests.support.ui_driving import PUBLIC_TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ("Xvfb", "xterm", "xdotool")
# A typical account name: with it the key URI is 141 characters, a 41-module code.
ACCOUNT = "firstname.lastname@enrolment.example-corporation.com"
FONT = "DejaVu Sans Mono"
SIZES = (8, 10, 12, 16)
WAIT_SECONDS = 20.0
LAUNCHES = 3  # xterm started at most this often when Xvfb refuses its connection

pytestmark = pytest.mark.e2e


def _missing() -> list[str]:
    missing = [name for name in NEEDED if shutil.which(name) is None]
    try:
        from pyzbar import pyzbar  # noqa: F401  (needs the libzbar0 system library)
    except ImportError:
        missing.append("libzbar0 (for pyzbar)")
    return missing


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the real-terminal test; missing: {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)} (make test installs them as root)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1200x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as numbers:
            number = numbers.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass(frozen=True)
class Case:
    size: int
    background: str  # "black" or "white"
    no_color: bool = False

    @property
    def id(self) -> str:
        return f"{self.size}pt-{self.background}{'-NO_COLOR' if self.no_color else ''}"


CASES = [Case(size, bg) for size in SIZES for bg in ("black", "white")] + [
    Case(size, "white", no_color=True) for size in (8, 12)
]


class Xterm:
    """One xterm showing the enrol screen app, 80x24, and what its window shows."""

    def __init__(self, display: str, case: Case) -> None:
        self.display = display
        foreground = "white" if case.background == "black" else "black"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "DISPLAY": display,
            "LANG": "C.UTF-8",
        }
        inner = ["TERM=xterm-256color", f"PYTHONPATH={ROOT}"]
        if case.no_color:
            inner.append("NO_COLOR=1")
        command = [
            "env",
            *inner,
            sys.executable,
            "-m",
            "tests.support.enrol_screen_app",
            "--account",
            ACCOUNT,
        ]
        self._argv = ["xterm", "-geometry", "80x24+0+0", "-fa", FONT, "-fs", str(case.size),
                      "-bg", case.background, "-fg", foreground, "-e", *command]  # fmt: skip
        self._env = env
        self._launches = 0
        self.process = self._launch()
        self._window = ""

    def _launch(self) -> subprocess.Popen[str]:
        self._launches += 1
        return subprocess.Popen(
            self._argv,
            env=self._env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,  # xterm's own complaints, named if it ends too soon
            text=True,
        )

    def window(self) -> str:
        """xterm's window. Looked for again until it is there: a search walks every window
        on the display, and one destroyed meanwhile (the previous case's xterm closing, on a
        loaded host) ends it with an X error and no result."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self._window:
            found = subprocess.run(
                ["xdotool", "search", "--pid", str(self.process.pid)],
                env={**os.environ, "DISPLAY": self.display},
                capture_output=True,
                text=True,
                timeout=WAIT_SECONDS,
            )
            if found.stdout.split():
                self._window = found.stdout.split()[-1]
                break
            if self.process.poll() is not None:
                said = self.process.stderr.read() if self.process.stderr else ""
                if "Can't open display" in said and self._launches < LAUNCHES:
                    # Xvfb turned the connection away (seen on a loaded host with two test
                    # workers): xterm never started, and neither did the app. Again.
                    self.process = self._launch()
                    continue
                raise AssertionError(f"xterm exited ({self.process.returncode}): {said.strip()!r}")
            assert time.monotonic() < deadline, f"no xterm window: {found.stderr.strip()!r}"
            time.sleep(0.1)
        return self._window

    def press(self, key: str) -> None:
        """A key as the X server's keyboard (XTEST) sends it: xterm ignores the synthetic
        events `xdotool key --window` would send to a window it is not focused on."""
        env = {**os.environ, "DISPLAY": self.display}
        subprocess.run(
            ["xdotool", "windowfocus", "--sync", self.window()], env=env, check=True, timeout=10
        )
        subprocess.run(["xdotool", "key", key], env=env, check=True, timeout=10)

    def screenshot(self) -> Image.Image:
        geometry = subprocess.run(
            ["xdotool", "getwindowgeometry", "--shell", self.window()],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        values = dict(line.split("=", 1) for line in geometry.split())
        x, y = int(values["X"]), int(values["Y"])
        width, height = int(values["WIDTH"]), int(values["HEIGHT"])
        return ImageGrab.grab(bbox=(x, y, x + width, y + height), xdisplay=self.display)

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()


def zbar_reads(picture: Image.Image) -> list[str]:
    from pyzbar import pyzbar

    found = pyzbar.decode(picture.convert("L"), symbols=[pyzbar.ZBarSymbol.QRCODE])
    return [symbol.data.decode("utf-8", "replace") for symbol in found]


def secrets_read(picture: Image.Image) -> list[str]:
    return [parse_qs(urlsplit(text).query).get("secret", [""])[0] for text in zbar_reads(picture)]


def read_when_shown(terminal: Xterm) -> tuple[list[str], Image.Image]:
    """Screenshots until zbar reads a code or the time is up (the app starts in a second or
    two; under load, longer)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        picture = terminal.screenshot()
        read = secrets_read(picture)
        if read or time.monotonic() > deadline:
            return read, picture
        time.sleep(0.3)


@pytest.fixture(params=CASES, ids=[case.id for case in CASES])
def terminal(request: pytest.FixtureRequest, display: str) -> Iterator[Xterm]:
    xterm = Xterm(display, request.param)
    try:
        yield xterm
    finally:
        xterm.close()


def test_zbar_refuses_an_inverted_code(display: str) -> None:
    """The control: the same screenshot with its colours swapped reads nothing, so a
    polarity bug cannot pass unseen."""
    xterm = Xterm(display, Case(12, "white"))
    try:
        read, picture = read_when_shown(xterm)
        assert read == [PUBLIC_TEST_SECRET]
        assert zbar_reads(ImageOps.invert(picture.convert("RGB"))) == []
    finally:
        xterm.close()


def test_the_code_reads_as_shown_and_zoomed(terminal: Xterm, tmp_path: Path) -> None:
    read, picture = read_when_shown(terminal)
    if read != [PUBLIC_TEST_SECRET]:
        picture.save(tmp_path / "shown.png")  # for whoever looks into the failure
    assert read == [PUBLIC_TEST_SECRET], f"zbar did not read the key (screenshot in {tmp_path})"
    terminal.press("z")
    deadline = time.monotonic() + WAIT_SECONDS
    zoomed = picture
    while zoomed.tobytes() == picture.tobytes():
        assert time.monotonic() < deadline, "z did not zoom the code"
        time.sleep(0.2)
        zoomed = terminal.screenshot()
    read = secrets_read(zoomed)
    while read != [PUBLIC_TEST_SECRET] and time.monotonic() < deadline:
        time.sleep(0.2)  # the zoomed frame may still be arriving
        zoomed = terminal.screenshot()
        read = secrets_read(zoomed)
    if read != [PUBLIC_TEST_SECRET]:
        zoomed.save(tmp_path / "zoomed.png")
    assert read == [PUBLIC_TEST_SECRET], f"zoomed, zbar did not read the key ({tmp_path})"
