"""The fuzz suite's worker subprocess (see fuzzing.py): runs cases sent by the test."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sanitized import use_package  # noqa: E402

if __name__ == "__main__":
    use_package()  # make sanitize: the sanitized build, like the test that started this worker
    from fuzzing import serve

    serve()
