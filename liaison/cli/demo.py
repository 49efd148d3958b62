"""``liaison demo``: sample data to try liaison with."""

from __future__ import annotations

import click
from flask import current_app

from liaison.cli.common import run_service
from liaison.demo import has_work_items, load_demo


@click.group()
def demo() -> None:
    """Sample data: real COP work of several bodies, fictional people."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database holds any work item (what `make run` uses).")
def load(if_empty: bool) -> None:
    """Create the sample bodies, groups, contacts, demo users and work items that are missing.

    The demo users' passwords are generated and printed once, here; running the command again
    creates nothing new and leaves existing passwords alone.
    """
    with run_service() as session:
        if if_empty and has_work_items(session):
            click.echo("The database already holds work items: no sample data loaded.")
            return
        report = load_demo(session)
    click.echo(
        f"Sample data: {report.bodies} bodies, {report.groups} groups, {report.contacts} contacts "
        f"and {report.items} work items created."
    )
    new = [login for login in report.logins if login.password]
    if new:
        width = max(len(login.email) for login in new)
        click.echo(f"\nLog in at {current_app.config['LIAISON_BASE_URL']}/login with (shown only now, keep them):")
        for login in new:
            click.echo(f"  {login.email:<{width}}  password: {login.password}   ({login.role})")
    for login in report.logins:
        if not login.password:
            click.echo(f"{login.email} already exists; its password was left unchanged.")
