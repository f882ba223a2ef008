"""The Qt Linguist sources: placeholders survive translation, the cashier's screens are Chinese,
and the .ts files know every string the code asks ``tr()`` for."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TS_DIR = REPO / "resources" / "translations"
TS_FILES = sorted(TS_DIR.glob("pos_app_*.ts"))
PLACEHOLDER = re.compile(r"%(?:n|L?[1-9])")
# Everything a cashier sees must be Chinese in the default language.
CASHIER_CONTEXTS = ("App", "Keypad", "MainWindow", "ManualScreen", "ScanScreen", "TrainingBanner")
REGENERATE = (
    ".venv/bin/pyside6-lupdate -extensions py -locations none -no-obsolete"
    " pos_app/ui pos_app/app.py"
    " -ts resources/translations/pos_app_zh_CN.ts resources/translations/pos_app_en.ts"
)


@dataclass(frozen=True)
class Entry:
    context: str
    source: str
    translations: tuple[str, ...]  # one per numerus form; empty when unfinished
    numerus: bool


def entries(path: Path) -> list[Entry]:
    found = []
    for context in ET.parse(path).getroot().iter("context"):  # noqa: S314 - our own files
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            unfinished = translation.get("type") in ("unfinished", "vanished", "obsolete")
            forms = [f.text or "" for f in translation.iter("numerusform")]
            texts = forms if forms else [translation.text or ""]
            found.append(
                Entry(
                    name,
                    message.findtext("source", ""),
                    () if unfinished else tuple(texts),
                    message.get("numerus") == "yes",
                )
            )
    return found


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_there_is_a_chinese_and_an_english_ts() -> None:
    assert {p.name for p in TS_FILES} >= {"pos_app_zh_CN.ts", "pos_app_en.ts"}


@pytest.mark.parametrize("path", TS_FILES, ids=lambda p: p.name)
def test_placeholders_match_between_source_and_translation(path: Path) -> None:
    problems = []
    for entry in entries(path):
        for text in entry.translations:
            if placeholders(text) != placeholders(entry.source):
                problems.append(f"{entry.context}: {entry.source!r} -> {text!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", TS_FILES, ids=lambda p: p.name)
def test_plural_messages_use_n(path: Path) -> None:
    for entry in entries(path):
        if entry.numerus:
            assert "%n" in entry.source, entry


def test_cashier_screens_are_fully_translated_to_chinese() -> None:
    zh = [e for e in entries(TS_DIR / "pos_app_zh_CN.ts") if e.context in CASHIER_CONTEXTS]
    assert len(zh) > 40  # the screens' strings really are in the file
    missing = [f"{e.context}: {e.source}" for e in zh if not e.translations]
    assert not missing, "untranslated:\n" + "\n".join(missing)
    for entry in zh:
        text = "".join(entry.translations)
        assert re.search(r"[\u4e00-\u9fff]", text), f"not Chinese: {entry.source!r} -> {text!r}"


def test_no_f_strings_inside_tr() -> None:
    pattern = re.compile(r"""\b(?:tr|translate)\(\s*(?:"[^"]*",\s*)?[fF]["']""")
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for path in (REPO / "pos_app").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, offenders


def _lupdate() -> str | None:
    exe = Path(sys.executable).with_name("pyside6-lupdate")
    return str(exe) if exe.exists() else shutil.which("pyside6-lupdate")


def test_ts_files_know_every_string_in_the_code(tmp_path: Path) -> None:
    lupdate = _lupdate()
    if lupdate is None:
        pytest.skip("pyside6-lupdate not installed")
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [
            lupdate,
            "-silent",
            "-extensions",
            "py",
            "-locations",
            "none",
            str(REPO / "pos_app" / "ui"),
            str(REPO / "pos_app" / "app.py"),
            "-ts",
            str(fresh),
        ],
        check=True,
    )
    in_code = {(e.context, e.source) for e in entries(fresh)}
    for path in TS_FILES:
        in_ts = {(e.context, e.source) for e in entries(path)}
        missing = sorted(in_code - in_ts)
        assert not missing, f"{path.name} lacks {missing[:5]}…; run: {REGENERATE}"
