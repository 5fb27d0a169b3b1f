# rls_fixer: the two commands are `make demo` and `make test` (see README.md).
SHELL      := /bin/bash
PG_MAJOR   ?= 15
PG_CONFIG  ?= /usr/lib/postgresql/$(PG_MAJOR)/bin/pg_config
RUN        ?= /tmp/rls_fixer
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup build install install-release demo demo-stop test unit pgtest regress integration bench bench-smoke clean

setup:
	@bash scripts/setup.sh

build: setup
	cargo build --features pg$(PG_MAJOR)

# Installs into the machine's PostgreSQL (needs write access to its lib and share dirs).
# The old library is unlinked first: overwriting a .so that running backends have mapped
# crashes them (SIGBUS); unlinked, they keep the old file until they exit.
install: setup
	cargo build --lib --features pg$(PG_MAJOR)
	rm -f "$$($(PG_CONFIG) --pkglibdir)/rls_fixer.so"
	cargo pgrx install --pg-config $(PG_CONFIG) --features pg$(PG_MAJOR) >/dev/null
	@echo "[install] rls_fixer installed into $$($(PG_CONFIG) --sharedir)/extension"

# Benchmarks measure the optimised build.
install-release: setup
	cargo build --lib --release --features pg$(PG_MAJOR)
	rm -f "$$($(PG_CONFIG) --pkglibdir)/rls_fixer.so"
	cargo pgrx install --release --pg-config $(PG_CONFIG) --features pg$(PG_MAJOR) >/dev/null
	@echo "[install] rls_fixer (release) installed into $$($(PG_CONFIG) --sharedir)/extension"

demo: install
	@bash scripts/demo.sh

demo-stop:
	@bash scripts/cluster.sh stop demo

# The whole suite: pure unit tests, #[pg_test]s, pg_regress golden files, integration tests.
test: setup
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory pgtest
	@$(MAKE) --no-print-directory install
	@$(MAKE) --no-print-directory regress
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory bench-smoke
	@echo "[test] all suites passed (unit, pg_test, pg_regress, integration, bench-smoke)"
	@echo "suites: 5 passed, 0 failed"

unit:
	cargo test --lib --features pg$(PG_MAJOR) -- unit_tests

pgtest:
	@mkdir -p $(RUN) && chmod 755 $(RUN) && rm -rf $(RUN)/pgrx-test && install -d -o postgres -g postgres $(RUN)/pgrx-test
	cargo pgrx test pg$(PG_MAJOR) --runas postgres --pgdata $(RUN)/pgrx-test

regress:
	@bash scripts/regress.sh

integration:
	@bash tests/integration/run.sh

bench: install-release
	@bash bench/run.sh

bench-smoke: install
	@BENCH_SMOKE=1 bash bench/run.sh

clean:
	cargo clean
	-bash scripts/cluster.sh destroy demo
	-bash scripts/cluster.sh destroy regress
