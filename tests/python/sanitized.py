"""Runs pytest against another build of the package (``make sanitize``: the ASan/UBSan build in
build/sanitize/pkg), named by RECOVERYSIM_PKG, instead of the editable install."""

import os
import sys


def use_package() -> None:
    """Import recoverysim from $RECOVERYSIM_PKG (if set), bypassing the editable install's hook."""
    pkg = os.environ.get("RECOVERYSIM_PKG")
    if pkg:
        sys.meta_path[:] = [f for f in sys.meta_path if "_editable_skbc" not in type(f).__module__]
        sys.path.insert(0, pkg)


if __name__ == "__main__":
    use_package()
    import pytest

    raise SystemExit(pytest.main(sys.argv[1:]))
