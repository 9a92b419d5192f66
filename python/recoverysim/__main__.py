"""``python -m recoverysim``: the command line (see :mod:`recoverysim.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
