"""Generate Python gRPC stubs (+ .pyi) from proto/ into shared/src (make proto).

`--check` generates into a temporary folder and fails if the checked-in stubs
differ, so stale generated code cannot land.
"""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[1]
PROTO_DIR = ROOT / "proto"
OUT_DIR = ROOT / "shared" / "src"
PACKAGE = "trellis"


def generate(out_dir: Path) -> None:
    protos = sorted(str(p.relative_to(PROTO_DIR)) for p in PROTO_DIR.rglob("*.proto"))
    if not protos:
        raise SystemExit("no .proto files under proto/")
    include = Path(protoc.__file__).parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_DIR}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        f"--mypy_grpc_out={out_dir}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    # Every folder of generated code is a regular package so imports resolve.
    for folder in [out_dir / PACKAGE, *(p for p in (out_dir / PACKAGE).rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    (out_dir / PACKAGE / "py.typed").touch()


def differences(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"{prefix}{n} (only in generated)" for n in cmp.left_only)
        found.extend(f"{prefix}{n} (only checked in)" for n in cmp.right_only)
        found.extend(f"{prefix}{n} (differs)" for n in cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    return found


def main(argv: list[str]) -> int:
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            stale = differences(Path(tmp) / PACKAGE, OUT_DIR / PACKAGE)
        if stale:
            print("generated gRPC code is stale; run `make proto`:", *stale, sep="\n  ")
            return 1
        print("generated gRPC code is current")
        return 0
    shutil.rmtree(OUT_DIR / PACKAGE, ignore_errors=True)
    generate(OUT_DIR)
    print(f"generated stubs into {OUT_DIR / PACKAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
