"""Where each effective setting came from: a flag, an environment variable, a profile, a default.

Sources are names only, never values: the --debug log prints them, client secret included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

FLAG = "flag"
DEFAULT = "default"  # for the region: the user pool id's prefix
_ENV = "env:"
_PROFILE = "profile:"
_SYSTEM = "system:"
_T = TypeVar("_T")


def env_source(variable: str) -> str:
    return f"{_ENV}{variable}"


def profile_source(name: str) -> str:
    return f"{_PROFILE}{name}"


def system_source(name: str) -> str:
    """A pool of the system-wide configuration (config/system_config.py)."""
    return f"{_SYSTEM}{name}"


def is_from_environment(source: str | None) -> bool:
    return source is not None and source.startswith(_ENV)


def describe_source(source: str) -> str:
    """For messages: "AWS_REGION", "profile 'work'", "the command line", "the default"."""
    if source.startswith(_ENV):
        return source.removeprefix(_ENV)
    if source.startswith(_PROFILE):
        return f"profile {source.removeprefix(_PROFILE)!r}"
    if source.startswith(_SYSTEM):
        return f"the system configuration's pool {source.removeprefix(_SYSTEM)!r}"
    return "the command line" if source == FLAG else "the default"


@dataclass(frozen=True)
class SettingSources(Mapping[str, str]):
    """Field name -> "flag", "env:AWS_REGION", "profile:NAME", "system:NAME" or "default", in
    field order.

    Immutable and hashable like the Settings that holds it.
    """

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, sources: Mapping[str, str]) -> SettingSources:
        return cls(tuple(sources.items()))

    def __getitem__(self, key: str) -> str:
        for name, source in self.pairs:
            if name == key:
                return source
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def log_line(self) -> str:
        """One line for the debug log, e.g. "region=env:AWS_REGION client_id=profile:work"."""
        return " ".join(f"{name}={source}" for name, source in self.pairs)


class SourcePicker:
    """Takes each value from the first source that has one, and notes which source that was.

    The order is always: the flag (an attribute of `flags`), the environment variables given,
    the saved value (from `saved`, labelled `saved_source`), then None for the default.
    """

    def __init__(
        self,
        flags: object,
        env: Mapping[str, str],
        saved: Mapping[str, object],
        saved_source: str,
    ) -> None:
        self._flags, self._env, self._saved, self._saved_source = flags, env, saved, saved_source
        self.sources: dict[str, str] = {}

    def pick(self, name: str, *env_variables: str, keep_empty: bool = False) -> Any:
        """The value of field `name`; an empty string counts as unset unless `keep_empty`."""
        candidates = [
            (FLAG, getattr(self._flags, name, None)),
            *((env_source(variable), self._env.get(variable)) for variable in env_variables),
            (self._saved_source, self._saved.get(name)),
        ]
        for source, value in candidates:
            if value is not None and (keep_empty or value != ""):
                self.sources[name] = source
                return value
        self.sources[name] = DEFAULT
        return None

    def checked(self, check: Callable[[], _T], *names: str) -> _T:
        """Run a validator; its error names where values not from the command line came from."""
        try:
            return check()
        except ValueError as error:
            origins = [
                (name.replace("_", " "), self.sources[name])
                for name in names
                if self.sources.get(name, DEFAULT) not in (FLAG, DEFAULT)
            ]
            if len(origins) == 1:
                where = f"from {describe_source(origins[0][1])}"
            elif origins:
                where = "; ".join(f"{label} from {describe_source(src)}" for label, src in origins)
            else:
                raise
            raise type(error)(f"{error} ({where})") from None
