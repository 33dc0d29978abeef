"""pycognito's SRP module loaded without pycognito's __init__ (cognito/pycognito_srp.py):
without jwt and cryptography, and with pycognito whole for anyone who imports it later.
Each case runs in a fresh interpreter: the test process has pycognito loaded already."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout.strip()


def test_aws_srp_comes_without_jwt_or_cryptography() -> None:
    out = run(
        """
        import sys
        from totp_tui.cognito.pycognito_srp import aws_srp
        module = aws_srp()
        print(module.__name__, hasattr(module, "AWSSRP"), "pycognito" in sys.modules,
              *(name in sys.modules for name in ("jwt", "cryptography", "boto3", "requests",
                                                 "s3transfer")))
        """
    )
    assert out == "pycognito.aws_srp True False False False False False False"


def test_boto3_and_requests_are_the_real_ones_wherever_used() -> None:
    out = run(
        """
        import sys
        from totp_tui.cognito.pycognito_srp import aws_srp
        module = aws_srp()
        import boto3, requests  # anyone else: the real modules
        print(type(boto3).__name__, type(requests).__name__, hasattr(boto3, "client"))
        # aws_srp's own name for boto3 reaches the real one if it is ever used
        print(module.boto3.client is boto3.client, module.requests.post is requests.post)
        """
    )
    assert out == "module module True\nTrue True"


def test_pycognito_imported_later_is_whole_and_shares_the_module() -> None:
    out = run(
        """
        from totp_tui.cognito.pycognito_srp import aws_srp
        first = aws_srp()
        import pycognito
        from pycognito.aws_srp import AWSSRP
        print(hasattr(pycognito, "Cognito"), AWSSRP is first.AWSSRP, aws_srp() is first)
        """
    )
    assert out == "True True True"


def test_with_pycognito_loaded_first_it_is_the_same_module() -> None:
    out = run(
        """
        import pycognito.aws_srp
        from totp_tui.cognito.pycognito_srp import aws_srp
        print(aws_srp() is pycognito.aws_srp)
        """
    )
    assert out == "True"
