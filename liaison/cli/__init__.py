"""The ``liaison`` command line: Flask's CLI with the app preloaded and one group per subject."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    """Add every command group to ``app.cli`` (so ``flask --app liaison ...`` works too)."""
    from liaison.accounts import cli as accounts
    from liaison.cli import database, demo, serve
    from liaison.items import cli as items
    from liaison.overlaps import cli as overlaps
    from liaison.reporting.cli import report
    from liaison.statements import cli as statements

    app.cli.add_command(database.db)
    app.cli.add_command(accounts.users)
    app.cli.add_command(accounts.tokens)
    app.cli.add_command(overlaps.overlaps)
    app.cli.add_command(serve.serve)
    app.cli.add_command(report)
    app.cli.add_command(statements.outbox)
    app.cli.add_command(statements.reminders)
    app.cli.add_command(items.items)
    app.cli.add_command(demo.demo)


def _create_app() -> Flask:
    from liaison import create_app

    return create_app()


class _LiaisonGroup(FlaskGroup):
    def invoke(self, ctx: click.Context) -> Any:
        # A setting an operator mistyped is an error of use, not of the program: its one line,
        # naming the setting, without the traceback that would bury it (exit status 1).
        from liaison.config import ConfigurationError
        from liaison.similarity.embedding import ThreadSettingError

        try:
            return super().invoke(ctx)
        except (ConfigurationError, ThreadSettingError) as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_LiaisonGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """liaison: the child-online-protection work tracker."""
