#!/usr/bin/env bash
# Test the built wheel, not the tree: install dist/'s wheel for this machine into a fresh
# virtualenv of one interpreter, with no Rust toolchain on PATH, then run the stub check (from an
# empty directory) and the whole pytest suite against the installed package.
#
# pytest runs in the checkout (the README's examples, which a test executes, name files by paths
# relative to it) through the virtualenv's `pytest` script, so neither the current directory nor
# python/ is on sys.path; the plugin scripts/installed_wheel.py stops the run unless fastwarmup
# is imported from the virtualenv's site-packages.
#
#   scripts/test_wheel.sh PYTHON [DIST]     PYTHON: a path, or a version such as 3.10 (pyenv's)
#
# The virtualenv gets the wheel with every extra in pyproject's [project.optional-dependencies]
# (test tools, paddlepaddle==3.3.1 as the parity oracle, mypy, the integrations' frameworks).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
spec=${1:?usage: scripts/test_wheel.sh PYTHON [DIST]}
DIST=$(cd "${2:-dist}" && pwd)
HOST_PY=${HOST_PY:-python3}

if [ -x "$spec" ]; then
    py=$spec
else
    py=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$spec".*/bin/python"$spec" 2>/dev/null \
         | sort -V | tail -n1 || true)
    if [ -z "$py" ] && "python$spec" -c '' 2>/dev/null; then py=$(command -v "python$spec"); fi
    [ -n "$py" ] || { echo "test_wheel: no CPython $spec (pyenv or PATH)" >&2; exit 1; }
fi
pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

read -r version extras < <("$HOST_PY" - <<'EOF'
import tomllib
cargo = tomllib.load(open("Cargo.toml", "rb"))
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print(cargo["package"]["version"], ",".join(project.get("optional-dependencies", {})))
EOF
)
arch=$(uname -m)
wheel=$(ls "$DIST"/fastwarmup-"$version"-cp310-abi3-*manylinux*_"$arch".whl 2>/dev/null | head -n1 || true)
[ -n "$wheel" ] || { echo "test_wheel: no $arch wheel of fastwarmup $version in $DIST" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fastwarmup-wheel-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
venv=$work/venv
echo "== CPython $pyver ($py): fresh virtualenv, $(basename "$wheel")[${extras}]"
"$py" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip

# No Rust toolchain while installing: a wheel that did not fit would fall back to building.
nocargo=$(tr ':' '\n' <<<"$PATH" | while read -r d; do
    [ -n "$d" ] && [ ! -x "$d/cargo" ] && [ ! -x "$d/rustc" ] && [ ! -x "$d/maturin" ] && echo "$d"
done | paste -sd: -)
PATH=$nocargo CARGO=/nonexistent/cargo RUSTC=/nonexistent/rustc bash -c '
    set -euo pipefail
    ! command -v cargo >/dev/null && ! command -v rustc >/dev/null
    "$0" -m pip install -q --only-binary=fastwarmup "$1[$2]"
' "$venv/bin/python" "$wheel" "$extras"

mkdir "$work/empty" "$work/plugin"
cp scripts/installed_wheel.py "$work/plugin/"
export PYTHONDONTWRITEBYTECODE=1
# From an empty directory: nothing of the source tree can shadow the installed package.
cd "$work/empty"
"$venv/bin/python" -I - "$version" <<'EOF'
import importlib.metadata, sys, sysconfig
from pathlib import Path
import fastwarmup
site = Path(sysconfig.get_paths()["platlib"]).resolve()
assert Path(fastwarmup.__file__).resolve().is_relative_to(site), fastwarmup.__file__
assert fastwarmup.__version__ == importlib.metadata.version("fastwarmup") == sys.argv[1], (
    fastwarmup.__version__, importlib.metadata.version("fastwarmup"), sys.argv[1])
print(f"installed: fastwarmup {fastwarmup.__version__} at {Path(fastwarmup.__file__).parent}")
EOF

echo "== stubtest (CPython $pyver, installed stub and extension)"
"$venv/bin/python" -m mypy.stubtest fastwarmup._fastwarmup \
    --allowlist "$repo/stubtest-allowlist.txt"

echo "== pytest (CPython $pyver, installed wheel)"
cd "$repo"
rc=0
FASTWARMUP_REQUIRE_PADDLE=1 PYTHONPATH="$work/plugin" "$venv/bin/pytest" -p no:cacheprovider \
    -p installed_wheel -c pyproject.toml --rootdir . tests benches || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "test_wheel: pytest collected no tests (exit 5): failing" >&2
    exit 1
fi
exit "$rc"
