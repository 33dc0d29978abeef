"""otpauth:// key URIs, secret grouping and code normalisation, as authenticator apps see them."""

from __future__ import annotations

import base64
import time
from urllib.parse import parse_qsl, unquote, urlsplit

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from totp_tui.authenticator.key_uri import (
    KeyUri,
    KeyUriError,
    build_key_uri,
    group_secret,
    normalise_code,
    parse_key_uri,
)

# Made-up secrets: 160 bits in base32, as Cognito issues them.
FAKE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OTHER_FAKE_SECRET = base64.b32encode(bytes(range(20))).decode("ascii")

# Any text an issuer or account might hold, as long as it has no ':' (the label separator).
label_text = st.text(min_size=1, max_size=40).filter(lambda text: ":" not in text)
awkward_text = st.text(
    alphabet=st.sampled_from([*" @/?&%#+=.;,'\"\\", "é", "例", "😀", "\u00a0"])
    | st.characters(codec="utf-8"),
    min_size=1,
    max_size=40,
).filter(lambda text: ":" not in text)


class TestBuildKeyUri:
    def test_format(self) -> None:
        uri = build_key_uri("AWSCognito", "alice", FAKE_SECRET)
        assert uri == f"otpauth://totp/AWSCognito:alice?secret={FAKE_SECRET}&issuer=AWSCognito"

    def test_each_part_percent_encoded_on_its_own(self) -> None:
        uri = build_key_uri("Acme Co/EU", "bob@example.com", FAKE_SECRET)
        assert uri == (
            "otpauth://totp/Acme%20Co%2FEU:bob%40example.com"
            f"?secret={FAKE_SECRET}&issuer=Acme%20Co%2FEU"
        )

    def test_query_characters_in_names_cannot_break_the_uri(self) -> None:
        uri = build_key_uri("A&B?", "x#y&issuer=evil", FAKE_SECRET)
        parts = urlsplit(uri)
        assert parts.fragment == ""
        assert parts.query == f"secret={FAKE_SECRET}&issuer=A%26B%3F"
        assert parse_key_uri(uri) == KeyUri("A&B?", "x#y&issuer=evil", FAKE_SECRET)

    @pytest.mark.parametrize(
        ("issuer", "account"),
        [("Acme:EU", "alice"), ("Acme", "corp:alice"), (":", "alice"), ("", "alice"), ("Acme", "")],
    )
    def test_colon_or_empty_refused(self, issuer: str, account: str) -> None:
        with pytest.raises(KeyUriError):
            build_key_uri(issuer, account, FAKE_SECRET)

    @pytest.mark.parametrize("secret", ["", "JBSW1", "JBSW Y3DP 0000", "not base32!"])
    def test_secret_must_be_base32(self, secret: str) -> None:
        with pytest.raises(KeyUriError):
            build_key_uri("Acme", "alice", secret)

    def test_secret_is_normalised(self) -> None:
        # Grouped, lower case, padded: what a person might copy. Apps want it plain.
        grouped = " ".join(FAKE_SECRET[i : i + 4] for i in range(0, 32, 4)).lower()
        uri = build_key_uri("Acme", "alice", grouped)
        assert f"secret={FAKE_SECRET}&" in uri
        padded = base64.b32encode(b"1234").decode("ascii")
        assert padded.endswith("=")
        query = dict(parse_qsl(urlsplit(build_key_uri("Acme", "alice", padded)).query))
        assert query["secret"] == padded.rstrip("=")

    def test_no_algorithm_digits_or_period_parameters(self) -> None:
        # SHA1/6/30 are every app's defaults; some apps mishandle the explicit parameters.
        query = urlsplit(build_key_uri("Acme", "alice", FAKE_SECRET)).query
        assert sorted(pair.split("=")[0] for pair in query.split("&")) == ["issuer", "secret"]


class TestRoundTrip:
    @given(issuer=awkward_text, account=awkward_text)
    def test_any_names_without_colon_round_trip(self, issuer: str, account: str) -> None:
        uri = build_key_uri(issuer, account, FAKE_SECRET)
        assert parse_key_uri(uri) == KeyUri(issuer, account, FAKE_SECRET)

    @given(issuer=label_text, account=label_text)
    def test_label_has_one_raw_colon_and_issuer_in_both_places(
        self, issuer: str, account: str
    ) -> None:
        uri = build_key_uri(issuer, account, FAKE_SECRET)
        assert uri.isascii()
        parts = urlsplit(uri)
        assert (parts.scheme, parts.netloc, parts.fragment) == ("otpauth", "totp", "")
        label = parts.path.removeprefix("/")
        assert label.count(":") == 1
        prefix, account_part = label.split(":")
        for raw in " /?#&@%":
            if raw == "%":
                continue  # every escape starts with '%'
            assert raw not in prefix and raw not in account_part
        query = dict(pair.split("=", 1) for pair in parts.query.split("&"))
        assert set(query) == {"secret", "issuer"}
        # Same encoding in the label prefix and the parameter (Microsoft reads the prefix).
        assert query["issuer"] == prefix
        assert unquote(prefix) == issuer
        assert unquote(account_part) == account

    @given(issuer=label_text, account=label_text)
    def test_pyotp_reads_the_same_names_and_secret(self, issuer: str, account: str) -> None:
        # pyotp is an independent reader of the format; it insists the issuers agree.
        otp = pyotp.parse_uri(build_key_uri(issuer, account, FAKE_SECRET))
        assert isinstance(otp, pyotp.TOTP)
        assert (otp.issuer, otp.name) == (issuer, account)
        assert otp.secret == FAKE_SECRET

    def test_codes_from_the_uri_match_codes_from_the_secret(self) -> None:
        # The phone app scans the URI; Cognito holds the secret. They must make the same codes.
        otp = pyotp.parse_uri(build_key_uri("AWSCognito", "alice", OTHER_FAKE_SECRET))
        assert isinstance(otp, pyotp.TOTP)
        assert (otp.digits, otp.interval, otp.digest().name) == (6, 30, "sha1")
        reference = pyotp.TOTP(OTHER_FAKE_SECRET)
        now = time.time()
        for offset in (-30, 0, 30, 86400):
            assert otp.at(now + offset) == reference.at(now + offset)

    def test_parse_refuses_other_uris(self) -> None:
        for uri in (
            "https://example.com/",
            "otpauth://hotp/Acme:alice?secret=JBSWY3DP&issuer=Acme",
            "otpauth://totp/alice?secret=JBSWY3DP&issuer=Acme",
            "otpauth://totp/Acme:alice?secret=JBSWY3DP&issuer=Other",
        ):
            with pytest.raises(KeyUriError):
                parse_key_uri(uri)


class TestGroupSecret:
    def test_groups_of_four(self) -> None:
        assert group_secret(FAKE_SECRET) == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"

    def test_normalises_case_spaces_and_padding(self) -> None:
        assert group_secret("jbsw y3dp ehpk 3p==") == "JBSW Y3DP EHPK 3P"

    @given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=1, max_size=64))
    def test_grouping_loses_nothing(self, secret: str) -> None:
        grouped = group_secret(secret)
        assert grouped.replace(" ", "") == secret
        assert all(len(group) == 4 for group in grouped.split(" ")[:-1])
        assert 1 <= len(grouped.split(" ")[-1]) <= 4


WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


class TestNormaliseCode:
    @given(
        digits=st.text(alphabet="0123456789", min_size=6, max_size=6),
        gaps=st.lists(
            st.text(alphabet=st.sampled_from(WHITESPACE), max_size=3), min_size=7, max_size=7
        ),
    )
    def test_six_digits_with_any_whitespace(self, digits: str, gaps: list[str]) -> None:
        typed = "".join(gap + digit for gap, digit in zip(gaps, digits, strict=False)) + gaps[6]
        assert normalise_code(typed) == digits

    @pytest.mark.parametrize(
        "typed",
        [
            "١٢٣٤٥٦",  # Arabic-Indic digits: int() accepts them, Cognito does not
            "１２３４５６",  # full-width digits
            "12345",
            "1234567",
            "12345a",
            "abcdef",
            "123-456",
            "",
            "   ",
            "123456\n7",
        ],
    )
    def test_refused(self, typed: str) -> None:
        assert normalise_code(typed) is None

    @given(st.text(max_size=12))
    def test_result_is_always_six_ascii_digits_or_none(self, typed: str) -> None:
        code = normalise_code(typed)
        if code is not None:
            assert len(code) == 6 and code.isascii() and code.isdigit()
            assert [c for c in typed if not c.isspace()] == list(code)
