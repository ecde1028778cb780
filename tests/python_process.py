"""Python run in a process of its own, in the project's folder, with only the environment given
(and PATH): Django starting as a deployment starts it, whatever this test process has set."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_python(
    *args: str, env: dict[str, str], timeout: float | None = 60, check: bool = False
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )
