"""Groups and people to write liaison statements with, the app's session factory and an upload folder."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from liaison.db import database
from liaison.organisation import operations as organisation
from tests.factories import Factory


@pytest.fixture()
def sessions(app: Flask, db: Session) -> sessionmaker[Session]:
    """The app's session factory (inside the test's transaction, thanks to the ``db`` fixture)."""
    return database(app).sessionmaker


@pytest.fixture()
def upload_dir(tmp_path: Any) -> str:
    return str(tmp_path / "uploads")


@pytest.fixture()
def world(factory: Factory, db: Session) -> SimpleNamespace:
    """ITU-T/SG17 writes to ITU-D/SG2 (both with liaison contacts); people in every role."""
    sg17 = factory.group("ITU-T/SG17")
    sg2 = factory.group("ITU-D/SG2")
    factory.group("ITU-T/SG20")
    organisation.add_contact(
        db, None, sg17, {"name": "Sam Secretary", "email": "tsbsg17@itu.example", "organization": "ITU/TSB"}
    )
    organisation.add_contact(db, None, sg2, {"name": "Rita Rapporteur", "email": "rita@sg2.example"})
    organisation.add_contact(db, None, sg2, {"name": "Victor Vice", "email": "victor@sg2.example"})
    return SimpleNamespace(
        sg17=sg17,
        sg2=sg2,
        officer=factory.user("olga@sg17.example", name="Olga Officer", officer_of=("ITU-T/SG17",)),
        chair=factory.user("chen@sg17.example", name="Chen Chair", chair_of=("ITU-T/SG17",)),
        stranger=factory.user("sten@sg20.example", name="Sten Stranger", officer_of=("ITU-T/SG20",)),
        admin=factory.user("ada@itu.example", name="Ada Admin", admin=True),
        sg2_officer=factory.user("omar@sg2.example", name="Omar SG2", officer_of=("ITU-D/SG2",)),
        sg2_chair=factory.user("carla@sg2.example", name="Carla SG2", chair_of=("ITU-D/SG2",)),
    )
