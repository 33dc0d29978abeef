"""`make bench`, section 8: the pool report (`totp-tui admin report`) over 5,000 local users,
under Cognito's default request quotas.

The local Cognito answers TooManyRequestsException past 120 AdminGetUser a second (the
"UserRead" category's default quota) and 30 ListUsers a second ("UserList"), as Cognito does
(demo/request_quotas.py). The report runs as its own process, as a helpdesk runs it, with
JSON lines on a pipe that this process reads and counts. Its audit line gives the requests and
the throttles it absorbed; its peak memory is its VmHWM at exit. A run over
1,000 users first shows whether memory grows with the pool.

Budgets: every user reported; at most 1.1 requests per user (one AdminGetUser each, one
ListUsers per 60, and the retries of throttled calls); the time within 1.5 times the floor:
the quota's (users / 120 s), or the endpoint's own when it serves fewer (the local Cognito on
a slow or busy machine: a bare loop of AdminGetUser calls, as concurrent as the report's, in a
process of its own, measures it); peak memory under 100 MB, and within 5 MB of the 1,000-user
run.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.support.benchmark import BenchError, Report, heading, line

if TYPE_CHECKING:
    from totp_tui.demo.local_cognito import DemoPool, LocalCognito

USERS = 5_000
SMALL = 1_000
READ_QUOTA = 120.0  # AdminGetUser: Cognito's default for "UserRead", requests a second
LIST_QUOTA = 30.0  # ListUsers: "UserList"
BUDGET_REQUESTS_PER_USER = 1.1
BUDGET_TIME_OVER_FLOOR = 1.5
BUDGET_PEAK_MB = 100.0
BUDGET_GROWTH_MB = 5.0
# The installed command's entry point, in a process that says its own peak memory at exit:
# VmHWM belongs to the process's own memory map (getrusage's ru_maxrss would keep the
# forking parent's figure, this benchmark's, across exec).
CHILD = (
    "import atexit, re, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    sys.stderr.write('VMHWM_KB ' + re.search(r'VmHWM:\\s+(\\d+)', status)[1] + '\\n')\n"
    "atexit.register(peak)\n"
    "from totp_tui.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


# The endpoint's own pace: AdminGetUser calls with the report's concurrency and nothing else.
RAW_CALLS = 1_000
RAW_LOOP = (
    "import sys, time, boto3\n"
    "from concurrent.futures import ThreadPoolExecutor\n"
    "url, region, pool, workers, names = sys.argv[1], sys.argv[2], sys.argv[3],"
    " int(sys.argv[4]), sys.stdin.read().split()\n"
    "client = boto3.client('cognito-idp', region_name=region, endpoint_url=url,"
    " aws_access_key_id='local', aws_secret_access_key='local')\n"
    "client.admin_get_user(UserPoolId=pool, Username=names[0])\n"
    "started = time.monotonic()\n"
    "with ThreadPoolExecutor(workers) as pool_of_threads:\n"
    "    list(pool_of_threads.map(lambda n: client.admin_get_user(UserPoolId=pool,"
    " Username=n), names))\n"
    "print(len(names) / (time.monotonic() - started))\n"
)


def endpoint_rate(cognito: LocalCognito, pool: DemoPool) -> float:
    """AdminGetUser calls a second the local Cognito serves, unthrottled, to the report's
    number of concurrent callers (a process of its own, as the report is)."""
    from moto.cognitoidp.models import cognitoidp_backends

    from totp_tui.helpdesk.pool_report import DEFAULT_CONCURRENCY

    backend = cognitoidp_backends["123456789012"][pool.region]
    names = list(backend.user_pools[pool.user_pool_id].users)[:RAW_CALLS]
    env = {"PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"}
    command = [
        sys.executable, "-c", RAW_LOOP, cognito.endpoint_url, pool.region, pool.user_pool_id,
        str(DEFAULT_CONCURRENCY),
    ]  # fmt: skip
    done = subprocess.run(
        command, input="\n".join(names), capture_output=True, text=True, env=env, timeout=300
    )
    if done.returncode != 0:
        raise BenchError(f"the bare AdminGetUser loop failed: {done.stderr.strip()[-300:]}")
    return float(done.stdout.strip())


@dataclass(frozen=True)
class ReportFigures:
    users: int
    rows: int
    seconds: float
    requests: int
    throttles: int
    peak_kb: int


def seed_users(pool: DemoPool, count: int) -> None:
    """`count` users straight into the emulator's memory (this process runs it): a third with
    an app, a third with SMS, a third with nothing yet. AdminCreateUser over HTTP would take
    longer than the report itself."""
    from moto.cognitoidp.models import cognitoidp_backends

    from totp_tui.demo.local_cognito import temporary_password

    backend = cognitoidp_backends["123456789012"][pool.region]
    password = temporary_password()
    for number in range(count):
        user = backend.admin_create_user(
            pool.user_pool_id, f"bench{number:05d}{secrets.token_hex(2)}", "SUPPRESS", password, []
        )
        if number % 3 == 0:
            user.token_verified = user.software_token_mfa_enabled = True
            user.preferred_mfa_setting = "SOFTWARE_TOKEN_MFA"
        elif number % 3 == 1:
            user.sms_mfa_enabled = True
            user.preferred_mfa_setting = "SMS_MFA"


def run_report(cognito: LocalCognito, pool: DemoPool, users: int) -> ReportFigures:
    with tempfile.TemporaryDirectory(prefix="totp-tui-bench-report-") as directory:
        state = Path(directory)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": directory,
            "XDG_STATE_HOME": str(state),
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_CONFIG_FILE": str(state / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(state / "none"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        command = [
            sys.executable, "-c", CHILD, "admin", "report", "--output", "jsonl",
            "--user-pool-id", pool.user_pool_id, "--endpoint-url", cognito.endpoint_url,
        ]  # fmt: skip
        started = time.monotonic()
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
        )
        assert child.stdout is not None and child.stderr is not None
        rows = sum(1 for _ in child.stdout)  # read as it streams
        err = child.stderr.read()
        status = child.wait(timeout=600)
        seconds = time.monotonic() - started
        if status != 0:
            raise BenchError(f"the report exited with {status}: {err.strip()[-300:]}")
        entry: dict[str, Any] = json.loads(
            (state / "totp-tui" / "audit.jsonl").read_text().splitlines()[-1]
        )
        peak = next(
            (int(row.split()[1]) for row in err.splitlines() if row.startswith("VMHWM_KB ")),
            None,
        )
        if peak is None:
            raise BenchError("the report did not say its peak memory")
        return ReportFigures(
            users, rows, seconds, int(entry["requests"]), int(entry["throttles_absorbed"]), peak
        )


def pool_report_section(report: Report, cognito: LocalCognito) -> None:
    heading(f"8. The pool report over {USERS:,} users, under Cognito's default quotas")
    small_pool, pool = cognito.create_pool(name="bench-small"), cognito.create_pool(name="bench")
    seed_users(small_pool, SMALL)
    seed_users(pool, USERS)
    line(
        f"quotas: AdminGetUser {READ_QUOTA:.0f}/s, ListUsers {LIST_QUOTA:.0f}/s "
        "(TooManyRequestsException past them); default concurrency; JSON lines to a pipe"
    )
    raw_rate = endpoint_rate(cognito, pool)
    line(
        f"the local Cognito alone: {raw_rate:.0f} AdminGetUser a second to "
        f"the report's concurrency ({RAW_CALLS:,} calls, no quota)"
    )
    cognito.set_request_quota("AdminGetUser", READ_QUOTA)
    cognito.set_request_quota("ListUsers", LIST_QUOTA)
    try:
        small = run_report(cognito, small_pool, SMALL)
        full = run_report(cognito, pool, USERS)
    finally:
        cognito.set_request_quota("AdminGetUser", None)
        cognito.set_request_quota("ListUsers", None)
    for figures in (small, full):
        line(
            f"{figures.users:,} users: {figures.rows:,} rows in {figures.seconds:.1f} s "
            f"({figures.rows / figures.seconds:.0f}/s), {figures.requests:,} requests, "
            f"{figures.throttles:,} throttles absorbed, peak {figures.peak_kb / 1024:.1f} MB"
        )
    complete = report.verdict("report: every user", full.rows == USERS and small.rows == SMALL)
    per_user = full.requests / full.users
    calls_ok = report.verdict("report: requests per user", per_user <= BUDGET_REQUESTS_PER_USER)
    quota_floor = USERS / READ_QUOTA
    floor = max(quota_floor, USERS / raw_rate)
    floor_name = "the quota's" if floor == quota_floor else "the endpoint's"
    ratio = full.seconds / floor
    time_ok = report.verdict("report: time", ratio <= BUDGET_TIME_OVER_FLOOR)
    growth_mb = (full.peak_kb - small.peak_kb) / 1024
    memory_ok = report.verdict(
        "report: memory",
        full.peak_kb / 1024 < BUDGET_PEAK_MB and growth_mb <= BUDGET_GROWTH_MB,
    )
    line(f"every user reported: {complete}")
    line(f"requests per user {per_user:.3f} (budget <= {BUDGET_REQUESTS_PER_USER})  {calls_ok}")
    line(
        f"time {full.seconds:.1f} s = {ratio:.2f} x {floor_name} floor of {floor:.1f} s "
        f"(budget <= {BUDGET_TIME_OVER_FLOOR})  {time_ok}"
    )
    line(
        f"peak memory {full.peak_kb / 1024:.1f} MB, {growth_mb:+.1f} MB against {SMALL:,} users "
        f"(budget < {BUDGET_PEAK_MB:.0f} MB, growth <= {BUDGET_GROWTH_MB:.0f} MB)  {memory_ok}"
    )
    report.row(
        f"Pool report, {USERS:,} users under the default quotas (120 AdminGetUser/s)",
        f"{full.seconds:.1f} s ({ratio:.2f} x {floor_name} floor of {floor:.1f} s"
        + (")" if floor == quota_floor else f"; the quota's is {quota_floor:.1f} s)"),
        f"≤ {BUDGET_TIME_OVER_FLOOR} x floor",
        time_ok,
    )
    report.row(
        "Pool report: requests per user, throttles absorbed",
        f"{per_user:.3f}; {full.throttles:,} throttles absorbed, every user reported",
        f"≤ {BUDGET_REQUESTS_PER_USER}",
        "PASS" if calls_ok == "PASS" and complete == "PASS" else "FAIL",
    )
    report.row(
        "Pool report: peak memory, 5,000 users (1,000 users)",
        f"{full.peak_kb / 1024:.1f} MB ({small.peak_kb / 1024:.1f} MB)",
        f"< {BUDGET_PEAK_MB:.0f} MB, growth ≤ {BUDGET_GROWTH_MB:.0f} MB",
        memory_ok,
    )


if __name__ == "__main__":
    # This section alone: `python -m tests.support.benchmark_pool_report`.
    from tests.support import benchmark
    from tests.support.benchmark_pool_report import pool_report_section as section
    from totp_tui.demo.local_cognito import LocalCognito as Emulator

    alone = benchmark.Report()
    emulator = Emulator().start()
    try:
        section(alone, emulator)
    finally:
        emulator.stop()
    benchmark.print_table(alone, benchmark.machine())
    sys.exit(0 if all(check.passed for check in alone.checks) else 1)
