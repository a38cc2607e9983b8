"""``--selftest`` (what CI runs on the PyInstaller bundle) passes on a good installation and names what
is missing on a broken one."""

import subprocess
import sys
from pathlib import Path

from app import selftest

ROOT = Path(__file__).resolve().parents[1]


def test_selftest_command_passes():
    run = subprocess.run([sys.executable, "-m", "app", "--selftest"], capture_output=True, text=True,
                         encoding="utf-8", cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "自检通过" in run.stdout
    assert "字体已嵌入" in run.stdout and "审计日志：校验通过" in run.stdout


def test_selftest_names_a_missing_font(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr("app.resources.cjk_font_path", lambda: tmp_path / "none.ttc")
    assert selftest.run_selftest() == 1
    out = capsys.readouterr().out
    assert "自检失败：缺少字体文件" in out and "none.ttc" in out


def test_the_spec_ships_resources_and_migrations():
    spec = (ROOT / "packaging" / "jinggang.spec").read_text(encoding="utf-8")
    assert '"resources"' in spec and '"app" / "models" / "migrations"' in spec
    assert (ROOT / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
