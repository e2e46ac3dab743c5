"""The workstation's config.toml, its log files, --version and the help of every option."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from console import user_config
from console.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
JINGBAO = [sys.executable, "-m", "console"]

CONFIG = """\
# a dispatcher's workstation
db = "postgresql://jingbao@center/jingbao"
tiles = "mbtiles:/srv/tiles/zhoushan.mbtiles"
radio = ["gw1=/dev/ttyUSB0,baud=4800", "gw2=/dev/ttyUSB1"]
lang = "en"
"""


def parse(config: user_config.UserConfig, argv: list[str]) -> argparse.Namespace:
    args = build_parser(config).parse_args(argv)
    user_config.fill_options(args, config)
    return args


@pytest.fixture
def config(tmp_path) -> user_config.UserConfig:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return user_config.read_config(path)


def test_the_file_fills_options_the_command_line_leaves_out(config) -> None:
    args = parse(config, ["console"])
    assert args.db == "postgresql://jingbao@center/jingbao"
    assert args.tiles == "mbtiles:/srv/tiles/zhoushan.mbtiles"
    assert args.radio == ["gw1=/dev/ttyUSB0,baud=4800", "gw2=/dev/ttyUSB1"]
    assert (args.lang, args.voice) == ("en", None)
    for argv in (["export-map", "--day", "2026-05-01", "--out", "x.html"], ["users", "list"],
                 ["audit", "verify"], ["feed-token", "list"]):
        assert parse(config, argv).db == "postgresql://jingbao@center/jingbao", argv


def test_the_radio_pc_takes_its_ports_from_the_file(config, tmp_path) -> None:
    """The radio operator's PC names its cable once, in config.toml, not on every start."""
    args = parse(config, ["radio-bridge", "--hub", "ws://hub:8765"])
    assert args.radio == ["gw1=/dev/ttyUSB0,baud=4800", "gw2=/dev/ttyUSB1"]
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "empty")}
    told = subprocess.run([*JINGBAO, "radio-bridge", "--hub", "ws://127.0.0.1:9"],
                          capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert told.returncode == 2 and "no radio port" in told.stderr


def test_a_demo_keeps_apart_from_the_centers_database_and_radios(config) -> None:
    for argv in (["console", "--demo"], ["hub", "--demo"], ["screenshot", "--out", "x.png"]):
        args = parse(config, argv)
        assert (args.db, args.radio, args.voice) == (None, [], None), argv
    assert parse(config, ["console", "--demo"]).tiles == "mbtiles:/srv/tiles/zhoushan.mbtiles"


def test_the_command_line_wins(config) -> None:
    args = parse(config, ["console", "--db", "sqlite:///here.sqlite3", "--lang", "zh_CN",
                          "--radio", "gw9=/dev/ttyS0"])
    assert (args.db, args.lang, args.radio) == ("sqlite:///here.sqlite3", "zh_CN",
                                                ["gw9=/dev/ttyS0"])


def test_no_file_changes_nothing(tmp_path) -> None:
    config = user_config.read_config(tmp_path / "absent.toml")
    args = parse(config, ["console"])
    assert (args.db, args.tiles, args.radio, args.lang) == (None, None, [], "zh_CN")


@pytest.mark.parametrize(("text", "words"), [
    ('db = "x"\nlanguage = "en"\n', "line 2: language: unknown key"),
    ('lang = "fr"\n', "line 1: lang: Input should be 'zh_CN' or 'en'"),
    ('radio = "gw1=/dev/ttyUSB0"\n', "line 1: radio: Input should be a valid list"),
    ('db = \n', "Invalid value (at line 1, column 6)"),
])
def test_a_bad_file_is_refused_with_key_and_line(tmp_path, text, words) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="config.toml") as caught:
        user_config.read_config(path)
    assert words in str(caught.value)


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*JINGBAO, *argv], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **env}, timeout=60)


def test_help_names_the_config_file_and_the_log_folder(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_STATE_HOME": str(tmp_path / "state")}
    out = run(["--help"], env).stdout
    assert f"{tmp_path}/cfg/jingbao/config.toml" in out
    assert f"{tmp_path}/state/jingbao/log/jingbao.log" in out
    assert f"{tmp_path}/cfg/jingbao/config.toml" in run(["hub", "--help"], env).stdout


def test_a_command_logs_to_the_rotating_file_and_a_bad_config_stops_it(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_STATE_HOME": str(tmp_path / "state")}
    done = run(["scenario", str(tmp_path / "missing.json")], env)
    assert done.returncode != 0
    log = (tmp_path / "state" / "jingbao" / "log" / "jingbao.log").read_text(encoding="utf-8")
    assert "missing.json" in log
    (tmp_path / "cfg" / "jingbao").mkdir(parents=True)
    (tmp_path / "cfg" / "jingbao" / "config.toml").write_text('dbb = "x"\n', encoding="utf-8")
    refused = run(["scenario"], env)
    assert refused.returncode == 2
    assert "config.toml line 1: dbb: unknown key" in refused.stderr


def test_version_is_the_project_version() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    done = subprocess.run([*JINGBAO, "--version"], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    assert done.stdout.strip() == f"jingbao {declared}"


def _undocumented(parser: argparse.ArgumentParser, path: str) -> list[str]:
    """Every option, positional and subcommand under `parser` that has no help text."""
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                if not helped.get(name):
                    missing.append(f"{path} {name}")
                missing.extend(_undocumented(sub, f"{path} {name}"))
        elif not action.help or action.help == argparse.SUPPRESS:
            missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    return missing


def test_every_option_of_every_subcommand_has_help() -> None:
    parser = build_parser()
    assert len(parser._subparsers._group_actions[0].choices) > 10  # the walk sees the tree
    assert _undocumented(parser, "jingbao") == []
