"""`make bench`, section 9: each step of an enrolment, from Enter to the next screen visible.

The real `totp-tui` under tmux at 80x24 against the local Cognito, ENROLMENTS times (a new
user each): sign-in → the new-password screen, new password → the enrol screen (its QR
drawn), code → the done screen. For each step:

- Enter → visible: the form's text is typed in one `send-keys -l` burst (Tab as a literal
  tab inside it), and the benchmark waits until the app has handled it (the typed name or
  code shows, the password fields show one • a character) and the terminal has been quiet
  for QUIET_SECONDS. Then the clock is read, Enter sent, and the screen captured every ~5 ms
  (each capture-pane takes ~3 ms itself): the time is the middle of the capture that first
  showed the next screen, minus the moment before the Enter's send-keys call.
- The engine's share: the app runs with `--log-file`, where the request runner logs
  `request 'Signing in…' took 91.7 ms` for each request (a fixed description and a time). The
  lines written between the Enter and the capture that showed the next screen belong to the
  step; its engine share is the time of the step's own request(s). The screen's share is the
  rest: visible − engine (building, laying out and painting the next screen, and the hops
  between threads).
- Bytes: every byte the process writes to the terminal (tmux pipe-pane), from just before
  the Enter to SETTLE_SECONDS after the next screen is visible; the typing's bytes (the burst
  until it is handled) separately; and the whole enrolment, launch to exit.
- Full paints and rows written: see `paint_counts` (tests/support/terminal_frames.py).
- Peak memory: VmHWM of the pane's process, read on the done screen.

The floor, in the same run: tests/support/benchmark_minimal_switch.py, a minimal Textual app
whose Enter switches to a new instance of its other screen, timed and counted the same way,
SWITCHES times. No budget: it is what Textual itself costs for a screen change here.

Budgets: each step's median ≤ 100 ms; the whole enrolment ≤ 50 KB and at most one full
paint per screen change, in every run; peak memory ≤ 70 MB in every run.

Never a value: passwords, secrets and codes are typed and compared, never printed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.support.benchmark import (
    BIN,
    PRODUCT_TOTP_TUI,
    TOTP_TUI,
    BenchError,
    Pane,
    Report,
    Tmux,
    heading,
    line,
    median,
    new_users,
    peak_memory_kb,
    recorded_secrets,
    sign_in_ready,
)
from tests.support.benchmark_minimal_switch import TEXTS as SWITCH_TEXTS
from tests.support.terminal_frames import ROWS, paint_counts

if TYPE_CHECKING:
    from totp_tui.demo.local_cognito import DemoPool, LocalCognito

MINIMAL_SWITCH_APP = Path(__file__).resolve().parent / "benchmark_minimal_switch.py"

ENROLMENTS = 5
SWITCHES = 11
# A person reads the sign-in form and types a name and a password: seconds, in which the app
# loads what the next steps need. The benchmark waits as long before its burst.
READING_SECONDS = 3.0
QUIET_SECONDS = 0.15  # no byte to the terminal for this long: the typing is handled
SETTLE_SECONDS = 0.5  # after the next screen shows, its bytes still count for the step
STEP_TIMEOUT = 15.0
OUTPUT_POLL_SECONDS = 0.002  # between two looks at pipe-pane's file size (a stat call)

BUDGET_STEP_MS = 100.0
BUDGET_ENROLMENT_KB = 50.0
BUDGET_FULL_PAINTS = 1
BUDGET_PEAK_MB = 70.0

_REQUEST = re.compile(r"request (['\"])(?P<what>.*?)\1 took (?P<ms>[0-9.]+) ms")


@dataclass(frozen=True)
class Step:
    name: str
    ready: Callable[[str], bool]
    what: str  # the next screen, for a timeout's message
    requests: tuple[str, ...]  # the request descriptions the step waits for


def _shows(text: str) -> Callable[[str], bool]:
    return lambda shown: text in shown


def qr_drawn(text: str) -> bool:
    """The enrol screen with its QR: the field's label, and at least 11 rows (a version-1
    code's 21 modules, two a row) with half blocks in them. The code's full cells are spaces
    in the module's colour; ▀ and ▄ draw the edges where two modules differ (a few a row)."""
    rows = sum(1 for row in text.splitlines() if row.count("▀") + row.count("▄") >= 3)
    return "Code from the app" in text and rows >= 11


STEPS = (
    Step("sign-in → new password", _shows("New password"), "the new-password screen",
         ("Signing in…",)),
    Step("new password → enrol (QR)", qr_drawn, "the enrol screen with its QR",
         ("Setting the new password…",)),
    Step("code → done", _shows("is enrolled"), "the done screen", ("Checking the code…",)),
)  # fmt: skip


@dataclass(frozen=True)
class StepRun:
    seconds: float  # Enter → next screen visible
    engine_ms: float  # the step's own request(s), as the app logged them
    other_requests: tuple[str, ...]  # any other request logged meanwhile (descriptions)
    typing_bytes: int
    step_bytes: int  # Enter → SETTLE_SECONDS after visible
    rows: int
    full_paints: int

    @property
    def screen_ms(self) -> float:
        return self.seconds * 1000 - self.engine_ms


@dataclass(frozen=True)
class Enrolment:
    steps: tuple[StepRun, ...]
    total_bytes: int  # launch → exit, typing included
    peak_kb: int


# --- Reading the terminal's bytes ------------------------------------------------------------


def settle(output: Path, quiet: float = QUIET_SECONDS, most: float = 3.0) -> int:
    """Wait until no byte has reached the terminal for `quiet` s; the bytes so far."""
    deadline = time.monotonic() + most
    size, since = output.stat().st_size, time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            break  # a countdown that ticks: what was typed is on the screen already
        time.sleep(0.01)
        now = output.stat().st_size
        if now != size:
            size, since = now, time.monotonic()
    return size


def logged_requests(log: Path, start: int, end: int) -> list[tuple[str, float]]:
    with log.open("rb") as file:
        file.seek(start)
        text = file.read(end - start).decode("utf-8", "replace")
    return [(m.group("what"), float(m.group("ms"))) for m in _REQUEST.finditer(text)]


@dataclass(frozen=True)
class Timed:
    seconds: float  # Enter → visible
    typing_bytes: int
    step_bytes: int
    rows: int
    full_paints: int
    log_window: tuple[int, int]  # the log's bytes from Enter to visible


def wait_for_output(
    pane: Pane, output: Path, ready: Callable[[str], bool], what: str, start: int = -1
) -> float:
    """Like Pane.wait_for, but the screen is captured only when the app has written more to
    the terminal (pipe-pane's file grew): a capture spawns tmux, and capturing every 5 ms
    kept a core busy and slowed the local Cognito, which runs in this process, in every
    step it measured. The time is the middle of the capture that first showed it."""
    deadline = time.monotonic() + STEP_TIMEOUT
    seen_size = start
    while True:
        size = output.stat().st_size
        if size != seen_size:
            seen_size = size
            before = time.monotonic()
            text = pane.text()
            after = time.monotonic()
            if ready(text):
                return (before + after) / 2
        elif time.monotonic() > deadline:
            raise BenchError(f"timed out after {STEP_TIMEOUT:.0f}s waiting for {what}")
        time.sleep(OUTPUT_POLL_SECONDS)


def type_and_enter(
    pane: Pane,
    output: Path,
    burst: str,
    handled: Callable[[str], bool],
    ready: Callable[[str], bool],
    what: str,
    log: Path | None = None,
) -> Timed:
    """Type `burst`, wait until handled, press Enter and time it until ready(screen)."""
    before_typing = output.stat().st_size
    pane.tmux.run("send-keys", "-t", pane.pane_id, "-l", "--", burst)
    # Never the screen in a message: it holds what was typed.
    pane.wait_for(handled, 5, f"the typing before {what} to show")
    start_bytes = settle(output)
    log_start = log.stat().st_size if log else 0
    pressed = time.monotonic()
    pane.tmux.run("send-keys", "-t", pane.pane_id, "Enter")
    seen = wait_for_output(pane, output, ready, what)
    log_end = log.stat().st_size if log else 0
    time.sleep(max(0.0, seen + SETTLE_SECONDS - time.monotonic()))
    data = output.read_bytes()[start_bytes:]
    full, rows = paint_counts(data)
    return Timed(
        seen - pressed,
        start_bytes - before_typing,
        len(data),
        rows,
        full,
        (log_start, log_end),
    )


# --- The wizard ------------------------------------------------------------------------------


def wizard_command() -> Path:
    """The installed package's totp-tui (make product-venv), as a bastion runs it; without
    it, the development environment's, and the memory figure says so."""
    return PRODUCT_TOTP_TUI if PRODUCT_TOTP_TUI.exists() else TOTP_TUI


def enrol_once(tmux: Tmux, cognito: LocalCognito, pool: DemoPool, number: int) -> Enrolment:
    import pyotp

    from tests.support.totp_clock import wait_for_safe_window

    (user,) = new_users(cognito, pool, 1)
    output = tmux.directory / f"steps-{number}.bytes"
    log = tmux.directory / f"steps-{number}.log"
    output.touch()
    command = [
        str(wizard_command()),
        "--user-pool-id", pool.user_pool_id,
        "--client-id", pool.client_id,
        "--endpoint-url", cognito.endpoint_url,
        "--issuer", "Acme",
        "--log-file", str(log),
    ]  # fmt: skip
    timed: list[Timed] = []
    with recorded_secrets() as issued:
        pane = tmux.start(command, pipe_to=output)
        try:
            pane.wait_for(sign_in_ready, 30, "the sign-in screen")
            time.sleep(READING_SECONDS)
            bullets = pane.text().count("•")
            password, new_password = user["password"], user["new_password"]

            def masked(count: int) -> Callable[[str], bool]:
                return lambda text: text.count("•") == bullets + count

            name = user["username"]
            timed.append(
                type_and_enter(
                    pane, output, f"{name}\t{password}",
                    lambda text: name in text and masked(len(password))(text),
                    STEPS[0].ready, STEPS[0].what, log,
                )
            )  # fmt: skip
            bullets = pane.text().count("•")
            timed.append(
                type_and_enter(
                    pane, output, f"{new_password}\t{new_password}",
                    masked(2 * len(new_password)), STEPS[1].ready, STEPS[1].what, log,
                )
            )  # fmt: skip
            if len(issued) != 1:
                raise BenchError(f"{len(issued)} secrets were issued, expected 1")
            wait_for_safe_window()
            code = pyotp.TOTP(issued[0]).now()
            timed.append(
                type_and_enter(
                    pane, output, code, lambda text: code in text,
                    STEPS[2].ready, STEPS[2].what, log,
                )
            )  # fmt: skip
            peak_kb, process = peak_memory_kb(pane.pid)
            if "totp-tui" not in process:
                raise BenchError("the pane's process is not totp-tui")
            pane.tmux.run("send-keys", "-t", pane.pane_id, "Enter")  # Finish
            pane.wait_dead()
            time.sleep(0.2)  # pipe-pane's cat writes the last bytes
        finally:
            pane.close()
    runs = []
    for step, measured in zip(STEPS, timed, strict=True):
        requests = logged_requests(log, *measured.log_window)
        own = [ms for what, ms in requests if what in step.requests]
        if not own:
            raise BenchError(
                f"no {' or '.join(map(repr, step.requests))} request logged during the step "
                f"{step.name} (does the app log `request ... took ... ms`?)"
            )
        runs.append(
            StepRun(
                measured.seconds,
                sum(own),
                tuple(what for what, _ in requests if what not in step.requests),
                measured.typing_bytes,
                measured.step_bytes,
                measured.rows,
                measured.full_paints,
            )
        )
    return Enrolment(tuple(runs), output.stat().st_size, peak_kb)


# --- The floor -------------------------------------------------------------------------------


def minimal_switches(tmux: Tmux) -> list[Timed]:
    output = tmux.directory / "switch.bytes"
    output.touch()
    pane = tmux.start([str(BIN / "python"), str(MINIMAL_SWITCH_APP)], pipe_to=output)
    try:
        pane.wait_for(_shows(SWITCH_TEXTS[0]), 30, "the minimal switch app")
        time.sleep(1.0)
        switches = []
        for number in range(SWITCHES):
            typed = f"abc{number}"
            following = SWITCH_TEXTS[(number + 1) % 2]
            switches.append(
                type_and_enter(
                    pane, output, typed, _shows(typed), _shows(following),
                    "the minimal app's other screen",
                )
            )  # fmt: skip
        pane.tmux.run("send-keys", "-t", pane.pane_id, "C-q")
        pane.wait_dead()
    finally:
        pane.close()
    return switches


# --- The section -----------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    return f"{median(values):.0f} ms ({min(values):.0f}–{max(values):.0f})"


def steps_section(report: Report, tmux: Tmux, cognito: LocalCognito) -> None:
    heading(
        f"9. Each step of {ENROLMENTS} enrolments of the real totp-tui under tmux (80x24), "
        "Enter → next screen"
    )
    pool = cognito.create_pool()
    enrolments = [enrol_once(tmux, cognito, pool, number) for number in range(ENROLMENTS)]
    floor = minimal_switches(tmux)
    floor_ms = [switch.seconds * 1000 for switch in floor]
    floor_kb = median([switch.step_bytes for switch in floor]) / 1024
    floor_paints = max(switch.full_paints for switch in floor)
    line(
        "median (min–max) of Enter → visible; engine: the step's request as the app logged "
        "it; screen: the rest"
    )
    line(
        f"bytes: Enter → {SETTLE_SECONDS} s after visible, median, + the typing before "
        "Enter; full: full paints, most in one run; rows written, median"
    )
    for index, step in enumerate(STEPS):
        runs = [enrolment.steps[index] for enrolment in enrolments]
        visible = [run.seconds * 1000 for run in runs]
        engine = median([run.engine_ms for run in runs])
        screen = median([run.screen_ms for run in runs])
        kilobytes = median([run.step_bytes for run in runs]) / 1024
        typing = median([run.typing_bytes for run in runs]) / 1024
        paints = max(run.full_paints for run in runs)
        rows = median([run.rows for run in runs])
        others = sorted({what for run in runs for what in run.other_requests})
        verdict = report.verdict(f"step {step.name}", median(visible) <= BUDGET_STEP_MS)
        line(
            f"{step.name:<29} {spread(visible):<17} engine {engine:5.1f} ms, screen "
            f"{screen:5.1f} ms; {kilobytes:4.1f} KB + typing {typing:.1f} KB, "
            f"{paints} full, {rows:.0f} rows  {verdict}"
        )
        if others:
            line(f"   also logged during the step: {', '.join(others)}")
        report.row(
            f"Enter → next screen visible, {step.name} (median of {ENROLMENTS})",
            f"{spread(visible)}: engine {engine:.0f} ms, screen {screen:.0f} ms; "
            f"{kilobytes:.1f} KB, {paints} full paints",
            f"≤ {BUDGET_STEP_MS:.0f} ms",
            verdict,
        )
    line(
        f"{'floor: minimal Textual switch':<29} {spread(floor_ms):<17} ({SWITCHES} switches, "
        f"same run); {floor_kb:4.1f} KB a switch, {floor_paints} full"
    )
    report.row(
        f"A minimal Textual app's screen switch, same run (median of {SWITCHES})",
        f"{spread(floor_ms)}; {floor_kb:.1f} KB a switch",
    )

    totals = [enrolment.total_bytes / 1024 for enrolment in enrolments]
    typing_total = [sum(s.typing_bytes for s in enrolment.steps) / 1024 for enrolment in enrolments]
    verdict = report.verdict("enrolment bytes (steps)", max(totals) <= BUDGET_ENROLMENT_KB)
    line(
        f"whole enrolment, launch → exit: {median(totals):.1f} KB "
        f"({min(totals):.1f}–{max(totals):.1f}; typing {median(typing_total):.1f} KB); "
        f"budget ≤ {BUDGET_ENROLMENT_KB:.0f} KB in every run  {verdict}"
    )
    report.row(
        "Bytes to the terminal, whole enrolment (launch → exit, typing in bursts)",
        f"{median(totals):.0f} KB ({min(totals):.0f}–{max(totals):.0f})",
        f"≤ {BUDGET_ENROLMENT_KB:.0f} KB",
        verdict,
    )
    most = max(run.full_paints for enrolment in enrolments for run in enrolment.steps)
    verdict = report.verdict("full paints per screen change", most <= BUDGET_FULL_PAINTS)
    line(
        f"full paints per screen change: at most {most} (a run of output that writes all "
        f"{ROWS} rows); budget ≤ {BUDGET_FULL_PAINTS}  {verdict}"
    )
    report.row(
        "Full paints per screen change (most in any step)",
        str(most),
        f"≤ {BUDGET_FULL_PAINTS}",
        verdict,
    )
    peaks = [enrolment.peak_kb / 1024 for enrolment in enrolments]
    verdict = report.verdict("peak memory (steps)", max(peaks) <= BUDGET_PEAK_MB)
    where = (
        "the installed package, .venv-product"
        if wizard_command() == PRODUCT_TOTP_TUI
        else "the development environment: make product-venv for a user's figure"
    )
    line(
        f"peak memory (VmHWM on the done screen; {where}): {median(peaks):.1f} MB "
        f"({min(peaks):.1f}–{max(peaks):.1f}); budget ≤ {BUDGET_PEAK_MB:.0f} MB  {verdict}"
    )
    report.row(
        f"Peak memory of the wizard during an enrolment (VmHWM; {where.split(':')[0]})",
        f"{max(peaks):.0f} MB",
        f"≤ {BUDGET_PEAK_MB:.0f} MB",
        verdict,
    )
