"""The `jingbao` command: one entry point, one subcommand per way of running the product."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from importlib import metadata

from console import user_config
from console.user_config import UserConfig

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {}


def command(name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None]):
    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = (help_text, configure, handler)
        return handler

    return register


def version() -> str:
    """The installed distribution's version; a source tree run without installing has none."""
    try:
        return metadata.version("jingbao-console")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def build_parser(config: UserConfig | None = None) -> argparse.ArgumentParser:
    """The whole command line; `config` (the user's config.toml) supplies option defaults."""
    from console import commands  # noqa: F401  (registers the subcommands)

    files = (f"configuration: {user_config.config_path()} (keys db, tiles, voice, radio, lang; "
             f"command-line options win)\nlogs: {user_config.log_path()} (rotated)")
    parser = argparse.ArgumentParser(prog="jingbao", description="警保联动指挥台 Jingbao Console",
                                     epilog=files,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"jingbao {version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, configure, handler) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=files,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        configure(p)
        p.set_defaults(handler=handler)
        if config is not None:
            user_config.apply_config(p, config)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        config = user_config.read_config(user_config.config_path())
    except ValueError as exc:
        print(f"jingbao: {exc}", file=sys.stderr)
        return 2
    args = build_parser(config).parse_args(argv)
    user_config.fill_options(args, config)
    user_config.start_logging(args.verbose)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its start-up chatter
    try:
        return args.handler(args)
    except BrokenPipeError:  # `jingbao radio decode … | head`: the reader had enough
        return 0
    except Exception as exc:  # into the log file too, where a shift lead finds it later
        from resources.scenario_checks import ScenarioError

        if isinstance(exc, ScenarioError):  # the keys and lines to fix; a traceback is noise
            logging.getLogger(__name__).error("%s", exc)
            return 2
        logging.getLogger(__name__).exception("jingbao %s failed", args.command)
        return 1
