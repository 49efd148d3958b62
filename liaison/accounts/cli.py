"""``liaison users`` and ``liaison tokens``: accounts, roles and API tokens."""

from __future__ import annotations

import sys

import click

from liaison.accounts import operations as accounts
from liaison.cli.common import run_service
from liaison.organisation.operations import group_by_code


@click.group()
def users() -> None:
    """Create users and grant them roles in groups."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (keeps it out of the shell history).")
@click.option("--admin", is_flag=True, help="Make the user an admin (the secretariat).")
def create_user(email: str, name: str, password_stdin: bool, admin: bool) -> None:
    """Create a user."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with run_service() as session:
        user = accounts.create_user(session, None, email, name, password, is_admin=admin)
    click.echo(f"Created {user.email}{' (admin)' if admin else ''}.")


@users.command("grant")
@click.option("--email", required=True)
@click.option("--group", "group_code", required=True, help="Group code, e.g. ITU-T/SG17/Q6.")
@click.option("--role", type=click.Choice(["officer", "chair"]), required=True)
def grant(email: str, group_code: str, role: str) -> None:
    """Give a user a role in a group."""
    with run_service() as session:
        user = accounts.user_by_email(session, email)
        accounts.grant_role(session, None, user, group_by_code(session, group_code), role)
    click.echo(f"{email} is {role} of {group_code}.")


@users.command("revoke")
@click.option("--email", required=True)
@click.option("--group", "group_code", required=True)
@click.option("--role", type=click.Choice(["officer", "chair"]), required=True)
def revoke(email: str, group_code: str, role: str) -> None:
    """Take a role in a group away from a user."""
    with run_service() as session:
        user = accounts.user_by_email(session, email)
        accounts.revoke_role(session, None, user, group_by_code(session, group_code), role)
    click.echo(f"{email} is no longer {role} of {group_code}.")


@click.group()
def tokens() -> None:
    """API tokens (for ``Authorization: Bearer``)."""


@tokens.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="What the token is for, to recognise it later.")
def create_token(email: str, name: str) -> None:
    """Create a token and print it. It is shown this once and stored only as a hash."""
    with run_service() as session:
        user = accounts.user_by_email(session, email)
        _, plaintext = accounts.create_api_token(session, None, user, name)
    click.echo(plaintext)


