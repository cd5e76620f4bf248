#!/usr/bin/env python3
"""Check the release artifacts in dist/ before anything installs them.

    python scripts/check_dist.py [DIST] [--arch x86_64 --arch aarch64]

Fails (exit 1, every problem listed) unless:

- dist/ holds exactly one sdist and one wheel per expected architecture, nothing else;
- every name and every METADATA carries Cargo.toml's version (the one source of the version:
  maturin copies it into the metadata, and the extension exports it as ``__version__``);
- each wheel is abi3 for CPython >= 3.10, tagged with the manylinux policy that pyproject's
  [tool.maturin] ``compatibility`` names, and auditwheel, reading the extension's symbol
  versions and libraries itself, finds that same policy as the lowest (most compatible) one the
  wheel is consistent with: the tag is audited, not asserted;
- a wheel holds the package's Python files (exactly those under python/fastwarmup), the
  extension (an ELF of the wheel's architecture), py.typed and the stub, plus the standard
  .dist-info records (METADATA, WHEEL, RECORD, entry points, licenses, SBOM) and nothing else;
  RECORD's hashes and sizes match;
- the sdist holds what a build needs (Cargo manifest and lock, .cargo/config.toml, sources,
  pyproject, the package) and no build output;
- sizes stay within BUDGET;
- ``twine check --strict`` passes.
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.parser
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "fastwarmup"
EXTENSION = f"{PACKAGE}/_fastwarmup.abi3.so"
PYTHON_TAG, ABI_TAG, REQUIRES_PYTHON = "cp310", "abi3", ">=3.10"

KIB, MIB = 1024, 1024 * 1024
# Measured at 0.1.0: wheels 0.52-0.55 MiB (extension 0.95-1.05 MiB unpacked), sdist 0.35 MiB.
BUDGET = {
    "wheel": 1 * MIB,
    "extension (unpacked)": 3 * MIB,
    "sdist": 1 * MIB,
}

# ELF e_machine of each wheel architecture.
ELF_MACHINE = {"x86_64": 62, "aarch64": 183}
LEGACY_MANYLINUX = {"manylinux1": "2_5", "manylinux2010": "2_12", "manylinux2014": "2_17"}
DIST_INFO_FILES = {"METADATA", "WHEEL", "RECORD", "entry_points.txt"}
DIST_INFO_DIRS = ("licenses/", "sboms/")
SDIST_REQUIRED = [
    "PKG-INFO",
    "pyproject.toml",
    "Cargo.toml",
    "Cargo.lock",
    ".cargo/config.toml",
    "README.md",
    "src/lib.rs",
    f"python/{PACKAGE}/__init__.py",
    f"python/{PACKAGE}/py.typed",
    f"python/{PACKAGE}/_fastwarmup.pyi",
]
SDIST_FORBIDDEN = re.compile(
    r"(^|/)(target|\.venv|dist|wheels|__pycache__|\.git)/|\.(so|pyd|pyc|whl)$"
)
BUILD_LEFTOVERS = {".so", ".pyd", ".pyc"}

problems: list[str] = []


def problem(msg: str) -> None:
    problems.append(msg)


def load_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(path.read_text())


def crate_version() -> str:
    return load_toml(ROOT / "Cargo.toml")["package"]["version"]


def manylinux_policy() -> str:
    """The ``X_Y`` of pyproject's [tool.maturin] compatibility (manylinux2014 -> 2_17)."""
    compat = load_toml(ROOT / "pyproject.toml")["tool"]["maturin"]["compatibility"]
    if compat in LEGACY_MANYLINUX:
        return LEGACY_MANYLINUX[compat]
    m = re.fullmatch(r"manylinux_(\d+_\d+)", compat)
    if not m:
        sys.exit(f"[tool.maturin] compatibility = {compat!r}: not a manylinux policy")
    return m.group(1)


def package_sources() -> set[str]:
    """The files the wheel must ship from python/: every package file but build leftovers."""
    src = ROOT / "python"
    files = set()
    for path in (src / PACKAGE).rglob("*"):
        rel = path.relative_to(src).as_posix()
        if path.is_file() and "__pycache__" not in rel and path.suffix not in BUILD_LEFTOVERS:
            files.add(rel)
    # Files git ignores are not shipped by maturin either.
    if files and shutil.which("git") and (ROOT / ".git").exists():
        ignored = subprocess.run(
            ["git", "check-ignore", "--stdin"],
            cwd=src,
            input="\n".join(sorted(files)),
            capture_output=True,
            text=True,
        ).stdout.split()
        files -= set(ignored)
    return files


def check_record(whl: zipfile.ZipFile, name: str, record_path: str) -> None:
    listed = {}
    for row in csv.reader(io.StringIO(whl.read(record_path).decode())):
        if row:
            listed[row[0]] = row[1:]
    for info in whl.infolist():
        if info.filename == record_path:
            continue
        if info.filename not in listed:
            problem(f"{name}: {info.filename} is not in RECORD")
            continue
        digest, size = listed[info.filename]
        data = whl.read(info.filename)
        b64 = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        expect = f"sha256={b64}"
        if digest != expect or int(size) != len(data):
            problem(f"{name}: RECORD hash or size of {info.filename} does not match")
    for path in set(listed) - set(whl.namelist()):
        problem(f"{name}: RECORD lists {path}, which the wheel lacks")


def audited_policy(path: Path) -> str | None:
    """The lowest manylinux policy auditwheel finds the wheel consistent with."""
    out = subprocess.run(
        [sys.executable, "-m", "auditwheel", "show", str(path)], capture_output=True, text=True
    )
    text = " ".join((out.stdout + out.stderr).split())
    m = re.search(r'consistent with the following platform tag: "([^"]+)"', text)
    if out.returncode != 0 or not m:
        problem(f"{path.name}: auditwheel show failed: {text[:500]}")
        return None
    return m.group(1)


def elf_sections(elf: bytes) -> list[str]:
    """Section names of a little-endian ELF64 image (both wheel architectures are)."""
    if elf[:6] != b"\x7fELF\x02\x01":
        return []
    shoff = int.from_bytes(elf[0x28:0x30], "little")
    entsize, count, strndx = (int.from_bytes(elf[o : o + 2], "little") for o in (0x3A, 0x3C, 0x3E))

    def header(i: int) -> tuple[int, int]:
        at = shoff + i * entsize
        name = int.from_bytes(elf[at : at + 4], "little")
        return name, int.from_bytes(elf[at + 0x18 : at + 0x20], "little")

    strtab = header(strndx)[1]
    names = []
    for i in range(count):
        start = strtab + header(i)[0]
        names.append(elf[start : elf.index(b"\0", start)].decode())
    return names


def check_wheel(path: Path, version: str, policy: str, sources: set[str]) -> tuple[str, int]:
    name = path.name
    m = re.fullmatch(r"([^-]+)-([^-]+)-([^-]+)-([^-]+)-([^-]+)\.whl", name)
    if not m:
        problem(f"{name}: not a wheel file name")
        return "?", 0
    dist, ver, py, abi, plats = m.groups()
    if dist != PACKAGE or ver != version:
        problem(f"{name}: expected {PACKAGE} {version} (Cargo.toml), got {dist} {ver}")
    if (py, abi) != (PYTHON_TAG, ABI_TAG):
        problem(f"{name}: expected one abi3 wheel for CPython >= 3.10 ({PYTHON_TAG}-{ABI_TAG})")
    # manylinux_2_17_x86_64 / manylinux2014_x86_64 -> x86_64
    archs = {p.split("_", 3 if p.startswith("manylinux_") else 1)[-1] for p in plats.split(".")}
    arch = archs.pop() if len(archs) == 1 else "?"
    if arch not in ELF_MACHINE:
        problem(f"{name}: unexpected platform {plats}")
        return arch, 0
    tag = f"manylinux_{policy}_{arch}"
    if tag not in plats.split("."):
        problem(f"{name}: not tagged {tag} ([tool.maturin] compatibility)")
    audited = audited_policy(path)
    if audited is not None and audited != tag:
        problem(f"{name}: auditwheel finds {audited} the lowest policy it meets, not {tag}")

    ext_size = 0
    with zipfile.ZipFile(path) as whl:
        info_dir = f"{PACKAGE}-{version}.dist-info/"
        files = set(whl.namelist())
        meta = {f for f in files if f.startswith(info_dir)}
        payload = files - meta
        expected = sources | {EXTENSION}
        for extra in sorted(payload - expected):
            problem(f"{name}: ships {extra}, which is not part of the package")
        for missing in sorted(expected - payload):
            problem(f"{name}: lacks {missing}")
        for f in sorted(meta):
            rest = f[len(info_dir) :]
            if rest not in DIST_INFO_FILES and not rest.startswith(DIST_INFO_DIRS):
                problem(f"{name}: unexpected metadata file {f}")
        for required in ("METADATA", "WHEEL", "RECORD"):
            if info_dir + required not in files:
                problem(f"{name}: lacks {info_dir}{required}")
                return arch, 0
        check_record(whl, name, info_dir + "RECORD")

        wheel_meta = email.parser.Parser().parsestr(whl.read(info_dir + "WHEEL").decode())
        tags = set(wheel_meta.get_all("Tag") or [])
        expect_tags = {f"{py}-{abi}-{p}" for p in plats.split(".")}
        if tags != expect_tags:
            problem(f"{name}: WHEEL tags {sorted(tags)} differ from the file name's")
        if wheel_meta.get("Root-Is-Purelib", "").lower() != "false":
            problem(f"{name}: Root-Is-Purelib should be false for a platform wheel")

        metadata = email.parser.Parser().parsestr(whl.read(info_dir + "METADATA").decode())
        if metadata.get("Version") != version:
            problem(f"{name}: METADATA Version {metadata.get('Version')} != Cargo.toml {version}")
        if metadata.get("Requires-Python") != REQUIRES_PYTHON:
            problem(f"{name}: Requires-Python {metadata.get('Requires-Python')}")
        if not any(r.startswith("numpy") for r in metadata.get_all("Requires-Dist") or []):
            problem(f"{name}: METADATA does not require numpy")

        if EXTENSION in files:
            ext = whl.read(EXTENSION)
            ext_size = len(ext)
            machine = int.from_bytes(ext[18:20], "little") if ext[:4] == b"\x7fELF" else None
            if machine != ELF_MACHINE[arch]:
                problem(f"{name}: {EXTENSION} is not an ELF for {arch} (e_machine {machine})")
            unstripped = [s for s in elf_sections(ext) if s.startswith(".debug") or s == ".symtab"]
            if unstripped:
                problem(f"{name}: {EXTENSION} is not stripped ({', '.join(unstripped)})")
    return arch, ext_size


def check_sdist(path: Path, version: str) -> None:
    name = path.name
    if name != f"{PACKAGE}-{version}.tar.gz":
        problem(f"{name}: expected {PACKAGE}-{version}.tar.gz")
    with tarfile.open(path) as tar:
        top = f"{PACKAGE}-{version}/"
        members = [m.name for m in tar.getmembers() if m.isfile()]
        rel = {m[len(top) :] for m in members if m.startswith(top)}
        if len(rel) != len(members):
            problem(f"{name}: files outside {top}")
        for required in SDIST_REQUIRED:
            if required not in rel:
                problem(f"{name}: lacks {required}")
        for f in sorted(rel):
            if SDIST_FORBIDDEN.search(f):
                problem(f"{name}: ships build output {f}")
        if "PKG-INFO" in rel:
            pkg_info = tar.extractfile(top + "PKG-INFO")
            assert pkg_info is not None
            meta = email.parser.Parser().parsestr(pkg_info.read().decode())
            if meta.get("Version") != version:
                problem(f"{name}: PKG-INFO Version {meta.get('Version')} != Cargo.toml {version}")


def size_line(what: str, name: str, size: int) -> str:
    budget = BUDGET[what]
    if size > budget:
        problem(f"{name}: {what} is {size / MIB:.2f} MiB, over its {budget / MIB:.2f} MiB budget")
    return f"  {size / KIB:8.1f} KiB  (budget {budget / KIB:6.0f} KiB)  {what:20s} {name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", nargs="?", default=str(ROOT / "dist"), type=Path)
    parser.add_argument(
        "--arch",
        action="append",
        choices=sorted(ELF_MACHINE),
        help="an architecture that must have a wheel (repeat; default: x86_64 and aarch64)",
    )
    parser.add_argument("--no-twine", action="store_true", help="skip twine check")
    args = parser.parse_args()
    archs = args.arch or ["x86_64", "aarch64"]
    version, policy, sources = crate_version(), manylinux_policy(), package_sources()

    dist: Path = args.dist
    artifacts = sorted(p for p in dist.iterdir()) if dist.is_dir() else []
    wheels = [p for p in artifacts if p.name.endswith(".whl")]
    sdists = [p for p in artifacts if p.name.endswith(".tar.gz")]
    for other in set(artifacts) - set(wheels) - set(sdists):
        problem(f"{dist}: unexpected {other.name}")
    if len(sdists) != 1:
        problem(f"{dist}: expected one sdist, found {[p.name for p in sdists]}")

    report = []
    seen: dict[str, str] = {}
    for whl in wheels:
        arch, ext_size = check_wheel(whl, version, policy, sources)
        if arch in seen:
            problem(f"two wheels for {arch}: {seen[arch]}, {whl.name}")
        seen[arch] = whl.name
        report.append(size_line("wheel", whl.name, whl.stat().st_size))
        report.append(size_line("extension (unpacked)", f"{EXTENSION} ({arch})", ext_size))
    for arch in archs:
        if arch not in seen:
            problem(f"{dist}: no wheel for {arch}")
    for sdist in sdists:
        check_sdist(sdist, version)
        report.append(size_line("sdist", sdist.name, sdist.stat().st_size))

    if artifacts and not args.no_twine:
        out = subprocess.run(
            [sys.executable, "-m", "twine", "check", "--strict", *map(str, artifacts)],
            capture_output=True,
            text=True,
        )
        print(out.stdout.strip())
        if out.returncode != 0:
            problem(f"twine check --strict failed:\n{out.stdout}{out.stderr}")

    print(f"fastwarmup {version} (Cargo.toml); manylinux_{policy} audited by auditwheel")
    print("\n".join(report))
    if problems:
        print(f"\n{len(problems)} problem(s) in {dist}:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"dist OK: {len(wheels)} wheel(s), {len(sdists)} sdist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
