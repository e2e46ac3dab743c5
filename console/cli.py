"""The `jingbao` command: one entry point, one subcommand per way of running the product."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {}


def command(name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None]):
    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = (help_text, configure, handler)
        return handler

    return register


def build_parser() -> argparse.ArgumentParser:
    from console import commands  # noqa: F401  (registers the subcommands)

    parser = argparse.ArgumentParser(prog="jingbao", description="警保联动指挥台 Jingbao Console")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, configure, handler) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
        p.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its start-up chatter
    try:
        return args.handler(args)
    except BrokenPipeError:  # `jingbao radio decode … | head`: the reader had enough
        return 0
