"""pycognito's SRP module, without the rest of pycognito.

The wizard uses one module of pycognito: `aws_srp`, the SRP maths. Importing it the usual
way runs pycognito's package `__init__` first, which imports jwt for its `Cognito` class,
and jwt imports `cryptography`: 8 MB more in every wizard process, for code it never runs
(a bastion host runs one wizard per SSH session). This loads `pycognito.aws_srp` (and the
`pycognito.exceptions` it imports) under their usual names with the package's `__init__`
skipped; the package entry is removed again afterwards, so a later `import pycognito`
anywhere runs its `__init__` as usual, and that reuses these modules.
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
        sys.modules["pycognito"] = package
        try:
            return importlib.import_module(_NAME)
        finally:
            # Only while aws_srp loads: `import pycognito` must run the real __init__.
            if sys.modules.get("pycognito") is package:
                del sys.modules["pycognito"]
