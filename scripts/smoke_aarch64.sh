#!/usr/bin/env bash
# Smoke-test the aarch64 wheel in dist/ under user-mode emulation (qemu-aarch64), on an x86_64
# machine: import, the seed schedule stepped and checked against paddle's formulas, precompute.
#
# The aarch64 CPython is Debian's own (python3.X-minimal and its libraries, arm64 build), unpacked
# with `dpkg -x` into target/aarch64-sysroot: apt reads the arm64 package lists into a private
# directory, so the machine's dpkg/apt configuration is left alone. NumPy's manylinux aarch64
# wheel and fastwarmup's wheel are installed for that interpreter by the host's pip
# (--platform/--target); qemu runs the interpreter with the sysroot as its library root.
# Needs root for apt-get (qemu-user-static from Debian, when no qemu-aarch64 is on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-dist}
HOST_PY=${HOST_PY:-python3}
WORK=target/aarch64-sysroot
ROOTFS=$WORK/rootfs

wheel=$(ls "$DIST"/fastwarmup-*-manylinux*_aarch64*.whl 2>/dev/null | head -n1 || true)
[ -n "$wheel" ] || { echo "smoke_aarch64: no aarch64 wheel in $DIST" >&2; exit 1; }

qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [ -z "$qemu" ]; then
    echo "== installing qemu-user-static (Debian)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends qemu-user-static >/dev/null 2>&1 || {
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends qemu-user-static >/dev/null
    }
    qemu=$(command -v qemu-aarch64-static)
fi

if [ ! -x "$ROOTFS/usr/bin/python3" ]; then
    echo "== unpacking Debian's arm64 CPython into $ROOTFS"
    rm -rf "$WORK"
    mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial" "$WORK/debs" "$ROOTFS"
    apt=(-q -o "Dir::State::Lists=$PWD/$WORK/lists" -o "Dir::Cache=$PWD/$WORK/cache"
         -o Dir::State::status=/dev/null -o APT::Architecture=arm64 -o APT::Architectures::=arm64
         -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    apt-get "${apt[@]}" update >/dev/null
    # python3-minimal pre-depends on the distribution's python3.X-minimal.
    pyx=$(apt-cache "${apt[@]}" depends python3-minimal | grep -oE 'python3\.[0-9]+-minimal' | head -n1)
    ver=${pyx%-minimal}
    # The interpreter, its standard library and the shared libraries they load (no perl, tools,
    # documentation: only what `python3 -c "import numpy, fastwarmup"` needs; libstdc++ and
    # libgcc_s are the manylinux system libraries NumPy's wheel links).
    pkgs=$(apt-cache "${apt[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
               --no-breaks --no-replaces --no-enhances \
               "$ver-minimal" "lib$ver-minimal" "lib$ver-stdlib" libstdc++6 libgcc-s1 \
           | grep -E '^(lib[a-z0-9.+-]+|zlib1g|python3\.[0-9]+-minimal)$' \
           | grep -vE '^(libperl|libpython3-stdlib$)' | sort -u)
    (cd "$WORK/debs" && apt-get "${apt[@]}" download $pkgs >/dev/null)
    for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$ROOTFS"; done
    ln -sf "$(basename "$ver")" "$ROOTFS/usr/bin/python3"
fi
pyver=$(ls "$ROOTFS"/usr/bin/ | grep -oE '^python3\.[0-9]+$' | head -n1)
pyver=${pyver#python}

site=$WORK/smoke-site
rm -rf "$site"
echo "== installing $(basename "$wheel") and NumPy for aarch64 CPython $pyver"
"$HOST_PY" -m pip install -q --no-deps --target "$site" --only-binary=:all: --implementation cp \
    --python-version "$pyver" --abi "cp${pyver/./}" --abi abi3 --abi none \
    --platform manylinux2014_aarch64 --platform manylinux_2_17_aarch64 \
    --platform manylinux_2_28_aarch64 "$wheel" numpy

echo "== smoke test under $("$qemu" --version | head -n1)"
repo=$PWD
tmp=$(mktemp -d)
cp scripts/smoke.py "$tmp/"
(cd "$tmp" && PYTHONPATH="$repo/$site" PYTHONDONTWRITEBYTECODE=1 \
    "$qemu" -L "$repo/$ROOTFS" "$repo/$ROOTFS/usr/bin/python3" -s smoke.py aarch64)
rm -rf "$tmp"
