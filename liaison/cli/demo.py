"""``liaison demo``: sample data to try liaison with."""

from __future__ import annotations

from pathlib import Path

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

    The demo users' passwords are generated, printed and kept in ``instance/demo-logins.txt`` (readable
    by the owner only) for later runs to show again; running the command again creates nothing new and
    leaves existing passwords alone.
    """
    saved = Path(current_app.config["LIAISON_DEMO_LOGINS"])
    with run_service() as session:
        if if_empty and has_work_items(session):
            click.echo("The database already holds work items: no sample data loaded.")
            if saved.exists():
                click.echo(f"\nThe demo logins made when it was loaded ({saved}):\n{saved.read_text()}")
            return
        report = load_demo(
            session,
            upload_dir=current_app.config["LIAISON_UPLOAD_DIR"],
            coordination_group=current_app.config["LIAISON_COORDINATION_GROUP"],
        )
    click.echo(
        f"Sample data: {report.bodies} bodies, {report.groups} groups, {report.contacts} contacts "
        f"and {report.items} work items created; {report.decisions} overlap decisions and "
        f"{report.statements} liaison statements."
    )
    new = [login for login in report.logins if login.password]
    if new:
        width = max(len(login.email) for login in new)
        lines = [f"  {login.email:<{width}}  password: {login.password}   ({login.role})" for login in new]
        click.echo(f"\nLog in at {current_app.config['LIAISON_BASE_URL']}/login with:")
        click.echo("\n".join(lines))
        # `make run` is for trying liaison out: keep the generated demo logins where the next run finds them.
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text("\n".join(lines) + "\n")
        saved.chmod(0o600)
    for login in report.logins:
        if not login.password:
            click.echo(f"{login.email} already exists; its password was left unchanged.")
