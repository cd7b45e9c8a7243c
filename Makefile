# hf-trends: `make run` is the main job, `make test` the whole suite. `make help` lists the rest.
SHELL := /bin/bash
# Every step opens the one warehouse file, and DuckDB allows one writer: never run them at once.
.NOTPARALLEL:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Paths reach recipes only as quoted shell variables ("$$HF_TRENDS_DB"), never spliced in as
# $(HF_TRENDS_DB): a space, quote or $ in a path would split it into other files to delete.
export HF_TRENDS_DB ?= warehouse/hf_trends.duckdb
DBT := $(BIN)/dbt
DBT_ARGS := --project-dir . --profiles-dir .
export PLOTS_OUT ?= plots/out
# Every mart as <mart>.parquet, and the seed's cleaned CSV, in one folder.
export EXPORT_DIR ?= warehouse/export
# The recorded response the tests use; it lives beside the repo, never in it.
export FIXTURE ?= ../shared/data/hf_models_2025-12-01.json
INGEST_ARGS ?=
PYTEST_ARGS ?=

RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

$(RUNTIME): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	@touch $@

$(DEV): $(RUNTIME)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

# The variables a `## description` may name, printed with their values (tests/test_lint.py
# checks that none is left unexpanded).
# Their values come from the environment, so a path with quotes or | prints as it is.
HELP_VARS := PLOTS_OUT EXPORT_DIR HF_TRENDS_DB DOCS_PORT DAILY_KEEP

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
		| HELP_VARS='$(HELP_VARS)' awk -F':.*## ' \
			'{ n = split(ENVIRON["HELP_VARS"], vars, " "); \
			   for (i = 1; i <= n; i++) { \
			     key = "$$(" vars[i] ")"; value = ENVIRON[vars[i]]; \
			     while ((at = index($$2, key)) > 0) \
			       $$2 = substr($$2, 1, at - 1) value substr($$2, at + length(key)) } \
			   name[NR] = $$1; text[NR] = $$2; if (length($$1) > w) w = length($$1) } \
			END { for (i = 1; i <= NR; i++) printf "  make %-" w "s  %s\n", name[i], text[i] }'

.PHONY: run
run: ingest build plots ## Fetch from the Hub, build the warehouse, draw the figures, export every mart

.PHONY: ingest
ingest: $(RUNTIME) ## Land one snapshot from the Hub (INGEST_ARGS="--all" for a full crawl)
	$(BIN)/python -m ingest $(INGEST_ARGS)

.PHONY: fixture
fixture: $(RUNTIME) ## Land the recorded 2025-12-01 response instead of fetching
	$(BIN)/python -m ingest --from-file "$$FIXTURE" --snapshot-at 2025-12-01T21:00:00Z

.PHONY: build
build: $(RUNTIME) ## dbt build: models, seeds and data tests (unit tests run in make test)
	@# dbt would report a held lock as a long adapter traceback; say it in one line instead.
	@$(BIN)/python -m ingest.lockcheck
	@# An out-of-memory error is one line that names the node and how to raise the cap.
	$(DBT) build $(DBT_ARGS) --exclude-resource-type unit_test \
		|| { $(BIN)/python -m hf_common.build_failures; exit 1; }

# A warehouse built by older code, brought to today's layout in place, once (a build refuses it
# until then with one line that names this target). Safe to rerun: an upgraded one is left alone.
.PHONY: upgrade
upgrade: $(RUNTIME) ## Reshape a warehouse built by older code in place, keeping every snapshot
	@$(BIN)/python -m ingest.lockcheck
	$(DBT) run-operation upgrade_warehouse

# What a backfill batch must build before `make prune` drops its payloads: the history tables
# and what they read. The current-state marts need only the last batch (make build).
.PHONY: build-history
build-history: $(RUNTIME) ## dbt build of the history tables alone (make backfill's batches)
	@$(BIN)/python -m ingest.lockcheck
	$(DBT) build $(DBT_ARGS) --select +path:models/history --exclude-resource-type unit_test \
		|| { $(BIN)/python -m hf_common.build_failures; exit 1; }

# The dbt docs site the report links each section's marts to, e.g. DOCS_URL=http://127.0.0.1:8080/
# while `make docs` serves it. Unset, the report links to static_index.html if `make docs-static`
# copied it into $(PLOTS_OUT), and otherwise names the marts as plain text: a link to a server
# on this machine is dead for whoever the report is sent to.
export DOCS_URL ?=

# Ends with the exports too, so the offline path (make fixture build plots) leaves the same
# files as make run.
.PHONY: plots
plots: $(RUNTIME) ## Draw the figures and report.html into $(PLOTS_OUT), then make export
	$(BIN)/python -m plots --out "$$PLOTS_OUT" $${DOCS_URL:+--docs-url "$$DOCS_URL"}
	$(BIN)/python -m plots.export --out "$$EXPORT_DIR"

# dbt source freshness on the newest complete snapshot's capture time (thresholds: vars
# freshness_*_after_days in dbt_project.yml), then one line saying how old it is. dbt's results
# (in its target folder, DBT_TARGET_PATH if set) are removed first, so an older run's can never
# be read as this one's.
FRESHNESS_RESULTS := "$${DBT_TARGET_PATH:-target}/sources.json"

.PHONY: freshness
freshness: $(RUNTIME) ## dbt source freshness on capture time: how old the newest complete snapshot is, in one line
	@$(BIN)/python -m ingest.lockcheck
	@rm -f $(FRESHNESS_RESULTS)
	@$(DBT) source freshness $(DBT_ARGS); status=$$?; \
		$(BIN)/python -m hf_common.freshness $(FRESHNESS_RESULTS) && exit $$status

# The scheduled run (README, "Collecting a year of history"): crawl the whole Hub with every
# field seeds/hub_fields.csv lists, make freshness, build, plots, then prune raw payloads to
# the newest DAILY_KEEP snapshots. A failed step is named in one line and stops the run; a run
# started while another is going exits 3 at once. DAILY_INGEST_ARGS adds loader flags (e.g.
# --restart, or --snapshot-at when replaying saved days).
export DAILY_KEEP ?= 7
export DAILY_INGEST_ARGS ?=

.PHONY: daily
daily: $(RUNTIME) ## Scheduled run: crawl the Hub, freshness, build, plots, prune to the newest DAILY_KEEP=$(DAILY_KEEP)
	@$(BIN)/python -m ingest.daily --make "$(MAKE)" --keep $(DAILY_KEEP) \
		--ingest-args="$$DAILY_INGEST_ARGS"

# Years of history on day one (docs/backfill.md): the Hub's public weekly archives
# (hfmlsoc/hub_weekly_snapshots), each week one snapshot, landed a batch at a time, each batch
# built and pruned; rerun to resume. BACKFILL_ARGS: --since/--until DATE, --batch N, --keep N,
# --repo/--pattern for another archive, --keep-downloads.
BACKFILL_ARGS ?=

.PHONY: backfill
backfill: $(RUNTIME) ## Land the Hub's weekly archives as history, built in batches (BACKFILL_ARGS="--since 2025-06-01")
	@$(BIN)/python -m ingest.backfill --make "$(MAKE)" $(BACKFILL_ARGS)

.PHONY: export
export: $(RUNTIME) ## Every mart as Parquet, the seed's cleaned CSV, and the history in the archives' layout, into $(EXPORT_DIR)
	$(BIN)/python -m plots.export --out "$$EXPORT_DIR"

# Generated files and scratch warehouses stay in bench/data/ (gitignored); results are appended
# to BENCHMARKS.md. The default run takes about half an hour on 2 cores; the Hub-scale run
# (BENCH_SIZES=1M,2M,3M BENCH_ARGS="--history 0") about an hour.
BENCH_SIZES ?= 10k,100k,1M
BENCH_ARGS ?=

.PHONY: bench
bench: $(DEV) ## Time crawl/land/build/plots against pandas into BENCHMARKS.md (BENCH_SIZES=1M,2M,3M)
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES) $(BENCH_ARGS)

# 30 daily snapshots of 200k real-shaped models (bench.clone --drift), each landed, built and
# pruned to the newest: ~20 min. Appends the build time of day 20 and 30 against day 2 and the
# bytes per model per snapshot to BENCHMARKS.md.
HISTORY_ARGS ?=

.PHONY: bench-history
bench-history: $(DEV) ## Time the daily build over 30 days of history into BENCHMARKS.md (HISTORY_ARGS="--days 30 --models 200k")
	$(BIN)/python -m bench.history $(HISTORY_ARGS)

# 52 weekly real-shaped 1M-model archive files (bench.archive_files) served by tests.archive_hub,
# backfilled in batches; then the history against landing the same weeks as JSON (small), and
# one 3M-model archive file against the same JSON. Files are made once into bench/data/ (~35 GB
# at 1M: BACKFILL_BENCH_ARGS="--files 52 --models 100k" for a smaller run).
BACKFILL_BENCH_ARGS ?=

.PHONY: bench-backfill
bench-backfill: $(DEV) ## Time a year of weekly archives fetched, landed and built into BENCHMARKS.md (BACKFILL_BENCH_ARGS="--models 100k")
	$(BIN)/python -m bench.backfill $(BACKFILL_BENCH_ARGS)

.PHONY: prune
prune: $(RUNTIME) ## Drop raw payloads of all but the newest KEEP=N built snapshots (marts keep history)
	@test -n "$(KEEP)" || { echo "usage: make prune KEEP=N [PRUNE_ARGS=--compact]"; exit 2; }
	@$(BIN)/python -m ingest.lockcheck
	$(BIN)/python -m ingest.prune --keep $(KEEP) $(PRUNE_ARGS)

# One pytest-xdist worker per core; a test file stays on one worker, so a module's fixtures
# are built once (the session-wide warehouses are shared across workers: tests/conftest.py).
# PYTEST_ARGS="-n 0" runs in one process.
XDIST := -n auto --dist loadfile

# --durations: the slowest tests close the log, so every CI run shows where the suite's time goes.
.PHONY: test
test: $(DEV) ## The whole suite, as CI runs it: lint, then every test (PYTEST_ARGS adds pytest flags)
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest $(XDIST) --durations=30 $(PYTEST_ARGS)

# The inner loop: ruff, and every test not marked slow, browser or scale (markers in
# pyproject.toml); no warehouse is built. `make test` still runs everything.
FAST_MARKERS := not slow and not browser and not scale

# Test by test, not file by file: these build no module fixture worth keeping on one worker,
# and the workers finish together (58 s against 62 s by file, BENCHMARKS.md).
.PHONY: test-fast
test-fast: $(DEV) ## The quick part of the suite while you work: ruff and the tests that build no warehouse
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --dist load -m "$(FAST_MARKERS)" $(PYTEST_ARGS)

.PHONY: lint
lint: $(DEV) ## ruff for Python, sqlfluff for SQL (config in .sqlfluff)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint $(SQL_PATHS)

# Marts first, so `select * from models` works by plain name; every layer is still reachable.
SHELL_SEARCH_PATH := marts,staging,intermediate,raw,reference,main
SHELL_INIT := SET search_path = '$(SHELL_SEARCH_PATH)'; SET TimeZone = 'UTC';
export DOCS_PORT ?= 8080
SQL_PATHS := models macros tests/generic tests/singular analyses

.PHONY: shell
shell: $(RUNTIME) ## DuckDB shell on the warehouse, read-only, marts first on the search path
	@$(BIN)/python -m ingest.lockcheck --read-only
	@$(BIN)/duckdb -readonly -cmd "$(SHELL_INIT)" "$$HF_TRENDS_DB"

.PHONY: shell-rw
shell-rw: $(RUNTIME) ## DuckDB shell that can write (blocks make build/ingest while open)
	@$(BIN)/python -m ingest.lockcheck
	@$(BIN)/duckdb -cmd "$(SHELL_INIT)" "$$HF_TRENDS_DB"

# The exposures' url is report.html#<figure>, relative to the docs site: the report is one
# self-contained file, so a copy beside the site's index.html is all the link needs.
COPY_REPORT := if [ -f "$$PLOTS_OUT/report.html" ]; then cp -- "$$PLOTS_OUT/report.html" target/; fi

.PHONY: docs
docs: $(RUNTIME) ## dbt docs generate, then serve on http://127.0.0.1:$(DOCS_PORT) only (report.html beside it)
	@$(BIN)/python -m ingest.lockcheck
	$(DBT) docs generate $(DBT_ARGS)
	@$(COPY_REPORT)
	$(DBT) docs serve $(DBT_ARGS) --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

# The site is also copied into $(PLOTS_OUT), so a report drawn after it (make docs-static plots)
# links to it relatively: the folder can be sent as a whole.
.PHONY: docs-static
docs-static: $(RUNTIME) ## dbt docs as one file, target/static_index.html, copied into $(PLOTS_OUT) too
	@$(BIN)/python -m ingest.lockcheck
	$(DBT) docs generate $(DBT_ARGS) --static
	@$(COPY_REPORT)
	@mkdir -p $(PLOTS_OUT) && cp target/static_index.html $(PLOTS_OUT)/
	@echo "wrote target/static_index.html and $(PLOTS_OUT)/static_index.html (open either in a browser)"

.PHONY: clean
clean: ## Remove the virtualenv, dbt's target/ and logs/, figures and exports (not the warehouse)
	rm -rf -- $(VENV) target logs dbt_packages "$$PLOTS_OUT" "$$EXPORT_DIR"

# Separate from clean: after `make prune` the warehouse holds the only copy of history.
.PHONY: clean-warehouse
clean-warehouse: ## Delete the warehouse file itself ($(HF_TRENDS_DB)), history included
	rm -f -- "$$HF_TRENDS_DB" "$$HF_TRENDS_DB.wal"
