"""The Docker image, checked without a Docker engine.

The Dockerfile runs scripts rather than inline commands, and these tests run the same
scripts: the build script bakes static files and messages, the entrypoint migrates and
starts gunicorn with the image's config, the HEALTHCHECK command probes it. What only
Docker itself would do (copy paths, pick the user, install the lock) is checked by
reading the Dockerfile, .dockerignore and compose.yaml.
"""

import contextlib
import fnmatch
import functools
import gzip
import importlib
import importlib.metadata
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import polib
import pytest
import yaml
from django.conf import settings

from tests.live_servers import collected_static_root, database_copy, manage_py

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = str(Path(sys.executable).parent)
APP_DIR = "/app"  # WORKDIR of the image


# -- reading the Dockerfile ------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in (PROJECT_DIR / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in dockerfile():
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def final_stage() -> list[tuple[str, str]]:
    return stages()[-1]


def arguments(keyword: str, stage: list[tuple[str, str]] | None = None) -> list[str]:
    return [args for kw, args in (stage or dockerfile()) if kw == keyword]


def image_env() -> dict[str, str]:
    """The final stage's ENV (``KEY=value`` pairs; ``$PATH`` left as written)."""
    env = {}
    for args in arguments("ENV", final_stage()):
        for pair in shlex.split(args):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def copy_sources(stage: list[tuple[str, str]]) -> list[str]:
    sources = []
    for args in arguments("COPY", stage):
        parts = [part for part in shlex.split(args) if not part.startswith("--chown")]
        if any(part.startswith("--from") for part in parts):
            continue
        sources += [part for part in parts if not part.startswith("--")][:-1]
    return sources


def exec_form(args: str) -> list[str]:
    return json.loads(args[args.index("[") :])


def on_this_machine(argv: list[str]) -> list[str]:
    """An image command run from the checkout: the app directory is the project here."""
    return [
        arg.replace(APP_DIR, str(PROJECT_DIR), 1) if arg.startswith(APP_DIR) else arg
        for arg in argv
    ]


def first_party(app: str) -> bool:
    """Whether an installed app is this project's code (the venv may live inside it)."""
    path = Path(importlib.import_module(app).__file__)
    return path.is_relative_to(PROJECT_DIR) and not path.is_relative_to(sys.prefix)


# -- reading .dockerignore -------------------------------------------------------------------


def ignore_patterns() -> list[str]:
    lines = (PROJECT_DIR / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Whether Docker leaves ``path`` (relative) out of the build context.

    A pattern excludes a path when it matches the path or one of its parent directories;
    later ``!`` patterns re-include. ``**/`` matches any depth, including none.
    """
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for pattern in ignore_patterns():
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        alternatives = [pattern, pattern[3:]] if pattern.startswith("**/") else [pattern]
        if any(fnmatch.fnmatchcase(p, alt) for p in prefixes for alt in alternatives):
            result = not negate
    return result


# -- the Dockerfile --------------------------------------------------------------------------


def test_two_stages_on_the_slim_python_base():
    args = dict(arg.split("=", 1) for arg in arguments("ARG") if "=" in arg)
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim")
    build, app = stages()
    assert build[0][1].startswith("${PYTHON_IMAGE} AS build")
    assert app[0][1].startswith("${PYTHON_IMAGE}")
    # The final stage takes only the built virtual environment from the build stage.
    assert [a for a in arguments("COPY", app) if "--from" in a] == ["--from=build /venv /venv"]
    # Compilers stay in the build stage.
    assert not any("build-essential" in run for run in arguments("RUN", app))


def test_dependencies_come_from_the_runtime_lock_only():
    build = stages()[0]
    installs = [run for run in arguments("RUN", build) if "pip install" in run]
    assert len(installs) == 1
    assert "requirements.lock" in installs[0]
    assert "requirements-dev.lock" not in (PROJECT_DIR / "Dockerfile").read_text()
    assert "requirements.lock" in copy_sources(build)


def test_runs_as_an_unprivileged_user_after_building():
    app = final_stage()
    keywords = [keyword for keyword, _ in app]
    user = arguments("USER", app)
    assert user == ["ikpe"]
    assert keywords.index("USER") > max(i for i, kw in enumerate(keywords) if kw == "RUN")
    (useradd,) = [run for run in arguments("RUN", app) if "useradd" in run]
    uid = int(re.search(r"--uid (\d+)", useradd).group(1))
    assert uid >= 1000
    # The app user may write media, and nothing else of the image.
    assert "install -d -o ikpe -g ikpe" in useradd
    assert image_env()["MEDIA_ROOT"] in useradd
    assert not any("--chown" in copy for copy in arguments("COPY", app))


def test_every_copied_path_exists_and_is_in_the_build_context():
    for stage in stages():
        for source in copy_sources(stage):
            assert (PROJECT_DIR / source).exists(), source
            assert not ignored(source), f"{source} is excluded by .dockerignore"


def test_the_image_holds_every_app_and_file_the_site_needs():
    copied = {source.rstrip("/") for source in copy_sources(final_stage())}

    def in_image(path: Path) -> bool:
        relative = path.resolve().relative_to(PROJECT_DIR)
        return relative.parts[0] in copied and not ignored(str(relative))

    apps = [
        Path(importlib.import_module(app).__file__).parent
        for app in settings.INSTALLED_APPS
        if first_party(app)
    ]
    assert len(apps) >= 9
    needed = [
        *apps,
        PROJECT_DIR / "manage.py",
        *map(Path, settings.LOCALE_PATHS),
        *map(Path, settings.STATICFILES_DIRS),
        *(Path(directory) for t in settings.TEMPLATES for directory in t["DIRS"]),
        *sorted(PROJECT_DIR.glob("locale/*/LC_MESSAGES/*.po")),
        PROJECT_DIR / "importer" / "default_mapping.toml",
    ]
    missing = [str(path) for path in needed if not in_image(path)]
    assert not missing


def test_the_build_context_leaves_out_local_state_and_secrets():
    for path in [
        ".git",
        ".venv",
        "node_modules",
        "media",
        "db.sqlite3",
        ".env",
        "tests",
        "cms/__pycache__",
        "locale/de/LC_MESSAGES/django.mo",
    ]:
        assert ignored(path), path
    for path in ["cms/health.py", "docker/entrypoint.sh", "locale/de/LC_MESSAGES/django.po"]:
        assert not ignored(path), path


def test_scripts_the_image_runs_exist_and_parse():
    app = final_stage()
    scripts = [
        *[
            word
            for run in arguments("RUN", app)
            for word in shlex.split(run)
            if word.startswith("docker/")
        ],
        *on_this_machine(exec_form(arguments("ENTRYPOINT", app)[0])),
    ]
    assert "docker/build-app.sh" in scripts
    for script in scripts:
        path = PROJECT_DIR / script
        assert path.is_file(), script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        assert path.read_text().startswith("#!/bin/sh"), script  # slim has no bash-only guarantees
        assert subprocess.run(["sh", "-n", str(path)]).returncode == 0, script
    (healthcheck,) = arguments("HEALTHCHECK", app)
    probe = on_this_machine(exec_form(healthcheck))
    assert probe[0] == "python"
    assert Path(probe[1]).is_file()
    assert "EXPOSE" in dict(app) and arguments("EXPOSE", app) == [image_env()["PORT"]]


def _distribution(module: str) -> str:
    names = _packages_distributions().get(module.split(".")[0], [])
    assert names, f"no installed distribution provides {module}"
    return names[0]


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_runtime_lock_provides_everything_production_imports():
    """The image installs requirements.lock alone, so nothing may come from the dev lock."""
    lock = {
        _normalise(line.split("==")[0])
        for line in (PROJECT_DIR / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    modules = [app for app in settings.INSTALLED_APPS if not first_party(app)]
    modules += [
        "gunicorn",
        "psycopg",
        "django_redis",
        "storages",
        "boto3",
        "whitenoise",
        "dj_database_url",
        "polib",
    ]
    needed = {_distribution(module) for module in modules}
    missing = sorted(name for name in needed if _normalise(name) not in lock)
    assert not missing, f"not in requirements.lock: {missing}"
    for dev_only in ["pytest", "ruff", "schemathesis", "playwright", "matplotlib"]:
        assert dev_only not in lock


# -- the build script ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def static_root() -> Path:
    """STATIC_ROOT as docker/build-app.sh leaves it (run once per session)."""
    return Path(collected_static_root())


def test_build_script_bakes_hashed_compressed_static_files(static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    source = PROJECT_DIR / "cms" / "static" / "css" / "print.css"
    hashed = manifest["css/print.css"]
    assert re.fullmatch(r"css/print\.[0-9a-f]{12}\.css", hashed)
    assert (static_root / hashed).read_bytes() == source.read_bytes()
    assert gzip.decompress((static_root / (hashed + ".gz")).read_bytes()) == source.read_bytes()
    # Wagtail's admin assets are collected too.
    assert any(name.startswith("wagtailadmin/") for name in manifest)


def test_build_script_compiles_the_message_catalogues(static_root):
    for po_path in PROJECT_DIR.glob("locale/*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists()
        assert mo_path.stat().st_mtime >= po_path.stat().st_mtime
    catalogue = polib.mofile(str(PROJECT_DIR / "locale/de/LC_MESSAGES/django.mo"))
    assert catalogue.find("English").msgstr == "Englisch"


# -- the entrypoint and the health check -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def container_env(tmp_path: Path, static_root: Path, port: int) -> dict[str, str]:
    """The image's ENV, with its paths pointed at this machine, plus what compose passes."""
    env = {key: value for key, value in image_env().items() if key != "PATH"}
    return {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO", "DATABASE", "REDIS"))
        },
        **env,
        "PATH": VENV_BIN + os.pathsep + os.environ["PATH"],
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PORT": str(port),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SECRET_KEY": "entrypoint-test-" + "s" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'container.sqlite3'}",
        "REDIS_URL": "",
    }


def test_entrypoint_runs_a_given_command_instead_of_gunicorn(tmp_path, static_root):
    env = container_env(tmp_path, static_root, free_port())
    entrypoint = on_this_machine(exec_form(arguments("ENTRYPOINT", final_stage())[0]))
    result = subprocess.run(
        [*entrypoint, "python", "-c", "import os; print(os.getcwd())"],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(PROJECT_DIR)  # it runs from the app directory


@pytest.fixture(scope="module")
def deployed_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """A copy of the demo site one migration behind, as before an upgrade."""
    stack = contextlib.ExitStack()
    with django_db_blocker.unblock():
        url = stack.enter_context(database_copy(tmp_path_factory.mktemp("container")))
    try:
        manage_py({"DATABASE_URL": url}, "migrate", "sessions", "zero", "--noinput")
        yield url
    finally:
        with django_db_blocker.unblock():
            stack.close()


@pytest.mark.django_db  # the deployed database is a copy of the test database
def test_entrypoint_migrates_then_serves_with_the_image_config(
    tmp_path, static_root, deployed_database
):
    port = free_port()
    env = {
        **container_env(tmp_path, static_root, port),
        "DATABASE_URL": deployed_database,
        "MIGRATE_ON_START": "1",
    }
    entrypoint = on_this_machine(exec_form(arguments("ENTRYPOINT", final_stage())[0]))
    log = tmp_path / "container.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            entrypoint, env=env, cwd="/", stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=10
                ) as response:
                    assert json.loads(response.read())["status"] == "ok"
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.5)

        # MIGRATE_ON_START brought the database up to date before gunicorn started.
        assert "Applying sessions.0001_initial... OK" in log.read_text()

        # The site itself, with production settings and the baked static files.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/de/", timeout=60) as response:
            home = response.read().decode()
        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        assert f"/static/{manifest['css/site.css']}" in home
        assert "Institut für kommunale Planung und Entwicklung" in home

        # The image's HEALTHCHECK command, as Docker would run it.
        probe = on_this_machine(exec_form(arguments("HEALTHCHECK", final_stage())[0]))
        result = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr

        # WhiteNoise serves the baked static files: hashed names cached for good, gzipped.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/static/{manifest['css/site.css']}",
            headers={"Accept-Encoding": "gzip"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]
    finally:
        process.terminate()
        process.wait(timeout=60)
    # gunicorn's access log, in the config's format with the response time.
    assert re.search(r'"GET /healthz HTTP/1.1" 200 \d+ \d+ms', log.read_text())


# -- compose.yaml ----------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((PROJECT_DIR / "compose.yaml").read_text())


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (PROJECT_DIR / "docker" / "env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value
    return pairs


def names_read(paths: list[Path]) -> set[str]:
    pattern = re.compile(
        r"""(?:os\.environ(?:\.get)?[\[(]|env_bool\(|env_list\(|require_env\()\s*["']([A-Z0-9_]+)["']"""
    )
    shell = re.compile(r"\$\{([A-Z0-9_]+)")
    found = set()
    for path in paths:
        text = path.read_text()
        found |= set(pattern.findall(text)) | set(shell.findall(text))
    return found


def test_compose_runs_two_app_replicas_a_worker_and_the_services():
    services = compose()["services"]
    app = services["app"]
    assert app["deploy"]["replicas"] >= 2
    assert app["build"] == "."
    assert app["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    webhooks = settings.TASKS["webhooks"]
    assert services["worker"]["command"] == [
        "python", "manage.py", "db_worker", "--backend", "webhooks",
        "--queue-name", webhooks["QUEUES"][0],
    ]  # fmt: skip
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"].startswith("redis:7")
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    # Every replica and the worker share one media volume at the image's MEDIA_ROOT.
    media = f"media:{image_env()['MEDIA_ROOT']}"
    for name in ("app", "worker"):
        assert media in services[name]["volumes"]
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert "@db:5432/" in services[name]["environment"]["DATABASE_URL"]
    assert set(compose()["volumes"]) == {"pgdata", "media"}
    # Services without an HTTP server do not inherit the image's HEALTHCHECK.
    for name in ("migrate", "worker"):
        assert services[name]["healthcheck"] == {"disable": True}


def test_compose_and_env_example_use_only_settings_that_exist():
    readers = [
        *(PROJECT_DIR / "cms" / "settings").glob("*.py"),
        *(PROJECT_DIR / "docker").glob("*.py"),
        PROJECT_DIR / "docker" / "entrypoint.sh",
    ]
    known = names_read(readers) | {"DATABASE_URL"}  # dj_database_url.config()'s default
    # Read by boto3 itself, and by compose.yaml (interpolation) rather than by the app.
    known |= {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    compose_text = (PROJECT_DIR / "compose.yaml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", compose_text))
    app_env = set(compose()["services"]["app"]["environment"])
    example = env_example()
    unknown = (app_env | set(example)) - known - interpolated
    assert not unknown, f"not read by the settings or the image: {sorted(unknown)}"
    # Everything compose interpolates has a line in the example or a default.
    for name in interpolated:
        assert name in example or re.search(rf"\$\{{{name}:-", compose_text), name
    # What production refuses to start without is in the example.
    production = (PROJECT_DIR / "cms" / "settings" / "production.py").read_text()
    for name in re.findall(r'require_env\("([A-Z_]+)"\)', production):
        assert name in example
