#!/usr/bin/env python3
"""The accuracy corpus runner behind `make accuracy` (scripts/accuracy.sh starts the cluster and
calls this). See ACCURACY.md.

For every case file tests/corpus/NNN_slug.sql, one after the other:
  1. CREATE DATABASE acc_NNN from a template that has rls_fixer installed;
  2. apply the case as the bootstrap superuser (psql -f, ON_ERROR_STOP);
  3. SELECT check_name, object_name, severity FROM rls_audit() with rls_fixer.schemas and
     rls_fixer.app_roles (and any `-- set:` lines) taken from the case header;
  4. `pgrls lint` on the same database and schemas (in-process, see run_pgrls), when enabled;
  5. DROP DATABASE, and DROP ROLE every role the case created: roles are cluster-wide, and a
     case must never see another case's roles (role checks, PUBLIC-grant app-role detection,
     pgrls's cluster-wide role rules).
Then findings are compared with the labels, and precision/recall are printed per check and
overall, for rls_fixer and (on the checks it has a rule for) for pgrls.

Exit status: 0 when every case's findings equal its labels, 1 when any differ (each difference
is listed), 2 on a usage or set-up error.

Only the standard library: it runs under the pgrls venv's python (for pgrls) or any python3.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

CASE_FILE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# roles a case creates are named cNNN or cNNN_* (roles are cluster-wide: the runner drops them)
CASE_ROLE = re.compile(r"^c(\d{3})(_.*)?$")
MARK = "--8<-- rls_fixer accuracy --8<--"
# the check that fires once per database in setting mode; ignored unless a case includes it
SPOOF = "tenant_context_spoofable"


# ---------------------------------------------------------------- cases
@dataclass
class Case:
    num: str
    path: Path
    title: str = ""
    schemas: list[str] = field(default_factory=list)
    app_roles: list[str] | None = None
    sets: list[tuple[str, str]] = field(default_factory=list)
    include: set[str] = field(default_factory=set)
    strict_info: bool = False
    expect: set[tuple[str, str]] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.path.stem


def parse_case(path: Path) -> Case:
    m = CASE_FILE.match(path.name)
    if not m:
        raise ValueError(f"{path.name}: case files are named NNN_slug.sql")
    c = Case(num=m.group(1), path=path)
    for line in path.read_text().splitlines():
        if not line.startswith("--"):
            break  # the header ends at the first statement
        body = line[2:].strip()
        key, sep, val = body.partition(":")
        key, val = key.strip(), val.strip()
        if body == "strict-info":
            c.strict_info = True
        elif not sep:
            continue
        elif key == "case":
            c.title = val
        elif key == "schemas":
            c.schemas = [s.strip() for s in val.split(",") if s.strip()]
        elif key == "app_roles":
            c.app_roles = [s.strip() for s in val.split(",") if s.strip()]
        elif key == "set":
            name, eq, value = val.partition("=")
            if not eq:
                raise ValueError(f"{path.name}: '-- set: name = value' expected, got '{val}'")
            c.sets.append((name.strip(), value.strip()))
        elif key == "include":
            c.include.update(s.strip() for s in val.split(",") if s.strip())
        elif key == "expect":
            check, _, obj = val.partition(" ")
            if not obj.strip():
                raise ValueError(f"{path.name}: '-- expect: check_name object_name' expected, got '{val}'")
            c.expect.add((check.strip(), obj.strip()))
    if not c.schemas:
        raise ValueError(f"{path.name}: no '-- schemas:' line")
    return c


def validate(c: Case) -> None:
    """What the runner relies on, checked before anything runs."""
    text = c.path.read_text()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    for m in re.finditer(r"\bROLE\s+(?:IF\s+NOT\s+EXISTS\s+)?\"?([A-Za-z0-9_]+)", body):
        name = m.group(1)
        if re.match(r"CREATE\s+ROLE", body[max(0, m.start() - 7):m.end()], re.I) and not name.startswith(f"c{c.num}"):
            raise ValueError(f"{c.path.name}: role {name} is not named c{c.num} or c{c.num}_*")
    for sch in c.schemas:
        if not sch.startswith(f"c{c.num}"):
            raise ValueError(f"{c.path.name}: schema {sch} is not named c{c.num}*")
    # with app roles detected, a PUBLIC grant makes every LOGIN role of the cluster an app role,
    # including another case's (cases run side by side)
    if c.app_roles is None and re.search(r"\bTO\s+PUBLIC\b", body, re.I):
        raise ValueError(f"{c.path.name}: grants to PUBLIC need an '-- app_roles:' line")


def relevant(c: Case, check: str, severity: str) -> bool:
    """Is a finding of this check and severity judged against the labels of case c?"""
    if check == SPOOF and SPOOF not in c.include:
        return False
    return severity != "info" or c.strict_info


# ---------------------------------------------------------------- the database
class Pg:
    def __init__(self, host: str, port: str, template: str):
        self.env = dict(os.environ, PGHOST=host, PGPORT=str(port), PGUSER="postgres")
        # no WARNING from the new-table event trigger, no NOTICE noise
        self.env["PGOPTIONS"] = "-c rls_fixer.on_new_tenant_table=off -c client_min_messages=warning"
        self.template = template

    def psql(self, db: str, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, *args],
                              env=self.env, input=input_text, capture_output=True, text=True)

    def query(self, db: str, sql: str) -> list[list[str]]:
        r = self.psql(db, "-At", "-F", "\t", "-c", sql)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return [line.split("\t") for line in r.stdout.splitlines() if line]

    def roles(self) -> set[str]:
        return {r[0] for r in self.query("postgres", "SELECT rolname FROM pg_catalog.pg_roles")}


def lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def audit_sql(c: Case) -> str:
    stmts = [f"SET rls_fixer.schemas = {lit(','.join(c.schemas))}"]
    if c.app_roles is not None:
        stmts.append(f"SET rls_fixer.app_roles = {lit(','.join(c.app_roles))}")
    for name, value in c.sets:
        stmts.append(f"SET {name} = {lit(value)}")
    stmts.append("SELECT check_name, object_name, severity FROM rls_audit()")
    return ";\n".join(stmts) + ";\n"


# ---------------------------------------------------------------- pgrls
# pgrls rule -> the checks of ours it can stand for (the first is where an unmatched finding
# counts as a false positive). Only rules that mean the same thing as one of our checks are
# mapped; ACCURACY.md explains each pairing and what is left out.
PGRLS_MAP: dict[str, list[str]] = {
    # on a partition or an inheritance child these name what the child lacks
    "SEC001": ["rls_disabled", "partition_unprotected", "inheritance_child_unprotected"],
    "SEC002": ["rls_not_forced", "partition_unprotected", "inheritance_child_unprotected"],
    "SEC032": ["policy_without_rls", "partition_unprotected", "inheritance_child_unprotected"],
    "SEC009": ["tenant_policy_missing", "partition_unprotected", "inheritance_child_unprotected"],
    "SEC012": ["tenant_policy_missing"],
    "SEC008": ["permissive_policy_unscoped"],
    "SEC011": ["permissive_policy_unscoped"],
    "SEC038": ["permissive_policy_unscoped", "policy_fail_open"],
    "SEC004": ["policy_fail_open"],
    "SEC006": ["write_check_missing", "update_moves_tenant"],
    "SEC020": ["write_check_missing", "update_moves_tenant"],
    "SEC028": ["write_check_missing", "update_moves_tenant"],
    "SEC040": ["write_check_missing", "update_moves_tenant"],
    "SEC019": ["policy_errors_without_tenant"],
    "PERF002": ["policy_not_sargable"],
    "PERF004": ["policy_not_sargable"],
    "PERF003": ["tenant_index_missing"],
    "SEC030": ["tenant_column_nullable"],
    "SEC041": ["partition_unprotected"],
    "SEC043": ["inheritance_child_unprotected"],
    "VIEW001": ["view_bypasses_rls"],
    "VIEW003": ["matview_exposes_tenant_data"],
    "SEC054": ["matview_exposes_tenant_data"],
    "SEC014": ["security_definer_function"],
    "SEC042": ["security_definer_function"],
    "SEC015": ["function_search_path_mutable"],
    "SEC016": ["role_bypassrls"],
    "SEC029": ["role_can_assume_bypass"],
    "SEC048": ["role_can_assume_bypass"],
    "SEC035": ["unique_not_tenant_scoped"],
    "SEC047": ["foreign_key_not_tenant_scoped"],
    "SEC044": ["default_privileges_public"],
    "SEC013": ["security_definer_trigger"],
    "SEC046": ["policy_function_misdeclared"],
    "SEC017": ["policy_function_misdeclared"],
    "SEC025": ["policy_reads_unprotected_table"],
    "SEC051": ["tenant_table_published"],
    "SEC053": ["foreign_tenant_table"],
}


def pgrls_config(c: Case, publications: list[str]) -> str:
    """The same knowledge rls_fixer gets (schemas, app roles), in pgrls's own options."""
    app = list(c.app_roles or [])
    low = app + ["PUBLIC"]

    def arr(xs):
        return "[" + ", ".join(json.dumps(x) for x in xs) + "]"
    out = []
    out.append("[lint.rules.SEC047]\nlow_trust_roles = " + arr(low))
    for rule in ("SEC053", "SEC054"):
        out.append(f"[lint.rules.{rule}]\nschemas = {arr(c.schemas)}\ngrantees = {arr(low)}")
    if publications:
        out.append("[lint.rules.SEC051]\npublications = " + arr(publications))
    return "\n\n".join(out) + "\n"


class PgrlsRunner:
    """Runs `pgrls lint` through its click entry point in this process: the same command and
    options as the executable, without paying the interpreter start and imports per case."""

    def __init__(self):
        from pgrls.cli import main  # noqa: PLC0415 (optional dependency)
        import pgrls  # noqa: PLC0415
        self.main = main
        self.version = getattr(pgrls, "__version__", "?")

    def lint(self, url: str, schemas: list[str], config: str, workdir: Path) -> list[dict]:
        cfg = workdir / "pgrls.toml"
        cfg.write_text(config)
        out = workdir / "pgrls.json"
        out.unlink(missing_ok=True)
        args = ["lint", "--database-url", url, "--schemas", ",".join(schemas), "--config", str(cfg),
                "--format", "json", "-o", str(out)]
        buf = io.StringIO()
        code = 0
        try:
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
                self.main(args, standalone_mode=False)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        if code not in (0, 1) or not out.exists():
            raise RuntimeError(f"pgrls lint exited {code}: {buf.getvalue().strip()[-400:]}")
        return json.loads(out.read_text()).get("violations", [])


def pgrls_object(v: dict) -> str:
    """pgrls's location in our object_name form: `s.t (constraint)` -> `s.t.constraint`,
    `s.f(args)` kept, anything else as is."""
    loc = (v.get("location") or "").strip()
    m = re.match(r"^(\S+) \(([^)]+)\)$", loc)
    if m:
        return f"{m.group(1)}.{m.group(2)}"
    return loc


def matches(check: str, label_obj: str, v: dict, loc: str) -> bool:
    """Does a pgrls finding (mapped to `check`) name the labelled object? Its location may be
    the object itself, its table (pgrls reports some policy problems on the table), a policy of
    the labelled table, or a function without its argument list; identifiers are compared
    without quotes (pgrls prints them bare)."""
    if not loc:
        return False
    label_obj, loc = label_obj.replace('"', ""), loc.replace('"', "")
    if check == "default_privileges_public":
        # pgrls: the schema, or "(cluster-wide)"; ours: "<role> in schema <schema>" or "<role>"
        role, sep, sch = label_obj.partition(" in schema ")
        return loc == sch if sep else loc == "(cluster-wide)"
    if check == "policy_function_misdeclared":
        # pgrls reports the policy and names the function in its message
        fn = label_obj.split("(")[0]
        if fn in (v.get("message") or "").replace('"', ""):
            return True
    return (label_obj == loc or label_obj.startswith(loc + ".") or loc.startswith(label_obj + ".")
            or label_obj.startswith(loc + "("))


def library_path() -> Path | None:
    try:
        d = subprocess.run(["pg_config", "--pkglibdir"], capture_output=True, text=True, check=True).stdout.strip()
        return Path(d) / "rls_fixer.so"
    except (OSError, subprocess.CalledProcessError):
        return None


def lib_stamp(lib: Path | None) -> str:
    try:
        st = lib.stat() if lib else None
        return f"{st.st_mtime_ns}:{st.st_size}" if st else "?"
    except OSError:
        return "missing"


def wait_for_library(lib: Path | None, seconds: int) -> None:
    """Wait until the library is back (a concurrent install) and has not changed for 2 s."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = lib_stamp(lib)
        time.sleep(2)
        if before not in ("missing", "?") and before == lib_stamp(lib):
            return


# ---------------------------------------------------------------- one case
@dataclass
class Result:
    error: str = ""
    found: set = field(default_factory=set)
    viol: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    pgrls_error: str = ""
    t_ours: float = 0.0
    t_pgrls: float = 0.0


def run_case(a, pg: Pg, c: Case, local, pgrls, lock) -> Result:
    """Create the case's database (dropping this worker's previous case in the same session),
    apply the case and audit it in one session, then lint it with pgrls."""
    res = Result()
    db = f"acc_{c.num}"
    drop = []
    if local.pending is not None and not a.keep:
        pdb, proles = local.pending
        drop += ["-c", f"DROP DATABASE IF EXISTS {ident(pdb)}"]
        if proles:
            drop += ["-c", "DROP ROLE IF EXISTS " + ", ".join(ident(x) for x in proles)]
    r = pg.psql("postgres", *drop, "-c", f"DROP DATABASE IF EXISTS {ident(db)}",
                "-c", f"CREATE DATABASE {ident(db)} TEMPLATE {ident(a.template)}")
    if r.returncode != 0:
        res.error = "cannot create its database: " + r.stderr.strip()
        return res
    # the audit's rows follow the first marker, the case's roles and the publications the second
    own = f"c{c.num}"
    tail = (f"\\echo {MARK}\n" + audit_sql(c) +
            f"\\echo {MARK}\nSELECT 'role', rolname FROM pg_catalog.pg_roles"
            f" WHERE rolname = {lit(own)} OR rolname LIKE {lit(own + '_%')} UNION ALL "
            "SELECT 'pub', pubname FROM pg_catalog.pg_publication;\n")
    tail_file = local.dir / "audit.sql"
    tail_file.write_text(tail)
    t0 = time.monotonic()
    r = pg.psql(db, "-At", "-F", "\t", "-f", str(c.path), "-f", str(tail_file))
    res.t_ours = time.monotonic() - t0
    parts = r.stdout.split(MARK + "\n")
    pubs: list[str] = []
    if r.returncode != 0:
        errs = r.stderr.strip().splitlines() or ["?"]
        last = next((x for x in errs if "ERROR:" in x), errs[-1]).strip()
        res.error = ("rls_audit() failed: " if len(parts) >= 2 else "the case failed to apply: ") + last
    if len(parts) >= 2:
        for line in parts[1].splitlines():
            f3 = line.split("\t")
            if len(f3) == 3 and relevant(c, f3[0], f3[2]):
                res.found.add((f3[0], f3[1]))
    if len(parts) >= 3:
        for line in parts[2].splitlines():
            kind, _, name = line.partition("\t")
            if kind == "role":
                res.roles.append(name)
            elif kind == "pub":
                pubs.append(name)
    else:  # the case stopped early: its roles, from the cluster
        res.roles = sorted(x for x in pg.roles() if x == own or x.startswith(own + "_"))
    local.pending = (db, res.roles)
    if pgrls is not None and not res.error:
        url = f"postgresql://postgres@/{db}?host={a.host}&port={a.port}"
        with lock:
            t0 = time.monotonic()
            try:
                res.viol = pgrls.lint(url, c.schemas, pgrls_config(c, pubs), local.dir)
            except Exception as e:  # noqa: BLE001
                res.pgrls_error = str(e)
            res.t_pgrls = time.monotonic() - t0
    return res


# ---------------------------------------------------------------- scoring
@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, o: "Score"):
        self.tp += o.tp
        self.fp += o.fp
        self.fn += o.fn

    @property
    def precision(self):
        return None if self.tp + self.fp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self):
        return None if self.tp + self.fn == 0 else self.tp / (self.tp + self.fn)


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--template", default="acc_template")
    ap.add_argument("--pgrls", action="store_true", help="run pgrls lint side by side")
    ap.add_argument("--pgrls-note", default="", help="why pgrls is not run (printed)")
    ap.add_argument("--only", default="", help="comma-separated case numbers or name substrings")
    ap.add_argument("--markdown", default="", help="also write the result table (markdown) here")
    ap.add_argument("--keep", action="store_true", help="keep each case's database (acc_NNN) and roles")
    ap.add_argument("--pgrls-log", default="", help="write how each pgrls finding was scored here")
    ap.add_argument("--jobs", type=int, default=2, help="cases run side by side (default 2)")
    a = ap.parse_args()

    t_all = time.monotonic()
    corpus = Path(a.corpus)
    files = sorted(p for p in corpus.iterdir() if CASE_FILE.match(p.name))
    try:
        cases = [parse_case(p) for p in files]
        for c in cases:
            validate(c)
    except ValueError as e:
        print(f"[accuracy] bad case header: {e}", file=sys.stderr)
        return 2
    nums = [c.num for c in cases]
    dup = {n for n in nums if nums.count(n) > 1}
    if dup:
        print(f"[accuracy] duplicate case numbers: {', '.join(sorted(dup))}", file=sys.stderr)
        return 2
    if a.only:
        keys = [k.strip() for k in a.only.split(",") if k.strip()]
        cases = [c for c in cases if any(k == c.num or k in c.name for k in keys)]

    pg = Pg(a.host, a.port, a.template)
    registry = [r[0] for r in pg.query(a.template, "SELECT jsonb_array_elements(rls_audit_sarif() #> '{runs,0,tool,driver,rules}') ->> 'id'")]

    pgrls = None
    pgrls_note = a.pgrls_note
    if a.pgrls:
        try:
            pgrls = PgrlsRunner()
        except Exception as e:  # noqa: BLE001
            pgrls_note = f"pgrls could not be imported ({e})"
    workdir = Path(tempfile.mkdtemp(prefix="rls_fixer-accuracy."))
    baseline_roles = pg.roles()
    stray = sorted(r for r in baseline_roles if CASE_ROLE.match(r))
    if stray and not a.keep:
        print(f"[accuracy] roles left by an earlier run: {', '.join(stray)}; use a fresh cluster", file=sys.stderr)
        return 2

    lib = library_path()
    lib_before = lib_stamp(lib)
    results: dict[str, Result] = {}
    lock = threading.Lock()       # pgrls runs in this process: one lint at a time
    local = threading.local()     # per worker: the database and roles of its previous case

    def work(c: Case) -> Result:
        if not hasattr(local, "pending"):
            local.pending = None
            local.dir = Path(tempfile.mkdtemp(dir=workdir))
        # `make install` unlinks the library before copying the new one: a backend starting in
        # that instant cannot load it. Such a case is run again (not a finding either way).
        for _ in range(3):
            res = run_case(a, pg, c, local, pgrls, lock)
            if "$libdir/rls_fixer" not in res.error:
                break
            wait_for_library(lib, 300)
        return res

    with ThreadPoolExecutor(max_workers=max(1, a.jobs), thread_name_prefix="case") as ex:
        for c, res in zip(cases, ex.map(work, cases)):
            results[c.num] = res
    # each worker's last case: drop its database and roles
    leftovers = [(f"acc_{c.num}", results[c.num].roles) for c in cases]
    if not a.keep:
        args = []
        for db, roles in leftovers:
            args += ["-c", f"DROP DATABASE IF EXISTS {ident(db)}"]
        left_roles = sorted(r for r in pg.roles() if CASE_ROLE.match(r))
        if left_roles:
            args += ["-c", "DROP ROLE IF EXISTS " + ", ".join(ident(x) for x in left_roles)]
        r = pg.psql("postgres", *args)
        if r.returncode != 0:
            print(f"[accuracy] cannot drop the case databases or roles: {r.stderr.strip()}", file=sys.stderr)

    ours: dict[str, Score] = defaultdict(Score)
    theirs: dict[str, Score] = defaultdict(Score)
    diffs: list[tuple[Case, list, list, str]] = []
    labels_per_check: dict[str, int] = defaultdict(int)
    pgrls_unmapped: dict[str, int] = defaultdict(int)
    pgrls_log: list[str] = []  # every scored pgrls finding and every missed label (--pgrls-log)
    t_ours = sum(r.t_ours for r in results.values())
    t_pgrls = sum(r.t_pgrls for r in results.values())
    pgrls_errors = sum(1 for r in results.values() if r.pgrls_error)
    for c in cases:
        res = results[c.num]
        error, found, viol = res.error, res.found, res.viol
        if res.pgrls_error:
            print(f"[accuracy] {c.name}: pgrls failed: {res.pgrls_error}", file=sys.stderr)

        # ours
        for chk, _ in c.expect:
            labels_per_check[chk] += 1
        missing = sorted(c.expect - found)
        unexpected = sorted(found - c.expect)
        for chk, _ in c.expect & found:
            ours[chk].tp += 1
        for chk, _ in missing:
            ours[chk].fn += 1
        for chk, _ in unexpected:
            ours[chk].fp += 1
        if missing or unexpected or error:
            diffs.append((c, missing, unexpected, error))

        # pgrls, on the checks it has a rule for
        if pgrls is not None and not error:
            mapped_checks = {x for v in PGRLS_MAP.values() for x in v}
            hit: set[tuple[str, str]] = set()
            fps: set[tuple[str, str]] = set()
            for v in viol:
                rule = v.get("rule_id", "")
                cands = PGRLS_MAP.get(rule)
                if not cands:
                    pgrls_unmapped[rule] += 1
                    continue
                loc = pgrls_object(v)
                other = CASE_ROLE.match(loc)
                if other and other.group(1) != c.num:
                    continue  # a cluster-wide rule naming another case's role (cases run side by side)
                lab = [(chk, o) for (chk, o) in c.expect if chk in cands and matches(chk, o, v, loc)]
                if lab:
                    hit.update(lab)
                else:
                    fps.add((cands[0], loc))
                pgrls_log.append(f"{c.name}\t{rule}\t{loc}\t{'TP ' + ' '.join(x[1] for x in lab) if lab else 'FP ' + cands[0]}")
            for chk, o in c.expect:
                if chk not in mapped_checks:
                    continue
                if (chk, o) in hit:
                    theirs[chk].tp += 1
                else:
                    theirs[chk].fn += 1
                    pgrls_log.append(f"{c.name}\t-\t-\tFN {chk} {o}")
            for chk, _ in fps:
                theirs[chk].fp += 1

    elapsed = time.monotonic() - t_all
    mapped_checks = {x for v in PGRLS_MAP.values() for x in v}
    checks = list(registry) + sorted((set(ours) | set(labels_per_check)) - set(registry))
    show_pgrls = pgrls is not None

    # ---------------------------------------------------------------- report
    lines = []
    head = "| check | labels | TP | FP | FN | precision | recall |"
    sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    if show_pgrls:
        head += " pgrls rules | pgrls TP | pgrls FP | pgrls FN | pgrls precision | pgrls recall |"
        sep += " --- | ---: | ---: | ---: | ---: | ---: |"
    lines += [head, sep]
    tot, ptot, pcmp, ocmp = Score(), Score(), Score(), Score()
    for chk in checks:
        s = ours.get(chk, Score())
        tot.add(s)
        row = f"| {chk} | {labels_per_check.get(chk, 0)} | {s.tp} | {s.fp} | {s.fn} | {pct(s.precision)} | {pct(s.recall)} |"
        if show_pgrls:
            rules = ", ".join(sorted(r for r, cs in PGRLS_MAP.items() if chk in cs))
            if chk in mapped_checks:
                p = theirs.get(chk, Score())
                ptot.add(p)
                ocmp.add(s)
                row += f" {rules} | {p.tp} | {p.fp} | {p.fn} | {pct(p.precision)} | {pct(p.recall)} |"
            else:
                row += " - | - | - | - | - | - |"
        lines.append(row)
    row = f"| **overall** | {sum(labels_per_check.values())} | {tot.tp} | {tot.fp} | {tot.fn} | **{pct(tot.precision)}** | **{pct(tot.recall)}** |"
    if show_pgrls:
        row += f" (mapped checks) | {ptot.tp} | {ptot.fp} | {ptot.fn} | **{pct(ptot.precision)}** | **{pct(ptot.recall)}** |"
    lines.append(row)
    if show_pgrls:
        lines.append(f"| rls_fixer on the same mapped checks | | {ocmp.tp} | {ocmp.fp} | {ocmp.fn} | {pct(ocmp.precision)} | {pct(ocmp.recall)} |"
                     " | | | | | |")

    n_clean = sum(1 for c in cases if not c.expect)
    summary = (f"{len(cases)} cases ({len(cases) - n_clean} with findings, {n_clean} clean), "
               f"{sum(labels_per_check.values())} labels; {len(diffs)} case(s) differ from their labels; "
               f"total {elapsed:.1f} s (applying and auditing {t_ours:.1f} s")
    summary += f", pgrls lint {t_pgrls:.1f} s)" if show_pgrls else ")"
    pg_line = (f"pgrls {pgrls.version}: in-process `pgrls lint` per case; {pgrls_errors} error(s)" if show_pgrls
               else f"pgrls: not run ({pgrls_note or 'disabled'})")

    out = []
    out.append(f"## accuracy: {summary}")
    out.append("")
    out.extend(lines)
    out.append("")
    if lib_stamp(lib) != lib_before:
        out.append("**Warning: the rls_fixer library was reinstalled during this run: the findings may mix two builds.**")
        out.append("")
    out.append(pg_line)
    if show_pgrls and pgrls_unmapped:
        top = sorted(pgrls_unmapped.items(), key=lambda kv: (-kv[1], kv[0]))
        out.append("pgrls findings of unmapped rules (not scored): " + ", ".join(f"{k} {v}" for k, v in top))
    if diffs:
        out.append("")
        out.append("### cases whose findings differ from their labels")
        out.append("")
        for c, missing, unexpected, error in diffs:
            out.append(f"- **{c.name}** ({c.title})")
            if error:
                out.append(f"  - error: {error}")
            for chk, o in missing:
                out.append(f"  - missing: {chk} {o}")
            for chk, o in unexpected:
                out.append(f"  - unexpected: {chk} {o}")
    text = "\n".join(out) + "\n"
    print(text)
    if not a.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    if a.pgrls_log and show_pgrls:
        Path(a.pgrls_log).write_text("case\trule\tlocation\tscored\n" + "\n".join(pgrls_log) + "\n")
    if a.markdown:
        Path(a.markdown).write_text(text)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
