# totp-tui. `make demo` and `make test` work on a fresh Debian machine: each creates the
# virtual environment, installs the Python packages, and (as root) the Debian packages.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the tests and the demo rely on: tmux drives the real process in the
# end-to-end tests; gnome-keyring, dbus and libsecret-tools give a real Secret Service; xvfb,
# xterm, xdotool and fonts-dejavu-core run the real-terminal test (xterm with an outline
# font), whose screenshots zbar (libzbar0, through pyzbar) reads; openssh-server (with its
# client) serves the wizard over SSH in the served-mode test and bench.
DEBIAN_PACKAGES := tmux gnome-keyring dbus libsecret-tools xvfb xterm xdotool fonts-dejavu-core libzbar0 openssh-server

.PHONY: install system-deps demo test lint format screenshots bench product-venv clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Installs what is missing with apt-get when run as root; otherwise says what to install.
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian packages ($$missing missing): $(DEBIAN_PACKAGES)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
		else \
			echo "Missing:$$missing. Install the Debian packages: $(DEBIAN_PACKAGES)"; \
		fi; \
	fi

demo: $(STAMP)
	$(BIN)/totp-tui demo

# Two workers, a test file each at a time (its module-scoped pool and local Cognito stay in
# one process): the suite waits more than it computes (TOTP windows, the real process under
# tmux), so two workers halve its time on two cores. PYTEST_WORKERS= runs it in one process.
PYTEST_WORKERS ?= -n 2 --dist loadfile

# The tests run inside a private D-Bus session with an unlocked gnome-keyring (a real
# Secret Service), with their own HOME, so nothing touches the user's keyring.
test: system-deps $(STAMP)
	tests/support/with_secret_service.sh $(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check totp_tui tests
	$(BIN)/ruff format --check totp_tui tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format totp_tui tests
	$(BIN)/ruff check --fix totp_tui tests

screenshots: $(STAMP)
	$(BIN)/python -m tests.support.screenshots screenshots

# The benchmark compares an enrolment with the AWS CLI, which pins botocore exactly: it gets
# a virtual environment of its own so that .venv keeps the project's botocore.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
AWSCLI_VERSION := 1.46.2

$(BENCH_STAMP):
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet awscli==$(AWSCLI_VERSION)
	touch $(BENCH_STAMP)

# What a bastion installs: `pip install .`, without the test packages. The steps section runs
# the wizard from here, so its memory is a user's: Pillow, which only the tests need, makes
# qrcode load it too (3 MB). Reinstalled on every run: the package is copied, not linked.
PRODUCT_VENV := .venv-product

product-venv:
	test -x $(PRODUCT_VENV)/bin/python || $(PYTHON) -m venv $(PRODUCT_VENV)
	$(PRODUCT_VENV)/bin/python -m pip install --quiet .
	$(PRODUCT_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .

# Start-up, each step of an enrolment, engine, AWS CLI, QR, memory and terminal bytes, with
# their budgets (~3 minutes).
bench: system-deps $(STAMP) $(BENCH_STAMP) product-venv
	$(BIN)/python -m tests.support.benchmark

clean:
	rm -rf $(VENV) $(PRODUCT_VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
