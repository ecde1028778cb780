import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READERS = {
    "resilience/settings.py": r"env\.\w+\(\s*[\"']([A-Z_]+)[\"']",
    "gunicorn.conf.py": r"os\.environ\.get\([\"']([A-Z_]+)[\"']",
    "Procfile": r"\$\{([A-Z_]+)",
}


def test_env_example_documents_every_variable_the_project_reads():
    documented = set(
        re.findall(r"^#? ?([A-Z_]+)=", (PROJECT_ROOT / ".env.example").read_text(), re.M)
    )
    read = {
        name
        for path, pattern in READERS.items()
        for name in re.findall(pattern, (PROJECT_ROOT / path).read_text())
    }

    assert "SECRET_KEY" in read and "PORT" in read  # the patterns do find what they look for
    assert read - documented == set()
