"""The workstation's own settings file and log folder, in the places the platform expects.

A dispatcher's PC always opens the same database, tile pack, radio ports and language; typing
them on every start invites mistakes, so they live in `config.toml` in the user's config folder
(the command line still wins). Logs go to rotating files in the user's log folder so that a
shift lead can send yesterday's log after the window is closed.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import re
import tomllib
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

APP = "jingbao"
CONFIG_ENV = "JINGBAO_CONFIG"  # another file instead of the user's (tests, a shared PC)
LOG_BYTES, LOG_FILES = 5_000_000, 5  # 25 MB at most: a week of a busy center's INFO lines
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class UserConfig(BaseModel):
    """The keys of config.toml; each is the command-line option of the same name."""

    model_config = ConfigDict(extra="forbid")

    db: str | None = Field(None, description="database URL, as --db")
    tiles: str | None = Field(None, description="basemap, as --tiles")
    voice: str | None = Field(None, description="paging by voice, as --voice")
    radio: list[str] = Field(default_factory=list, description="radio ports, as --radio")
    lang: Literal["zh_CN", "en"] | None = Field(None, description="interface language")


def config_path() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return Path(platformdirs.user_config_dir(APP, APP)) / "config.toml"


def log_path() -> Path:
    return Path(platformdirs.user_log_dir(APP, APP)) / "jingbao.log"


def read_config(path: Path) -> UserConfig:
    """The settings at `path` (none when the file is absent); a bad file is a ValueError that
    names the file, the key and its line, since the user edits it by hand."""
    if not path.exists():
        return UserConfig()
    text = path.read_text(encoding="utf-8")
    try:
        return UserConfig.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            key = str(item["loc"][0])
            found = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
            where = f" line {text[:found.start()].count(chr(10)) + 1}" if found else ""
            message = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
            problems.append(f"{path}{where}: {key}: {message}")
        raise ValueError("\n".join(problems)) from None


# Options whose parser default is None ([] for --radio): "not given" still shows after parsing,
# so the file fills them then. `lang` has a real default and goes in as the parser's default.
FILLED = ("db", "tiles", "voice", "radio")
# what a demo never takes from the file: it keeps apart from the center's data and radios
NOT_IN_DEMO = ("db", "voice", "radio")


def apply_config(parser: argparse.ArgumentParser, config: UserConfig) -> None:
    """Make the file's `lang` the default of every (sub)command that has the option, so that
    `--lang` on the command line still wins."""
    if config.lang is not None and "lang" in {action.dest for action in parser._actions}:
        parser.set_defaults(lang=config.lang)
    for action in parser._actions:  # nested subcommands: `users list`, `audit verify` …
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                apply_config(sub, config)


def fill_options(args: argparse.Namespace, config: UserConfig) -> None:
    """The file's db, tiles, voice and radio for a command that has those options and was not
    given them; a `--demo` takes only the basemap, so a demo on a center's PC never writes to
    its database nor keys its radios."""
    for key in FILLED:
        value = getattr(config, key)
        if getattr(args, "demo", False) and key in NOT_IN_DEMO:
            continue
        if getattr(args, key, "absent") in (None, []) and value not in (None, []):
            setattr(args, key, list(value) if isinstance(value, list) else value)


def start_logging(verbose: bool) -> Path | None:
    """Console and rotating file; the file's path, or None when its folder is not writable
    (a read-only home must not stop the center: the console output remains) or logging was
    set up already (a test harness, or a second `main` in one process), which stays as it is."""
    if logging.getLogger().handlers:
        return None
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    path: Path | None = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_FILES, encoding="utf-8"))
    except OSError:
        path = None
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format=LOG_FORMAT,
                        handlers=handlers)
    if path is None:
        logging.getLogger(__name__).warning("no log file: %s is not writable", log_path())
    return path
