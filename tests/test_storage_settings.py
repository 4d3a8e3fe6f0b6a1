"""Media storage chosen by the environment: local disk by default, S3 when a bucket is named.

Each case loads the production settings in a fresh process, as a container would, and asks
the storage Django ends up with for a file's URL (built locally, no network involved).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage, storages
from cms.security import media_origin
storage = storages["default"]
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": type(storage).__name__,
    "options": {k: v for k, v in settings.STORAGES["default"].get("OPTIONS", {}).items()},
    "media_url": settings.MEDIA_URL,
    "url": default_storage.url("original_images/Plan Erfurt.jpg"),
    "documents": getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None),
    "csp_media_origin": media_origin(),
    "location": str(getattr(storage, "location", "")),
}))
"""

AWS_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_LOCATION",
    "MEDIA_URL",
)


def storage_with(env: dict[str, str]) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in AWS_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_DIR,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "storage-settings-test-" + "k" * 40,
            "ALLOWED_HOSTS": "www.ikpe.example",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_disk_by_default(tmp_path):
    found = storage_with({"MEDIA_ROOT": str(tmp_path), "AWS_STORAGE_BUCKET_NAME": ""})
    assert found["class"] == "FileSystemStorage"
    assert found["location"] == str(tmp_path)
    assert found["url"] == "/media/original_images/Plan%20Erfurt.jpg"
    assert found["documents"] is None  # Wagtail's default for local files
    assert found["csp_media_origin"] is None


def test_s3_compatible_storage_when_a_bucket_is_named():
    found = storage_with(
        {
            "AWS_STORAGE_BUCKET_NAME": "ikpe-media",
            "AWS_S3_ENDPOINT_URL": "https://objects.example.net",
            "AWS_S3_REGION_NAME": "eu-central-1",
            "AWS_ACCESS_KEY_ID": "test-access-key",
            "AWS_SECRET_ACCESS_KEY": "test-secret-key",
        }
    )
    assert found["backend"] == "storages.backends.s3.S3Storage"
    assert found["class"] == "S3Storage"
    assert found["options"]["bucket_name"] == "ikpe-media"
    assert found["options"]["endpoint_url"] == "https://objects.example.net"
    # Secrets stay in the environment, read by boto3; they are not copied into settings.
    assert "test-secret-key" not in json.dumps(found["options"])
    # Plain public URLs (no expiring signature) under MEDIA_URL, whose origin the CSP allows.
    assert (
        found["url"] == "https://objects.example.net/ikpe-media/original_images/Plan%20Erfurt.jpg"
    )
    assert not urlsplit(found["url"]).query
    assert found["url"].startswith(found["media_url"])
    assert found["csp_media_origin"] == "https://objects.example.net"
    # Uploads with the same name get their own object; documents keep their privacy check.
    assert found["options"]["file_overwrite"] is False
    assert found["documents"] == "serve_view"


def test_s3_behind_a_cdn_domain_and_prefix():
    found = storage_with(
        {
            "AWS_STORAGE_BUCKET_NAME": "ikpe-media",
            "AWS_S3_CUSTOM_DOMAIN": "media.ikpe.example",
            "AWS_LOCATION": "site",
            "AWS_ACCESS_KEY_ID": "test-access-key",
            "AWS_SECRET_ACCESS_KEY": "test-secret-key",
        }
    )
    assert found["url"] == "https://media.ikpe.example/site/original_images/Plan%20Erfurt.jpg"
    assert found["media_url"] == "https://media.ikpe.example/site/"
    assert found["csp_media_origin"] == "https://media.ikpe.example"
