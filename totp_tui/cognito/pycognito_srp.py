"""pycognito's SRP module, without the rest of pycognito.

The wizard uses one module of pycognito: `aws_srp`, the SRP maths. Importing it the usual
way runs pycognito's package `__init__` first, which imports jwt for its `Cognito` class,
and jwt imports `cryptography`: 8 MB more in every wizard process, for code it never runs
(a bastion host runs one wizard per SSH session). This loads `pycognito.aws_srp` (and the
`pycognito.exceptions` it imports) under their usual names with the package's `__init__`
skipped; the package entry is removed again afterwards, so a later `import pycognito`
anywhere runs its `__init__` as usual, and that reuses these modules.

`aws_srp` also imports boto3 (for a client when none is given: the wizard always gives
one) and requests (for device-tracking calls the wizard never makes): with s3transfer,
which boto3 imports, 7 MB more. While aws_srp loads, each that is not loaded yet is a
stand-in module that loads the real one if aws_srp ever uses it; the stand-ins leave
sys.modules with the package, so anyone else who imports boto3 or requests gets the real one.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType

_NAME = "pycognito.aws_srp"
_lock = threading.Lock()


def aws_srp() -> ModuleType:
    with _lock:
        module = sys.modules.get(_NAME)
        if module is not None:
            return module
        if "pycognito" in sys.modules:  # the whole package is loaded already
            return importlib.import_module(_NAME)
        spec = importlib.util.find_spec("pycognito")
        if spec is None or spec.loader is None:
            return importlib.import_module(_NAME)  # raises the usual ImportError
        package = importlib.util.module_from_spec(spec)  # its __init__ is not run
        stand_ins = {"pycognito": package}
        for name in _UNUSED_IMPORTS:
            if name not in sys.modules:
                stand_ins[name] = _StandIn(name)
        sys.modules.update(stand_ins)
        try:
            return importlib.import_module(_NAME)
        finally:
            # Only while aws_srp loads: `import pycognito` must run the real __init__, and
            # `import boto3` elsewhere must load boto3.
            for name, module in stand_ins.items():
                if sys.modules.get(name) is module:
                    del sys.modules[name]


# What aws_srp imports and the wizard never has it use.
_UNUSED_IMPORTS = ("boto3", "requests")


class _StandIn(ModuleType):
    """A module that is the real one on first use: `boto3.client` imports boto3."""

    def __getattr__(self, attribute: str) -> object:
        if attribute.startswith("__"):  # the import system's own questions
            raise AttributeError(attribute)
        return getattr(importlib.import_module(self.__name__), attribute)
