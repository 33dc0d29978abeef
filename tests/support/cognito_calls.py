"""A client factory for TotpApp that builds the app's real client and watches its calls.

The calls still go to the local Cognito over HTTP; the factory only records which operations
the app sent (to prove "nothing was sent" or "sent once") and can hold one operation in
flight until the test lets it go.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

from tests.support.wizard_steps import Hidden
from totp_tui.cognito.client import make_client
from totp_tui.config.settings import Settings

HOLD_TIMEOUT = 10.0  # a forgotten release must not hang the suite


class CognitoCalls:
    """Pass as `client_factory=`; `count("InitiateAuth")` says how often the app called it."""

    def __init__(self) -> None:
        self.client: Any = None
        self._sent: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, settings: Settings) -> Any:
        client = make_client(settings)
        # botocore aliases "cognito-idp" to the service id "cognito-identity-provider".
        client.meta.events.register("before-call.cognito-idp", self._record)
        self.client = client
        return client

    def _record(self, model: Any, **_: Any) -> None:
        # Only the operation's name: the parameters hold passwords and Sessions.
        with self._lock:
            self._sent[model.name] += 1

    def count(self, operation: str) -> int:
        with self._lock:
            return self._sent[operation]

    def hold(self, operation: str) -> threading.Event:
        """Keep every call of `operation` waiting (in the app's worker thread) until the
        returned event is set. The client must exist: the app builds it at start-up."""
        if self.client is None:
            raise RuntimeError("the app has not built its client yet")
        release = threading.Event()

        def wait(**_: Any) -> None:
            release.wait(HOLD_TIMEOUT)

        self.client.meta.events.register(f"before-call.cognito-idp.{operation}", wait)
        return release


class DeviceNames(CognitoCalls):
    """CognitoCalls that also records the FriendlyDeviceName of every VerifySoftwareToken
    the app sends (only that field: the body also holds the code and a token or Session)."""

    def __init__(self) -> None:
        super().__init__()
        self.device_names: list[str | None] = []

    def __call__(self, settings: Settings) -> Any:
        client = super().__call__(settings)
        client.meta.events.register(
            "before-call.cognito-idp.VerifySoftwareToken", self._record_device_name
        )
        return client

    def _record_device_name(self, params: dict[str, Any], **_: Any) -> None:
        body = json.loads(params["body"])
        self.device_names.append(body.get("FriendlyDeviceName"))


# What Cognito's answers hand the app that belongs to the person: the sign-in's Session, the
# key for their authenticator app.
ISSUED_FIELDS = ("Session", "SecretCode")


class FinishedCalls(CognitoCalls):
    """CognitoCalls that also counts the calls that came back (answer or error), so a test
    knows when the worker it held has really finished talking to Cognito; and keeps, hidden,
    every Session and key the answers carried, so a test can count who else holds them.
    Only operation names are recorded of the requests: they hold tokens and passwords."""

    def __init__(self) -> None:
        super().__init__()
        self._returned: dict[str, int] = {}
        self._returned_lock = threading.Lock()
        self.issued: list[Hidden] = []

    def __call__(self, settings: Settings) -> Any:
        client = super().__call__(settings)
        client.meta.events.register("after-call.cognito-idp", self._came_back)
        client.meta.events.register("after-call-error.cognito-idp", self._came_back)
        return client

    def _came_back(self, model: Any, parsed: Any = None, **_: Any) -> None:
        with self._returned_lock:
            self._returned[model.name] = self._returned.get(model.name, 0) + 1
            if isinstance(parsed, dict):
                for name in ISSUED_FIELDS:
                    value = parsed.get(name)
                    # Once each (one Session may come twice): a second copy here would count
                    # as one more place holding it.
                    if value and all(value != known.value for known in self.issued):
                        self.issued.append(Hidden(str(value)))

    def returned(self, operation: str) -> int:
        with self._returned_lock:
            return self._returned.get(operation, 0)

    def returned_total(self) -> int:
        with self._returned_lock:
            return sum(self._returned.values())

    def sent_total(self) -> int:
        with self._lock:
            return sum(self._sent.values())

    def hold_when_reached(self, operation: str) -> tuple[threading.Event, threading.Event]:
        """`hold(operation)`, and an event set as soon as the app's worker has come to the
        call and waits in it. (`count` says nothing yet then: botocore runs the hold, which
        is registered for the operation alone, before the handler for every operation.)"""
        if self.client is None:
            raise RuntimeError("the app has not built its client yet")
        reached = threading.Event()

        def arrived(**_: Any) -> None:
            reached.set()

        # Handlers of one event run in the order registered: this one before the hold.
        self.client.meta.events.register(f"before-call.cognito-idp.{operation}", arrived)
        return reached, self.hold(operation)


# The request fields that carry what a person typed into a field the screen shows: the name
# (USERNAME in AuthParameters and ChallengeResponses, Username elsewhere), attributes, the
# device name. A password typed in the wrong place would travel in one of these.
_SHOWN_CHALLENGE_KEYS = ("USERNAME",)


def shown_fields(params: dict[str, Any]) -> list[str]:
    """The values of a request's fields that hold what a shown field had."""
    values: list[str] = []
    for container in ("AuthParameters", "ChallengeResponses"):
        answers = params.get(container) or {}
        values += [str(answers[key]) for key in _SHOWN_CHALLENGE_KEYS if key in answers]
        values += [str(v) for k, v in answers.items() if str(k).startswith("userAttributes.")]
    for key in ("Username", "FriendlyDeviceName"):
        if key in params:
            values.append(str(params[key]))
    values += [str(item.get("Value", "")) for item in params.get("UserAttributes") or []]
    return values


class ShownParameters(CognitoCalls):
    """CognitoCalls that keeps, hidden, what the app sent in the fields that hold a shown
    field's text (never the password, code, Session or token fields)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Hidden] = []

    def __call__(self, settings: Settings) -> Any:
        client = super().__call__(settings)
        client.meta.events.register("provide-client-params.cognito-idp", self._keep)
        return client

    def _keep(self, params: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self.sent += [Hidden(value) for value in shown_fields(params)]

    def usernames(self) -> list[str]:
        with self._lock:
            return [item.value for item in self.sent]
