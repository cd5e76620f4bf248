#!/usr/bin/env bash
# The sdist builds and installs in a clean virtualenv: pip builds it from dist/'s tarball alone
# (build isolation fetches maturin per [build-system]; cargo compiles the Rust core), then the
# installed package runs the smoke test from an empty directory.
#
#   scripts/check_sdist.sh [DIST]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
DIST=$(cd "${1:-dist}" && pwd)
HOST_PY=${HOST_PY:-python3}

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
sdist=$DIST/fastwarmup-$version.tar.gz
[ -f "$sdist" ] || { echo "check_sdist: no $sdist" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fastwarmup-sdist-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "== $(basename "$sdist"): pip install into a clean virtualenv ($("$HOST_PY" --version))"
"$HOST_PY" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
# --no-binary: built from this tarball, never replaced by a wheel from an index.
(cd "$work" && "$work/venv/bin/python" -m pip install -q --no-binary fastwarmup "$sdist")
cp scripts/smoke.py "$work/"
cd "$work"
PYTHONDONTWRITEBYTECODE=1 "$work/venv/bin/python" -I smoke.py "$(uname -m)"
