"""The WSGI entry point gunicorn loads."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def test_the_loaded_application_is_kept_out_of_full_garbage_collections():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    code = "import gc, cms.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    frozen, tracked = map(int, completed.stdout.split())
    assert frozen > 50_000  # the views and API schemas, loaded before the freeze
    assert tracked < frozen / 10
