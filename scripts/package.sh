#!/usr/bin/env bash
# Builds a Debian package of the extension for one PostgreSQL major version:
#   scripts/package.sh [PG_MAJOR]          (default 15)
#   -> dist/postgresql-<PG_MAJOR>-rls-fixer_<version>-<rev>_<arch>.deb
# The package holds only the built extension (the .so, the control file, the install script,
# the upgrade scripts) and its docs; the target machine needs postgresql-<PG_MAJOR> and nothing else (no Rust, no pgrx).
#
# Environment:
#   RLS_FIXER_PKG_TARGET_DIR  cargo target dir for this build (default /tmp/target-pkg; kept
#                             apart from ./target so it never races a `make install`)
#   DEB_REVISION              Debian revision appended to the Cargo version (default 1)
#   DEB_MAINTAINER            the Maintainer field
#   SOURCE_DATE_EPOCH         timestamp of the packaged files (default: the last commit's)
#   LINTIAN=0                 skip lintian even when it is installed
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${1:-${PG_MAJOR:-15}}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
export CARGO_TARGET_DIR="${RLS_FIXER_PKG_TARGET_DIR:-/tmp/target-pkg}"
DEB_REVISION="${DEB_REVISION:-1}"
DEB_MAINTAINER="${DEB_MAINTAINER:-rls_fixer maintainers <maintainers@users.noreply.r-seed-941dbd4c.example>}"
EXT=rls_fixer
PKG="postgresql-${PG_MAJOR}-rls-fixer"

say() { printf '\033[1m[package]\033[0m %s\n' "$*"; }
die() { printf '[package] ERROR: %s\n' "$*" >&2; exit 1; }

[ -x "$PG_CONFIG" ] || die "$PG_CONFIG not found (apt-get install postgresql-server-dev-${PG_MAJOR})"
for tool in dpkg-deb dpkg-shlibdeps objdump; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install dpkg-dev binutils)"
done
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
cargo pgrx --version >/dev/null 2>&1 || die "cargo-pgrx not found (run: make setup)"

# The version of the [package] section of Cargo.toml.
VERSION="$(awk '/^\[/{sec=$0} sec=="[package]" && /^version *=/{gsub(/[" ]/,""); sub(/^version=/,""); print; exit}' Cargo.toml)"
[ -n "$VERSION" ] || die "no version in Cargo.toml"
DEB_VERSION="${VERSION}-${DEB_REVISION}"
ARCH="$(dpkg --print-architecture)"
PKGLIBDIR="$("$PG_CONFIG" --pkglibdir)"
SHAREDIR="$("$PG_CONFIG" --sharedir)"
# Timestamp of the packaged files. Not exported: the cc/bindgen build scripts of pgrx's
# dependencies rerun (minutes) whenever SOURCE_DATE_EPOCH changes.
EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || stat -c %Y Cargo.toml)}"
last_year="$(date -u -d "@$EPOCH" +%Y)"
first_year="$(git log --max-parents=0 --format=%cd --date=format:%Y 2>/dev/null | sort | sed -n 1p || true)"
COPYRIGHT_YEARS="${first_year:-$last_year}"
[ "$COPYRIGHT_YEARS" = "$last_year" ] || COPYRIGHT_YEARS="${COPYRIGHT_YEARS}-${last_year}"

# 1. cargo pgrx package: a release build staged as the files would lie under / .
STAGE="${CARGO_TARGET_DIR}/release/${EXT}-pg${PG_MAJOR}"
rm -rf "$STAGE"   # no stale files (an older version's SQL script) from an earlier run
say "cargo pgrx package --pg-config $PG_CONFIG (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
cargo pgrx package --pg-config "$PG_CONFIG" --no-default-features --features "pg${PG_MAJOR}"
SO_REL="${PKGLIBDIR#/}/${EXT}.so"
CONTROL_REL="${SHAREDIR#/}/extension/${EXT}.control"
SQL_REL="${SHAREDIR#/}/extension/${EXT}--${VERSION}.sql"
# the upgrade scripts (sql/rls_fixer--FROM--TO.sql), so ALTER EXTENSION ... UPDATE works
UPGRADE_RELS=()
for f in sql/"${EXT}"--*--*.sql; do
  [ -e "$f" ] && UPGRADE_RELS+=("${SHAREDIR#/}/extension/${f#sql/}")
done
for f in "$SO_REL" "$CONTROL_REL" "$SQL_REL" "${UPGRADE_RELS[@]}"; do
  [ -f "$STAGE/$f" ] || die "cargo pgrx package did not produce $STAGE/$f"
done
grep -q "^default_version = '${VERSION}'" "$STAGE/$CONTROL_REL" \
  || die "$CONTROL_REL: default_version is not '${VERSION}'"
unexpected="$(cd "$STAGE" && find . -type f ! -path "./$SO_REL" ! -path "./$CONTROL_REL" ! -path "./$SQL_REL" \
  | grep -vxF -f <(printf './%s\n' "${UPGRADE_RELS[@]}") || true)"
[ -z "$unexpected" ] || die "unexpected files in the staged tree: $unexpected"

# 2. The package root: the staged files plus docs, as root would own them.
WORK="$(mktemp -d /tmp/rls_fixer-package.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/debian/$PKG"   # where dpkg-shlibdeps expects a package's files
mkdir -p "$ROOT/DEBIAN"   # DEBIAN/ marks the package root for dpkg-shlibdeps
cp -a "$STAGE/usr" "$ROOT/"
# Debian strips shared objects the way dh_strip does; the exported functions are in .dynsym.
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$ROOT/$SO_REL"
grep -q 'Pg_magic_func' <<<"$(objdump -T "$ROOT/$SO_REL")" || die "stripped $SO_REL lost Pg_magic_func"

DOC="$ROOT/usr/share/doc/$PKG"
mkdir -p "$DOC"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: rls_fixer"
  echo "Comment: Built from the rls_fixer sources with cargo-pgrx. The shared object"
  echo " statically links these Rust crates (name, version, license as each declares):"
  cargo tree --edges normal,no-proc-macro --prefix none --format '{p} {l}' \
      --no-default-features --features "pg${PG_MAJOR}" \
    | grep -v '^rls_fixer ' | sed 's/ (\*)$//' | sort -u | sed 's/^/ /'
  echo ""
  echo "Files: *"
  echo "Copyright: $COPYRIGHT_YEARS rls_fixer authors"
  echo "License: MIT"
  echo ""
  echo "License: MIT"
  sed 's/^$/./; s/^/ /' <<'MIT'
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
MIT
} > "$DOC/copyright"
{
  echo "$PKG ($DEB_VERSION) unstable; urgency=medium"
  echo ""
  echo "  * Binary package built by scripts/package.sh from rls_fixer $VERSION."
  echo ""
  echo " -- $DEB_MAINTAINER  $(date -u -R -d "@$EPOCH")"
} | gzip -9n > "$DOC/changelog.Debian.gz"

# 3. Depends: postgresql-N plus the packages of the libraries the .so is linked against.
mkdir -p "$WORK/debian"
printf 'Source: rls-fixer\n\nPackage: %s\nArchitecture: any\n' "$PKG" > "$WORK/debian/control"
# --warnings=0: the postgres symbols the .so uses are resolved from the server binary at load
# time, not from any library, which dpkg-shlibdeps would otherwise warn about, one per symbol.
shlibs="$(cd "$WORK" && dpkg-shlibdeps -O --warnings=0 "debian/$PKG/$SO_REL")"
shlibs="${shlibs#shlibs:Depends=}"
[ -n "$shlibs" ] || die "dpkg-shlibdeps found no dependencies for $SO_REL"
# cross-check: every NEEDED entry resolves (ldd) to a file of a package named in Depends
shlib_pkgs="$(tr ',|' '\n' <<<"$shlibs" | sed 's/^ *//; s/[ (:].*//')"
ldd_out="$(ldd "$ROOT/$SO_REL")"
while read -r lib; do
  path="$(awk -v l="$lib" '$1 == l && $2 == "=>" {print $3; exit}
    substr($1, length($1) - length(l)) == "/" l {print $1; exit}' <<<"$ldd_out")"   # ld-linux
  if [ -z "$path" ] || [ ! -e "$path" ]; then die "NEEDED $lib does not resolve: $ldd_out"; fi
  owner="$(dpkg -S "$path" 2>/dev/null | sed -n '1s/:.*//p')" \
    || owner="$(dpkg -S "$(readlink -f "$path")" | sed -n '1s/:.*//p')"
  grep -qxF "$owner" <<<"$shlib_pkgs" || die "NEEDED $lib ($owner) missing from Depends: $shlibs"
done < <(objdump -p "$ROOT/$SO_REL" | awk '$1 == "NEEDED" {print $2}')
DEPENDS="postgresql-${PG_MAJOR}, ${shlibs}"

# 4. Control data, modes, timestamps.
INSTALLED_SIZE="$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)"
cat > "$ROOT/DEBIAN/control" <<EOF
Package: $PKG
Version: $DEB_VERSION
Architecture: $ARCH
Maintainer: $DEB_MAINTAINER
Installed-Size: $INSTALLED_SIZE
Depends: $DEPENDS
Section: database
Priority: optional
Description: audit and fix tenant isolation (row-level security) for PostgreSQL ${PG_MAJOR}
 rls_fixer is a PostgreSQL extension for multi-tenant databases that keep
 tenants apart with row-level security. rls_audit() finds tables without RLS
 or FORCE, missing or fail-open policies, roles and views that bypass RLS and
 unprotected partitions; rls_fix() applies the safe fixes atomically and
 records them so rls_undo() can revert them; rls_verify() proves isolation by
 querying as the application role; set_tenant_context() gives applications a
 validated, fail-closed tenant setting.
 .
 This package contains the extension built for PostgreSQL ${PG_MAJOR}; enable it
 in a database with CREATE EXTENSION rls_fixer.
EOF
(cd "$ROOT" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$ROOT/DEBIAN/md5sums"
find "$ROOT" -type d -exec chmod 0755 {} +
find "$ROOT" -type f -exec chmod 0644 {} +
find "$ROOT" -exec touch --no-dereference -d "@$EPOCH" {} +

mkdir -p dist
DEB="dist/${PKG}_${DEB_VERSION}_${ARCH}.deb"
rm -f "$DEB"
SOURCE_DATE_EPOCH="$EPOCH" dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
say "built $DEB ($(du -h "$DEB" | cut -f1))"
dpkg-deb -I "$DEB"
dpkg-deb -c "$DEB"

# 5. lintian, when installed: its findings are reported, not fatal.
if [ "${LINTIAN:-1}" != 0 ] && command -v lintian >/dev/null 2>&1; then
  say "lintian $DEB"
  # initial-upload-closes-no-bugs: about Debian's ITP bugs, meaningless for a package built here
  lintian --tag-display-limit 0 --suppress-tags initial-upload-closes-no-bugs "$DEB" \
    || say "lintian reported problems (see above)"
fi
say "ok: $DEB"
