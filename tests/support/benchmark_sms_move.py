"""`make bench`, section 2b: a user who signs in with a code by SMS moves to the app.

EnrolmentFlow.sign_in → answer_other_code → token_enrolment(keep_other=False).start() →
verify_code, for USER_SRP_AUTH and USER_PASSWORD_AUTH, in a fresh interpreter (as section 2's
enrolments), counted the same way: the flow's ServiceCalls (which the token enrolment shares)
and the HTTP exchanges botocore makes. The local Cognito's pool has optional MFA: on an
MFA-ON pool its SRP sign-in asks for MFA_SETUP instead of SMS_MFA (DESIGN.md section 5).

Never a value: only names, counts and times.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Any

from tests.support.benchmark import (
    BenchError,
    EnrolmentTimes,
    Report,
    calls_minimal,
    enrolment_times,
    heading,
    line,
    median,
    ms,
    run_child,
    time_exchanges,
)

if TYPE_CHECKING:
    from totp_tui.demo.local_cognito import DemoPool, LocalCognito

SMS_MOVE_RUNS = 3  # of each flow, after one unmeasured run that loads the imports

SMS_MOVE_SRP_CALLS = (
    "InitiateAuth",
    "RespondToAuthChallenge(PASSWORD_VERIFIER)",
    "RespondToAuthChallenge(SMS_MFA)",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
)
SMS_MOVE_PASSWORD_CALLS = tuple(c for c in SMS_MOVE_SRP_CALLS if "PASSWORD_VERIFIER" not in c)
SMS_CODE = "123456"  # the local Cognito takes any code sent by SMS
FLOWS = (
    ("USER_SRP_AUTH", "SMS → app, SRP", SMS_MOVE_SRP_CALLS),
    ("USER_PASSWORD_AUTH", "SMS → app, USER_PASSWORD_AUTH", SMS_MOVE_PASSWORD_CALLS),
)


def child() -> int:
    """Move the users the parent created, one fresh client each; print timings as JSON."""
    job = json.load(sys.stdin)
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)  # pycognito's datetime.utcnow()
    import pyotp  # for the codes; not part of what is measured

    from tests.support.totp_clock import wait_for_safe_window
    from totp_tui.cognito.client import make_client
    from totp_tui.cognito.flow import EnrolmentFlow, OtherCodeRequired, SignedInWithCode
    from totp_tui.config.settings import Settings

    runs: list[dict[str, Any]] = []
    try:
        for run in job["runs"]:
            settings = Settings(
                region=job["region"],
                user_pool_id=job["user_pool_id"],
                client_id=job["client_id"],
                endpoint_url=job["endpoint_url"],
                auth_flow=run["flow"],
            )
            started = time.perf_counter()
            client = make_client(settings)
            make_seconds = time.perf_counter() - started
            exchanges = time_exchanges(client)
            flow = EnrolmentFlow(settings, client)
            steps: list[float] = []
            started = time.perf_counter()
            step: Any = flow.sign_in(run["username"], run["password"])
            steps.append(time.perf_counter() - started)
            if not isinstance(step, OtherCodeRequired) or step.challenge != "SMS_MFA":
                raise BenchError(f"sign-in gave {type(step).__name__}, not SMS_MFA")
            started = time.perf_counter()
            step = flow.answer_other_code(SMS_CODE)
            enrolment = flow.token_enrolment(keep_other=False)
            secret = enrolment.start().secret
            steps.append(time.perf_counter() - started)
            if not isinstance(step, SignedInWithCode):
                raise BenchError(f"the SMS code gave {type(step).__name__}, not signed in")
            wait_for_safe_window()  # not timed: a person reads the code off the phone here
            code = pyotp.TOTP(secret).now()
            del secret
            started = time.perf_counter()
            step = enrolment.verify_code(code)
            steps.append(time.perf_counter() - started)
            if type(step).__name__ != "Enrolled" or step.kept or step.moved_from != "SMS":
                raise BenchError(f"verify gave {type(step).__name__}, not Enrolled with SMS off")
            runs.append(
                {
                    "flow": run["flow"],
                    "make_client": make_seconds,
                    "steps": steps,
                    "exchanges": [[label, end - start] for label, start, end in exchanges],
                    "calls": flow.calls,
                }
            )
    except Exception as error:  # the type and, for our own errors, the message: no values
        detail = str(error) if isinstance(error, BenchError) else getattr(error, "code", "")
        json.dump({"error": f"{type(error).__name__} {detail}".strip()}, sys.stdout)
        return 1
    json.dump({"runs": runs}, sys.stdout)
    return 0


def sms_users(cognito: LocalCognito, pool: DemoPool, count: int) -> list[dict[str, str]]:
    import secrets

    from totp_tui.demo.local_cognito import temporary_password

    users = []
    for _ in range(count):
        user = {"username": f"benchsms{secrets.token_hex(4)}", "password": temporary_password()}
        cognito.create_sms_user(pool, user["username"], user["password"])
        users.append(user)
    return users


def run_sms_child(job: dict[str, Any]) -> list[dict[str, Any]]:
    answer = run_child(["tests.support.benchmark_sms_move", "--child"], job, "the SMS → app run")
    runs: list[dict[str, Any]] = answer["runs"]
    return runs


def sms_turned_off(cognito: LocalCognito, pool: DemoPool, username: str) -> bool:
    """What the service holds after the move: the app preferred, SMS MFA gone."""
    account = cognito.admin_client(pool.region).admin_get_user(
        UserPoolId=pool.user_pool_id, Username=username
    )
    settings = account.get("UserMFASettingList", [])
    return (
        "SMS_MFA" not in settings
        and "SOFTWARE_TOKEN_MFA" in settings
        and account.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA"
    )


def sms_move_section(report: Report, cognito: LocalCognito) -> None:
    heading("2b. SMS user moves to the app through the engine (SMS codes turned off)")
    pool = cognito.create_pool(mfa="OPTIONAL")
    users = {name: sms_users(cognito, pool, 1 + SMS_MOVE_RUNS) for name, _, _ in FLOWS}
    job = {
        "region": pool.region,
        "user_pool_id": pool.user_pool_id,
        "client_id": pool.client_id,
        "endpoint_url": cognito.endpoint_url,
        "runs": [{"flow": name, **user} for name, _, _ in FLOWS for user in users[name]],
    }
    runs = [enrolment_times(run) for run in run_sms_child(job)]
    moved = all(sms_turned_off(cognito, pool, u["username"]) for g in users.values() for u in g)
    line(
        f"pool with optional MFA, users with SMS MFA preferred; per flow 1 unmeasured + "
        f"{SMS_MOVE_RUNS} warm moves, a fresh client each; service = HTTP exchanges"
    )
    verdicts: list[bool] = []
    for index, (name, path, expected) in enumerate(FLOWS):
        group = runs[index * (1 + SMS_MOVE_RUNS) : (index + 1) * (1 + SMS_MOVE_RUNS)]
        warm: list[EnrolmentTimes] = group[1:]
        passed = calls_minimal(group, expected)
        verdicts.append(passed)
        verdict = report.verdict(f"{path} calls minimal", passed)
        report.record_calls(path, group, len(expected), passed)
        calls = sorted({r.calls for r in group}), sorted({len(r.exchanges) for r in group})
        line(
            f"{name}: whole move {ms(median([r.total for r in warm]))} (service "
            f"{ms(median([r.service for r in warm]))}); calls {calls[0]} (HTTP exchanges "
            f"{calls[1]}), minimum {len(expected)}: {', '.join(expected)}  {verdict}"
        )
        if not passed:
            seen = ", ".join(label for label, _ in group[0].exchanges)
            line(f"  calls made: {seen}")
    verdict_off = report.verdict("SMS MFA off after the move", moved)
    line(
        "after the moves, AdminGetUser: SMS_MFA gone and SOFTWARE_TOKEN_MFA preferred for "
        f"every user  {verdict_off}"
    )
    srp, password = (runs[index * (1 + SMS_MOVE_RUNS)].calls for index in range(len(FLOWS)))
    report.row(
        "Service calls per SMS → app move, SRP / USER_PASSWORD_AUTH",
        f"{srp} / {password}",
        f"minimum: {len(SMS_MOVE_SRP_CALLS)} / {len(SMS_MOVE_PASSWORD_CALLS)}",
        "PASS" if all(verdicts) and moved else "FAIL",
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        sys.exit(child())
    sys.exit(f"usage: {sys.argv[0]} --child (`make bench` runs this section)")
