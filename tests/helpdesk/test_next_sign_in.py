"""What the next sign-in asks, as `admin status` and the pool report say it: Cognito's rules,
checked over generated users and pools (Hypothesis), and a few cases spelt out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from totp_tui.helpdesk.next_sign_in import (
    ASKS,
    DISABLED,
    EMAIL,
    NO_CODE,
    OFF,
    OFFERED,
    OPTIONAL,
    REQUIRED,
    SET_UP_APP,
    SMS,
    TOTP,
    PoolMfa,
    factor_class,
    next_sign_in,
)

STATUSES = ("CONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED", "UNCONFIRMED")
factor_lists = st.lists(st.sampled_from((TOTP, SMS, EMAIL)), unique=True).map(tuple)
pools = st.builds(
    PoolMfa,
    configuration=st.sampled_from((REQUIRED, OPTIONAL, OFF)),
    totp=st.booleans(),
    sms=st.booleans(),
    email=st.booleans(),
)
maybe_pools = st.none() | pools
preferences = st.none() | st.sampled_from((TOTP, SMS, EMAIL))


@given(st.sampled_from(STATUSES), st.booleans(), factor_lists, preferences, maybe_pools)
def test_always_one_line_of_text(
    status: str,
    enabled: bool,
    factors: tuple[str, ...],
    preferred: str | None,
    pool: PoolMfa | None,
) -> None:
    said = next_sign_in(status, enabled, factors, preferred, pool)
    assert said and "\n" not in said and said == said.strip()


@given(st.sampled_from(STATUSES), factor_lists, preferences, maybe_pools)
def test_a_disabled_user_is_refused_whatever_else(
    status: str, factors: tuple[str, ...], preferred: str | None, pool: PoolMfa | None
) -> None:
    assert next_sign_in(status, False, factors, preferred, pool) == DISABLED


@given(factor_lists, preferences, pools)
def test_a_pool_with_mfa_off_asks_for_no_code(
    factors: tuple[str, ...], preferred: str | None, pool: PoolMfa
) -> None:
    off = PoolMfa(OFF, pool.totp, pool.sms, pool.email)
    assert next_sign_in("CONFIRMED", True, factors, preferred, off) == NO_CODE


@given(factor_lists, pools, st.data())
def test_the_preferred_factor_is_asked(
    factors: tuple[str, ...], pool: PoolMfa, data: st.DataObject
) -> None:
    if not factors or pool.configuration == OFF:
        return
    preferred = data.draw(st.sampled_from(factors))
    assert next_sign_in("CONFIRMED", True, factors, preferred, pool) == ASKS[preferred]


@given(pools, st.sampled_from((TOTP, SMS, EMAIL)))
def test_a_single_factor_is_asked_even_unpreferred(pool: PoolMfa, factor: str) -> None:
    if pool.configuration == OFF:
        return
    assert next_sign_in("CONFIRMED", True, (factor,), None, pool) == ASKS[factor]


@given(pools, factor_lists)
def test_several_factors_and_no_preference_is_a_choice(
    pool: PoolMfa, factors: tuple[str, ...]
) -> None:
    if pool.configuration == OFF or len(factors) < 2:
        return
    said = next_sign_in("CONFIRMED", True, factors, None, pool)
    assert said.startswith("a choice of ")
    assert all(ASKS[factor] in said for factor in factors)


@given(pools)
def test_no_factor_left(pool: PoolMfa) -> None:
    """After the app is deleted: MFA_SETUP where MFA is required, nothing where optional."""
    said = next_sign_in("CONFIRMED", True, (), None, pool)
    if pool.configuration == REQUIRED:
        assert said.startswith("set up ")
        assert (said == SET_UP_APP) is pool.totp
    elif pool.configuration == OPTIONAL:
        assert said == OFFERED
    else:
        assert said == NO_CODE


@given(st.sampled_from(("FORCE_CHANGE_PASSWORD", "RESET_REQUIRED", "UNCONFIRMED")),
       factor_lists, preferences, maybe_pools)  # fmt: skip
def test_a_step_before_sign_in_comes_first_then_the_same_mfa(
    status: str, factors: tuple[str, ...], preferred: str | None, pool: PoolMfa | None
) -> None:
    said = next_sign_in(status, True, factors, preferred, pool)
    then = next_sign_in("CONFIRMED", True, factors, preferred, pool)
    assert said.endswith(f", then {then}")
    if status == "RESET_REQUIRED":
        assert "code Cognito sends to their verified email or phone" in said


@given(factor_lists, preferences)
def test_an_unknown_pool_says_what_depends_on_it(
    factors: tuple[str, ...], preferred: str | None
) -> None:
    said = next_sign_in("CONFIRMED", True, factors, preferred, None)
    assert "unless the pool's MFA is off" in said or "if the pool requires MFA" in said
    # Whatever the pool turns out to be, the known answer is one of those it names.
    known = {next_sign_in("CONFIRMED", True, factors, preferred, PoolMfa(c, True, False, False))
             for c in (REQUIRED, OPTIONAL)}  # fmt: skip
    assert any(answer.split(" (")[0] in said for answer in known)


@given(factor_lists)
def test_factor_class(factors: tuple[str, ...]) -> None:
    kind = factor_class(factors)
    assert (kind == "TOTP") is (TOTP in factors)
    assert (kind == "none") is (not factors)
    assert (kind == "SMS/email only") is (bool(factors) and TOTP not in factors)


@given(pools)
def test_pool_from_get_user_pool_mfa_config(pool: PoolMfa) -> None:
    answer: dict[str, object] = {"MfaConfiguration": pool.configuration}
    answer["SoftwareTokenMfaConfiguration"] = {"Enabled": pool.totp}
    if pool.sms:
        answer["SmsMfaConfiguration"] = {"SmsConfiguration": {"SnsCallerArn": "arn"}}
    if pool.email:
        answer["EmailMfaConfiguration"] = {"Message": "{####}"}
    assert PoolMfa.from_response(answer) == pool


def test_cases_as_the_status_command_shows_them() -> None:
    required = PoolMfa(REQUIRED, totp=True, sms=True, email=False)
    assert required.words == "required: app (TOTP), SMS"
    assert PoolMfa(OFF, True, False, False).words == "off"
    assert next_sign_in("CONFIRMED", True, (TOTP,), TOTP, required) == "code from the app"
    assert next_sign_in("CONFIRMED", True, (SMS,), SMS, required) == "SMS code"
    assert next_sign_in("CONFIRMED", True, (), None, required) == "set up an app"
    assert next_sign_in("RESET_REQUIRED", True, (), None, required) == (
        "a new password with the code Cognito sends to their verified email or phone, "
        "then set up an app"
    )
    assert next_sign_in("EXTERNAL_PROVIDER", True, (), None, required) == (
        "sign-in through their identity provider"
    )
