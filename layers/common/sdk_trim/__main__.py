"""python -m sdk_trim SITE_DIR: cut SITE_DIR/botocore/data to what the functions call (see sdk_trim)."""

from __future__ import annotations

import sys
from pathlib import Path

from sdk_trim import trim_data


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sdk_trim SITE_DIR", file=sys.stderr)
        return 2
    trim_data(Path(argv[0]) / "botocore" / "data")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
