"""liaison: see each other's child-online-protection work and stop duplicating it."""

from __future__ import annotations

import os
from typing import Any, Mapping

# The embedding model runs on OpenMP threads, which by default spin while they wait for each other.
# On a busy machine (gunicorn workers and threads, a scan beside them) a spinning thread holds the
# core its partner needs: measured with the load at 20 on 2 cores, one short query took 14.9 s
# instead of 0.43 s with waiting threads that sleep. Set before the engine's library is loaded;
# an operator's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from flask import Flask

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application.

    ``config`` overrides everything else (tests pass ``DATABASE_URL`` and friends here);
    otherwise settings come from ``instance/config.py`` and the environment.
    The factory only wires: each ``register_*`` step lives with the part it sets up.
    """
    from liaison import cli, db, i18n, indexing
    from liaison import config as settings
    from liaison.core.converters import register_converters
    from liaison.web import register_web
    from liaison.web.addresses import LiaisonFlask

    app = LiaisonFlask(
        __name__, instance_relative_config=True, template_folder="web/templates", static_folder="web/static"
    )
    settings.load(app, config)
    db.init_app(app)
    indexing.init_app(app)
    i18n.init_app(app)
    register_converters(app)
    register_web(app)
    cli.register_commands(app)
    return app
