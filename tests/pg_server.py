"""A throwaway PostgreSQL cluster started by the test suite itself (Debian's ``postgresql``).

``pg_server`` (session): ``initdb`` on a temporary folder — as the unprivileged ``postgres`` user
when the suite runs as root, since PostgreSQL refuses to run as root —, scram-sha-256 password
authentication with a generated password, listening on 127.0.0.1 only, on a free port;
``pg_ctl start -w`` before the first test that needs it, ``pg_ctl stop -m fast`` at the end.
``pg_database`` gives each test its own fresh database (``CREATE DATABASE`` from ``template0``).

Without the PostgreSQL binaries the tests skip with the reason, except when ``CI`` is set: there
they fail (``make test`` installs the package; CI must not skip them silently).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "pos_test"
_db_numbers = itertools.count(1)


@dataclass
class PgServer:
    """A running cluster: connect as ``SUPERUSER`` with ``password`` to ``127.0.0.1:port``."""

    bin_dir: Path
    data_dir: Path
    port: int
    password: str
    run_as: list[str]

    def url(self, database: str = "postgres") -> str:
        """The settings-style URL (no password: that goes through the keyring or ``conninfo``)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        return (
            f"host=127.0.0.1 port={self.port} dbname={database} user={SUPERUSER} "
            f"password={self.password} connect_timeout=5"
        )

    def ctl(self, *args: str) -> None:
        """Run ``pg_ctl`` on this cluster (``stop``/``start`` in the outage tests)."""
        log = self.data_dir.parent / "server.log"
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(log), *args]
        subprocess.run([*self.run_as, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self.ctl("start", "-w", "-t", "30")

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast", "-w")

    def create_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(_db_numbers)}"
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with ``initdb`` and ``pg_ctl``, else PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0)
    )
    for found in reversed(candidates):
        if (Path(found) / "initdb").exists() and (Path(found) / "pg_ctl").exists():
            return Path(found)
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unprivileged() -> tuple[list[str], tuple[int, int] | None]:
    """How to run the server's commands: as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return [], None
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        user = pwd.getpwnam("nobody")
    prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    return prefix, (user.pw_uid, user.pw_gid)


def _initdb(
    bin_dir: Path, root: Path, password: str, run_as: list[str], owner: tuple[int, int] | None
) -> Path:
    data = root / "data"
    pwfile = root / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if owner is not None:  # the folder and the password file belong to the server's user
        os.chown(root, *owner)
        os.chown(pwfile, *owner)
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile",
         str(pwfile), "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pwfile.unlink()
    return data


def _configure(data: Path, port: int) -> None:
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
            "unix_socket_directories = ''\nfsync = off\nsynchronous_commit = off\n"
            "full_page_writes = off\nmax_connections = 100\n"
        )
    (data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 scram-sha-256\n")


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    run_as, owner = _unprivileged()
    root = Path(tempfile.mkdtemp(prefix="pos_app_pg_"))
    root.chmod(0o700)
    password = secrets.token_urlsafe(18)
    try:
        data = _initdb(bin_dir, root, password, run_as, owner)
        server = PgServer(bin_dir, data, _free_port(), password, run_as)
        _configure(data, server.port)
        server.start()
        try:
            yield server
        finally:
            with contextlib.suppress(subprocess.SubprocessError):
                server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the PostgreSQL test server: {reason}")
    pytest.skip(f"PostgreSQL test server unavailable: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed (pip install 'psycopg[binary]')")
    try:
        with running_server() as server:
            yield server
    except FileNotFoundError as exc:
        _missing(f"{exc} (apt-get install postgresql)")
    except subprocess.CalledProcessError as exc:
        out = (exc.stderr or b"").decode(errors="replace")[-800:]
        pytest.fail(f"PostgreSQL test server did not start: {out}")


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database for one test (dropped afterwards); yields its name."""
    name = pg_server.create_database()
    try:
        yield name
    finally:
        pg_server.drop_database(name)
