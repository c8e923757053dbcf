# supplier_dd: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
ASSETS := static/govuk/.built
export SUPPLIER_DD_BASE_URL ?= http://127.0.0.1:$(PORT)
# The demo's three councils share one service: pages for no one council name the partnership.
DEMO_PARTNERSHIP := Westshire Partnership of Councils

.PHONY: run test install assets system-deps db demo bench soak lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "supplier_dd needs Python 3.11; set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: $(ASSETS)

# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; the machine's Java
# (system-deps) runs the W3C Nu Html Checker instead.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	rm -rf static/govuk && mkdir -p static/govuk
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets static/govuk/assets
	# The compiled CSS points at /assets/; we serve GOV.UK assets from /static/govuk/assets/.
	sed 's#url(/assets/#url(/static/govuk/assets/#g' \
		node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > static/govuk/govuk-frontend.min.css
	touch $@

# Debian packages the tests need: chromium for the browser tests, poppler-utils for pdftoppm,
# a Java runtime for the W3C Nu Html Checker (npm's vnu-jar) that checks every page's HTML;
# and the service itself: pango, which WeasyPrint lays the tagged annual report out with.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -qi liberation || missing="$$missing fonts-liberation"; \
	dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		elif command -v sudo >/dev/null; then \
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Please install these Debian packages:$$missing"; exit 1; \
		fi; \
	fi

db: install
	$(BIN)/supplier-dd db upgrade

demo: db
	$(BIN)/supplier-dd demo load

# Where `make run`'s mail catcher writes every email the demo sends, readable as text.
MAIL_LOG ?= instance/mail.log

# With no SMTP_HOST set, mail goes to 127.0.0.1:1025: a catcher is started there (stopped with
# the server) unless something already listens on that port.
run: install assets db
	$(BIN)/supplier-dd demo load --if-empty
	@echo
	$(BIN)/supplier-dd demo accounts
	@echo
	@catcher=""; \
	if [ -n "$$SMTP_HOST" ]; then \
		echo "Email is sent to $$SMTP_HOST (SMTP_HOST); admins see every message under Email."; \
	elif $(BIN)/python -c 'import socket, sys; sys.exit(socket.socket().connect_ex(("127.0.0.1", 1025)) == 0)'; then \
		$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:1025 \
			-c supplier_dd.infrastructure.mail_catcher.LogFile $(MAIL_LOG) & catcher=$$!; \
		echo "Email (invitations, reminders) is caught locally: read it in $(MAIL_LOG)."; \
		echo "Admins also see every message under Email (/admin/outbox)."; \
	else \
		echo "Email goes to the mail server already on 127.0.0.1:1025; admins see every message under Email."; \
	fi; \
	trap '[ -z "$$catcher" ] || kill $$catcher 2>/dev/null' EXIT; \
	SUPPLIER_DD_PARTNERSHIP_NAME="$${SUPPLIER_DD_PARTNERSHIP_NAME:-$(DEMO_PARTNERSHIP)}" \
		$(BIN)/supplier-dd serve --host 127.0.0.1 --port $(PORT)

# The suite runs on every CPU (pytest-xdist, a test file per worker so its module fixtures are
# built once), except the reliability tests: they load a real server on purpose and run alone
# afterwards, so other tests' load never decides their outcome. TEST_WORKERS=0 runs it all in one
# process.
TEST_WORKERS ?= auto

test: install assets system-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not reliability" $(PYTEST_ARGS)
	$(BIN)/pytest -m reliability $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check supplier_dd tests bench

bench: install assets
	$(BIN)/python -m bench $(BENCH_ARGS)

# The long versions of the reliability and fuzz tests: 5,000 concurrent submissions, a larger
# kill-and-restart batch, and many more hypothesis examples. `make test` runs the short ones.
soak: install assets
	SUPPLIER_DD_SOAK=1 $(BIN)/pytest -m "reliability or fuzz" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/govuk instance .pytest_cache test-artifacts
