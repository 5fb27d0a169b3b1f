# rls_fixer: the two commands are `make demo` and `make test` (see README.md).
SHELL      := /bin/bash
PG_MAJOR   ?= 15
# 15: Debian 12's server; another major: the private build of scripts/build_pg.sh (made by `setup`)
PG_ROOT    ?= /opt/rls_fixer-pg
ifeq ($(PG_MAJOR),15)
PG_CONFIG  ?= /usr/lib/postgresql/$(PG_MAJOR)/bin/pg_config
else
PG_CONFIG  ?= $(PG_ROOT)/$(PG_MAJOR)/bin/pg_config
endif
# the crate's default feature is pg15: exactly one pgNN feature per build
FEATURES   ?= --no-default-features --features pg$(PG_MAJOR)
export PG_MAJOR PG_CONFIG
# throwaway clusters and pgtest's data: per major, so that two majors' suites can run side by side
# (the scripts take the same default from scripts/defaults.sh, and move their ports by 100 per major)
ifeq ($(PG_MAJOR),15)
RLS_FIXER_RUN ?= /tmp/rls_fixer
else
RLS_FIXER_RUN ?= /tmp/rls_fixer-pg$(PG_MAJOR)
endif
export RLS_FIXER_RUN
RUN        ?= $(RLS_FIXER_RUN)
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup build install install-release demo demo-stop test lint unit pgtest regress outside integration bench bench-smoke clean citus-test bench-citus bench-citus-smoke

setup:
	@bash scripts/setup.sh

build: setup
	cargo build $(FEATURES)

# Installs into the machine's PostgreSQL (needs write access to its lib and share dirs).
# The old library is unlinked first: overwriting a .so that running backends have mapped
# crashes them (SIGBUS); unlinked, they keep the old file until they exit.
install: setup
	cargo build --lib $(FEATURES)
	rm -f "$$($(PG_CONFIG) --pkglibdir)/rls_fixer.so"
	cargo pgrx install --pg-config $(PG_CONFIG) $(FEATURES) >/dev/null
	@echo "[install] rls_fixer installed into $$($(PG_CONFIG) --sharedir)/extension"

# Benchmarks measure the optimised build.
install-release: setup
	cargo build --lib --release $(FEATURES)
	rm -f "$$($(PG_CONFIG) --pkglibdir)/rls_fixer.so"
	cargo pgrx install --release --pg-config $(PG_CONFIG) $(FEATURES) >/dev/null
	@echo "[install] rls_fixer (release) installed into $$($(PG_CONFIG) --sharedir)/extension"

demo: install
	@bash scripts/demo.sh

demo-stop:
	@bash scripts/cluster.sh stop demo

# The whole suite: pure unit tests, #[pg_test]s, pg_regress golden files, integration tests.
# Another major (PG_MAJOR=18): test-major.
ifneq ($(PG_MAJOR),15)
test: test-major
else
test: setup
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory pgtest
	@$(MAKE) --no-print-directory install
	@$(MAKE) --no-print-directory upgrade-test
	@$(MAKE) --no-print-directory regress
	@$(MAKE) --no-print-directory outside
	@$(MAKE) --no-print-directory accuracy
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory citus-test
	@$(MAKE) --no-print-directory bench-smoke
	@$(MAKE) --no-print-directory package-test
	@echo "[test] all suites passed (lint, unit, pg_test, upgrade, pg_regress, outside corpus, accuracy corpus, integration, citus, bench-smoke, package)"
	@echo "suites: 11 passed, 0 failed"
endif

# `make test PG_MAJOR=18`: the suites that run on any major, against the private build of
# scripts/build_pg.sh. The 15-only ones are skipped, saying so: the outside and accuracy corpora
# (their golden outputs and labels are 15's), Citus (its vendored release is built for 15 here),
# upgrade-test (0.1.0 is built for 15) and package-test (a Debian package for Debian's 15).
.PHONY: test-major
test-major: setup
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory pgtest
	@$(MAKE) --no-print-directory install
	@$(MAKE) --no-print-directory regress
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory bench-smoke
	@mkdir -p $(RUN) && $(MAKE) --no-print-directory demo >$(RUN)/demo.out 2>&1 || { tail -n 40 $(RUN)/demo.out; $(MAKE) --no-print-directory demo-stop; exit 1; }
	@$(MAKE) --no-print-directory demo-stop
	@echo "[test] demo ran on PostgreSQL $(PG_MAJOR) (output: $(RUN)/demo.out)"
	@echo "[test] PostgreSQL $(PG_MAJOR): skipped (15-only): outside corpus, accuracy corpus, citus, upgrade-test, package-test"
	@echo "[test] all suites passed on PostgreSQL $(PG_MAJOR) (lint, unit, pg_test, pg_regress, integration, bench-smoke, demo)"
	@echo "suites: 7 passed, 0 failed"

# Pure Rust tests (no server): everything but the #[pg_test]s, which live in pg_tests.
unit:
	cargo test --lib $(FEATURES) -- --skip pg_tests::

# Formatting, clippy (lints in Cargo.toml [lints]) and shellcheck on the scripts.
lint: setup
	cargo fmt --check
	cargo clippy --lib --tests $(FEATURES) -- -D warnings
	shellcheck -x -S warning scripts/*.sh bench/run.sh bench/citus.sh tests/integration/run.sh tests/citus/run.sh tests/outside/rowsecurity.sh tests/package/test_package.sh tests/upgrade/test_upgrade.sh fix_rls.sh

pgtest:
	@mkdir -p $(RUN) && chmod 755 $(RUN) && rm -rf $(RUN)/pgrx-test && install -d -o postgres -g postgres $(RUN)/pgrx-test
	cargo pgrx test pg$(PG_MAJOR) $(FEATURES) --runas postgres --pgdata $(RUN)/pgrx-test

regress:
	@bash scripts/regress.sh

# PostgreSQL's own rowsecurity.sql schema audited, fixed, verified and undone (tests/outside/)
outside:
	@bash tests/outside/rowsecurity.sh

integration:
	@bash tests/integration/run.sh

# Then the Citus rows (bench/citus.sh; skipped with a message when Citus cannot be built here;
# on 15 only: scripts/citus.sh builds Citus 13.2.2, which is for 15-17, against Debian's 15).
bench: install-release
	@bash bench/run.sh
	@if [ "$(PG_MAJOR)" = 15 ]; then bash bench/citus.sh; \
	 else echo "[bench] Citus rows skipped on PostgreSQL $(PG_MAJOR): the Citus build here is for 15 (make bench-citus)"; fi

# Citus: a real 3-node cluster (coordinator + 2 workers) with Citus built once from the vendored
# source (scripts/citus.sh build, ~2.5 min) into PG_CONFIG's tree; skipped with a message when
# neither Citus nor its source archive is there. Ports CITUS_PORT (54340) .. +3 (PgBouncer).
citus-test: install
	@bash tests/citus/run.sh

# The Citus rows for BENCHMARKS.md (bench/citus.sh; ports CITUS_BENCH_PORT, 54350 .. +2).
bench-citus: install-release
	@bash bench/citus.sh

bench-citus-smoke: install
	@BENCH_SMOKE=1 bash bench/citus.sh

bench-smoke: install
	@BENCH_SMOKE=1 bash bench/run.sh

clean:
	cargo clean
	-bash scripts/cluster.sh destroy demo
	-bash scripts/cluster.sh destroy regress

# Debian package (dist/postgresql-$(PG_MAJOR)-rls-fixer_*.deb) and its test in a throwaway root.
# Built in /tmp/target-pkg, apart from ./target.
.PHONY: package package-test
package: setup
	@bash scripts/package.sh $(PG_MAJOR)

package-test: package
	@PG_MAJOR=$(PG_MAJOR) bash tests/package/test_package.sh

# Labelled accuracy corpus (tests/corpus/, ACCURACY.md): precision/recall per check against the
# labels, pgrls side by side; a throwaway cluster `accuracy` on port 54335. Non-zero exit when any
# case's findings differ from its labels.
.PHONY: accuracy
accuracy: install
	@bash scripts/accuracy.sh

# Upgrades: sql/rls_fixer--FROM--VERSION.sql is generated (scripts/upgrade_sql.sh) from the install
# script and the hand-written sql/upgrade/FROM--VERSION.{before,after}.sql; upgrade-test builds
# 0.1.0 from its tag (cached in /opt/rls_fixer-cache), upgrades it in place in a throwaway copy of
# PostgreSQL 15's tree and compares it with a fresh install (tests/upgrade/test_upgrade.sh).
.PHONY: upgrade-sql upgrade-test
upgrade-sql:
	@bash scripts/upgrade_sql.sh

upgrade-test: setup
	@bash tests/upgrade/test_upgrade.sh
