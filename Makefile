# The two commands of the README. Both do their own set-up, so they work on a fresh machine.
#   make site   install the project and build the static site from seeds/ into site/
#   make test   install the project, its test tools and Chromium, then run every test
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test install install-test chromium serve bench

site: install
	$(PYTHON) -m mkdocs build --strict

serve: install
	$(PYTHON) -m mkdocs serve

test: install-test chromium
	$(PYTHON) -m pytest -q -p no:cacheprovider

install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .

install-test:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[test]"

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

bench:
	$(PYTHON) bench/quality.py
	$(PYTHON) bench/scale.py
