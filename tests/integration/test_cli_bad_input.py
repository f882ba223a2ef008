"""Bad input at the command line: a fixed corpus, then hypothesis over the real ``main(argv)``.

Everything runs in training mode in a fresh home (the simulator starts in-process when a command
needs a gateway), so nothing real is ever sent. Bad input must give a clear message and exit 2,
and no input at all may end in a traceback or an exit status outside 0..4.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.cli import main
from pos_app.config.home import AppHome
from pos_app.config.settings import load_settings, save_settings, set_setting
from pos_app.journal.sqlite import SqliteJournal


@dataclass
class Ran:
    status: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _own_logging() -> Iterator[None]:
    """``main`` installs the app's log handlers once per process; each test gets its own, bound
    to its own captured stderr and home, and leaves none behind for other tests."""

    def drop() -> None:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_pos_app", False)]:
            root.removeHandler(handler)
            handler.close()

    drop()
    yield
    drop()


@pytest.fixture(autouse=True)
def _test_keyring_service(monkeypatch: pytest.MonkeyPatch) -> None:
    # A key that happens to be valid must never land among a real till's keys.
    monkeypatch.setenv("POS_APP_KEYRING_SERVICE", f"pos_app_test_{uuid.uuid4().hex[:8]}")
    monkeypatch.delenv("POS_APP_HOME", raising=False)


def run_cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: bytes = b"",
) -> Ran:
    """``pos-app ARGV`` in this process, its standard streams set up as a real process in a
    UTF-8 locale has them: stdin surrogate-escaped, stdout strict, stderr backslash-escaped."""
    streams = {
        "stdin": _stream(stdin, "surrogateescape"),
        "stdout": _stream(b"", "strict"),
        "stderr": _stream(b"", "backslashreplace"),
    }
    before = {name: getattr(sys, name) for name in streams}
    for name, stream in streams.items():
        monkeypatch.setattr(sys, name, stream)
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse: usage errors, --help, --version
        status = exc.code if isinstance(exc.code, int) else 2
    finally:
        for name, stream in before.items():
            monkeypatch.setattr(sys, name, stream)
    out, err = (_text(streams[name]) for name in ("stdout", "stderr"))
    capsys.readouterr()
    return Ran(status, out, err)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return functools.partial(run_cli, capsys, monkeypatch)


Cli = Callable[..., Ran]


def _stream(data: bytes, errors: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors, write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    raw = stream.buffer
    assert isinstance(raw, io.BytesIO)
    return raw.getvalue().decode("utf-8", "replace")


def assert_refused(ran: Ran, code: str) -> None:
    assert ran.status == 2, ran
    assert f"错误 {code}" in ran.err, ran.err
    assert "Traceback" not in ran.err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


# --------------------------------------------------------------------------- --home


def _long_home(tmp_path: Path) -> str:
    return str(tmp_path / "/".join(["d" * 200] * 8))


@pytest.mark.parametrize(
    "make_home",
    [
        pytest.param(lambda tmp: str(tmp / "a-file"), id="a-file"),
        pytest.param(lambda tmp: os.devnull, id="dev-null"),
        pytest.param(lambda tmp: "/proc/self/pos_app", id="proc"),
        pytest.param(lambda tmp: str(tmp / ("n" * 300)), id="name-too-long"),
        pytest.param(_long_home, id="path-too-long"),
    ],
)
def test_an_unusable_home_is_refused_with_exit_2_before_any_file_is_written(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    make_home,  # type: ignore[no-untyped-def]
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    before = sorted(tmp_path.iterdir())
    bad = make_home(tmp_path)
    ran = run_cli(capsys, monkeypatch, ["--home", bad, "journal"])
    assert_refused(ran, "HOME_UNUSABLE")
    assert "--home" in ran.err  # says what to do
    assert sorted(tmp_path.iterdir()) == before  # no half-made folders left behind


def _unshare_works() -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    done = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs a private mount namespace (unshare -m)")
def test_a_home_on_a_read_only_file_system_is_refused_with_exit_2(tmp_path: Path) -> None:
    """A real read-only mount (root ignores chmod): a bind mount remounted ro in a private
    mount namespace, so nothing outside this one process sees it."""
    home = tmp_path / "home"
    AppHome(home)  # an existing, complete home…
    script = (
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && '
        'exec "$2" -m pos_app --home "$1" journal'
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(home), sys.executable],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "HOME_UNUSABLE" in done.stderr and "not writable" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (home / "logs" / "pos_app.log").exists()  # …on which not even a log was opened


# --------------------------------------------------------------------------- the journal


def test_an_emptied_production_journal_refuses_to_start(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app_home = AppHome(home)
    save_settings(app_home, set_setting(load_settings(app_home), "mode", "production"))
    app_home.journal_file.write_bytes(b"")
    ran = run_cli(capsys, monkeypatch, ["--home", str(home), "journal"])
    assert_refused(ran, "JOURNAL_EMPTY")
    assert str(app_home.journal_file) in ran.err
    assert app_home.journal_file.stat().st_size == 0


def test_an_emptied_training_journal_is_said_loudly_and_started_afresh(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = AppHome(home).journal_path("training")
    path.write_bytes(b"")
    ran = run_cli(capsys, monkeypatch, ["--home", str(home), "journal"])
    assert ran.status == 0
    assert "IS EMPTY (0 bytes)" in ran.err
    assert path.stat().st_size > 0


# --------------------------------------------------------------------------- redeem -


def test_redeem_dash_reads_the_code_from_stdin(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "999999999999"  # no such voucher: a definite answer from the simulator
    ran = run_cli(
        capsys, monkeypatch, ["--home", str(home), "redeem", "-", "--json"], f"{code}\n".encode()
    )
    assert ran.status == 1, ran
    assert '"TICKET_CODE_NOT_EXIST"' in ran.out or "券码不存在" in ran.out
    with SqliteJournal(AppHome(home).journal_path("training")) as journal:
        assert [op.code for op in journal.by_code(code)] == [code]


@pytest.mark.parametrize(
    ("stdin", "code"),
    [
        (b"\xff\xfe0165\n", "CODE_FORMAT"),  # not UTF-8
        (b"\n", "CODE_EMPTY"),
        (b"1" * 5000, "CODE_FORMAT"),  # no line end in sight
    ],
)
def test_redeem_dash_with_bad_stdin_is_refused_and_nothing_is_written(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: bytes,
    code: str,
) -> None:
    ran = run_cli(capsys, monkeypatch, ["--home", str(home), "redeem", "-"], stdin)
    assert_refused(ran, code)
    with SqliteJournal(AppHome(home).journal_path("training")) as journal:
        assert journal.open_operations() == [] and journal.reversible() == []


# --------------------------------------------------------------------------- keys import


def _keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:
        return False


needs_keyring = pytest.mark.skipif(
    not _keyring_available(), reason="no OS keyring here; run under tests/with_keyring.sh"
)


@needs_keyring
@pytest.mark.keyring
@pytest.mark.parametrize(
    "case",
    [
        ("key.bin", b"", "KEY_FILE_ENCODING"),
        ("-", b"MIIB\xff\xfe\x00garbage", "KEY_FILE_ENCODING"),
        ("/dev/zero", b"", "KEY_FILE_TOO_LARGE"),
        ("-", b"A" * (64 * 1024 + 1), "KEY_FILE_TOO_LARGE"),
        ("/nonexistent/key.pem", b"", "KEY_FILE_UNREADABLE"),
    ],
)
def test_a_key_file_that_is_not_a_key_is_refused_by_name(
    home: Path, tmp_path: Path, cli: Cli, case: tuple[str, bytes, str]
) -> None:
    source, stdin, code = case
    (tmp_path / "key.bin").write_bytes(bytes(range(256)))
    if source == "key.bin":
        source = str(tmp_path / source)
    ran = cli(["--home", str(home), "keys", "import", "top-session", source], stdin)
    assert_refused(ran, code)
    status = cli(["--home", str(home), "keys", "status"])
    assert "top-session: missing" in status.out


# --------------------------------------------------------------------------- hypothesis

# Command heads that finish on their own (no GUI, no foreground simulator, no network probe).
_HEADS: list[list[str]] = [
    ["journal"],
    ["journal", "--date"],
    ["journal", "--state"],
    ["settings", "show"],
    ["settings", "set"],
    ["settings", "set", "terminal.id"],
    ["settings", "set", "network.timeout_s"],
    ["redeem"],
    ["redeem", "-"],
    ["redeem", "--quantity"],
    ["redeem", "--code-type"],
    ["reverse"],
    ["reverse", "--reason"],
    ["sync"],
    ["sync", "--remaining"],
    ["keys", "import"],
    ["keys", "import", "top-session"],
    ["manager", "set-pin"],
    ["recover"],
    ["bogus"],
    ["--verbose", "journal"],
]
_ODD = [
    "",
    "-",
    "--",
    "--json",
    "\u202e",
    "\u200b",
    " ",
    "0",
    "-1",
    "9" * 40,
    "016569843362",
    "０１６５６９８４３３６２",
    os.devnull,
    "/dev/zero",
    "\udcff\udcfe",
    "x" * 3000,
    "2026-02-30",
    "production",
]
_args = st.one_of(
    st.sampled_from(_ODD),
    st.text(max_size=24).filter(lambda s: "\x00" not in s),
    # argv as the OS hands it over: any bytes but NUL, decoded the way Python decodes argv
    st.binary(max_size=24).map(
        lambda b: b.replace(b"\x00", b"").decode("utf-8", "surrogateescape")
    ),
)
_argv = st.builds(
    lambda head, rest: [*head, *rest], st.sampled_from(_HEADS), st.lists(_args, max_size=4)
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=_argv, stdin=st.binary(max_size=64))
def test_no_command_line_ends_in_a_traceback(
    tmp_path: Path, cli: Cli, request: pytest.FixtureRequest, argv: list[str], stdin: bytes
) -> None:
    ran = cli(["--home", str(tmp_path / "fuzz-home"), *argv], stdin)
    assert 0 <= ran.status <= 4, (argv, ran)
    assert "Traceback" not in ran.err, (argv, ran.err)
    _count(request)


_RAN: dict[str, int] = {}


def _count(request: pytest.FixtureRequest) -> None:
    _RAN[request.node.nodeid] = _RAN.get(request.node.nodeid, 0) + 1


@pytest.fixture(autouse=True)
def _report_inputs_ran(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> Iterator[None]:
    yield
    ran = _RAN.pop(request.node.nodeid, 0)
    if ran:
        with capsys.disabled():
            print(f"\n{ran} CLI inputs ran (exit 0..4, no traceback)")


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["reverse", "\udcff\udcfe", "--reason", "x"], "FIELD_INVALID"),  # argv not UTF-8
        (["reverse", "R" * 33, "--reason", "x"], "FIELD_INVALID"),
        (["redeem", "\u202e"], "CODE_EMPTY"),
    ],
)
def test_bad_arguments_found_by_the_fuzzer_stay_refused(
    home: Path, cli: Cli, argv: list[str], code: str
) -> None:
    assert_refused(cli(["--home", str(home), *argv], b"2468\n"), code)


def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path: Path) -> None:
    """`pos-app report --json | head -c 10`: no traceback, the SIGPIPE status (128 + 13)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos_app", "--home", str(tmp_path / "home"), "report", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the app writes anything
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 141, err
    assert b"Traceback" not in err
