"""The boto3 client for Cognito's user APIs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from totp_tui.config.settings import PoolConnection, Settings

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


def make_client(settings: Settings) -> CognitoIdentityProviderClient:
    """A client for the user APIs (InitiateAuth, RespondToAuthChallenge, AssociateSoftwareToken,
    VerifySoftwareToken...), which take no IAM signature.

    Unsigned means no credential chain: nothing to configure, and no multi-second probe of the
    EC2 metadata address on laptops. botocore is imported here, not at module level, so the
    first screen is up before it loads.

    botocore's own session, not boto3's: boto3 adds nothing to this client, and importing it
    imports s3transfer (S3 uploads, 3.5 MB and 100 ms) in every wizard process.
    """
    from botocore.session import Session

    client = Session().create_client(
        "cognito-idp",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        verify=settings.verify,
        config=client_config(settings, unsigned=True),
    )
    no_retry_after_read_timeout(client)
    drop_endpoint_table(client)
    return cast("CognitoIdentityProviderClient", client)  # botocore types it BaseClient


# botocore's loader keeps every JSON file it read, for the next client. endpoints.json, the
# legacy table of every service in every region, is 7 MB of Python objects once read: it
# served this client's creation, and nothing reads it again (requests use the service's own
# endpoint rules). A wizard makes one client per pool, and a bastion runs one wizard per
# SSH session: the table is dropped (a later client reads it again, in ~30 ms).
_ENDPOINT_TABLE = ("load_data_with_path", "endpoints")


def drop_endpoint_table(client: Any) -> None:
    cache = getattr(getattr(client, "_loader", None), "_cache", None)
    if isinstance(cache, dict):  # botocore's Loader keeps it there (instance_cache)
        cache.pop(_ENDPOINT_TABLE, None)


def no_retry_after_read_timeout(client: Any) -> None:
    """Retry throttling, 5xx and refused connections, but never a request that timed out
    waiting for its answer.

    botocore's standard mode retries a read timeout like any transient error: a silent
    endpoint then cost three full timeouts (90 s of "Signing in…"). And the request may
    have reached Cognito: a RespondToAuthChallenge or VerifySoftwareToken sent twice uses
    up the Session or the code, so the second try fails with a confusing error anyway.
    """
    service = client.meta.service_model.service_id.hyphenize()
    # First, at the standard handler's own level: the first answer that is not None wins.
    client.meta.events.register_first(
        f"needs-retry.{service}", _stop_after_read_timeout, unique_id="totp-tui-read-timeout"
    )


def _stop_after_read_timeout(caught_exception: BaseException | None = None, **_: Any) -> Any:
    from botocore.exceptions import ReadTimeoutError

    # False, not None: "do not retry", ahead of the standard handler's delay.
    return False if isinstance(caught_exception, ReadTimeoutError) else None


def client_config(
    pool: PoolConnection, *, unsigned: bool = False, attempts: int = 3, timeout: float | None = None
) -> Config:
    """botocore's settings for any client of ours (the user APIs unsigned, the Admin* APIs
    and STS signed): the pool's region and timeouts, standard retries.

    Three attempts in all by default (max_attempts would count retries: four), with standard
    mode's backoff for throttling and 5xx: a dead endpoint with the default timeouts then
    answers in about 1.5 minutes rather than 2.
    """
    from botocore import UNSIGNED
    from botocore.config import Config

    if not pool.verify_ssl:
        # The user asked for it with --no-verify-ssl; urllib3 would otherwise print a
        # warning to stderr on every request, over the wizard's screen.
        import warnings

        from urllib3.exceptions import InsecureRequestWarning

        warnings.simplefilter("ignore", InsecureRequestWarning)
    signing = {"signature_version": UNSIGNED} if unsigned else {}
    return Config(
        region_name=pool.region,
        retries={"mode": "standard", "total_max_attempts": attempts},
        connect_timeout=timeout or pool.connect_timeout,
        read_timeout=timeout or pool.read_timeout,
        user_agent_extra="totp-tui",
        **signing,
    )
