"""The ``register_*`` steps of the web layer, called by :func:`liaison.web.register_web`."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Flask, Response, abort, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from liaison.core.errors import ServiceError
from liaison.core.validators import any_nul
from liaison.web import session_auth, transaction

csrf = CSRFProtect()
bootstrap = Bootstrap5()
#: Seconds a client is asked to wait after a 503 for a database that is not answering.
DATABASE_RETRY_AFTER = 30
#: What an error page says when the code that stopped the request gave no reason of its own: Werkzeug's
#: descriptions are English only.
HTTP_DESCRIPTIONS = {
    400: _l("The browser sent a request this server could not understand."),
    401: _l("You need to log in to see this page."),
    403: _l("You do not have permission to see this page."),
    404: _l("There is no such page. If you typed the address, check it; the page may also have moved."),
    405: _l("This page cannot be used that way."),
    406: _l("This page is not available in a form the browser accepts."),
    409: _l("The request clashes with the current state of what it changes."),
    410: _l("This page is gone for good."),
    413: _l("What was sent is too large."),
    414: _l("The address is too long."),
    415: _l("What was sent is in a format this page does not take."),
    422: _l("What was sent could not be processed."),
    429: _l("Too many requests in a short time. Please wait a moment and try again."),
    500: _l("The server met an error and could not complete the request."),
    503: _l("The service is not available at the moment. Please try again shortly."),
}


def register_extensions(app: Flask) -> None:
    """CSRF on every form (the JSON API opts out: it authenticates by bearer token, not cookie)."""
    # First of all: whether the request's transaction takes SQLite's write lock is decided before it reads.
    app.before_request(transaction.expect_writes_for_request)
    # Before CSRF and the user: a NUL would otherwise reach PostgreSQL, which refuses it with an error.
    app.before_request(refuse_nul_characters)
    csrf.init_app(app)
    bootstrap.init_app(app)
    app.before_request(session_auth.load_user)


def refuse_nul_characters() -> None:
    """400 for a NUL character in the URL, the query or a form field: no text liaison keeps has one.

    The JSON API answers these itself, naming the parameter in its problem document.
    """
    if request.path.startswith("/api/"):
        return
    # Every value of a repeated parameter (``?q=a&q=b``), not only the first that ``values()`` gives.
    values = [request.path, *itertools.chain.from_iterable(request.args.listvalues())]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values.extend(itertools.chain.from_iterable(request.form.listvalues()))
    if any_nul(values):
        abort(400, _("Text must not contain NUL characters."))


def register_blueprints(app: Flask) -> None:
    """Every blueprint, in one list so that the URL map is read in one place."""
    from liaison.accounts.views import account, auth
    from liaison.items import views as items
    from liaison.organisation import views as groups
    from liaison.overlaps import views as review
    from liaison.reporting.views import dashboard, exports, feeds, public, report
    from liaison.statements import views as statements
    from liaison.web import admin, api, health, home

    app.register_blueprint(home.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(items.bp)
    app.register_blueprint(groups.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(report.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(statements.bp)
    app.register_blueprint(account.bp)


def register_error_handlers(app: Flask) -> None:
    """Errors as pages for people and as problem documents for the API; a service refusal is never a 500."""

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError) -> Any:
        if wants_json():
            from liaison.web.api.problems import problem_from_service_error

            return problem_from_service_error(exc)
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        message = _("The form expired or was sent from elsewhere. Go back, reload the page and send it again.")
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(exc: Exception) -> Any:
        # The database is restarting, unreachable or locked: a 503 says "try again shortly", which
        # proxies and clients act on, where a 500 would say the request itself broke something.
        app.logger.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
        # The page's menu would ask the database about the user's roles: render it as for a visitor.
        g.user = None
        message = _("The database is not answering at the moment (it may be restarting). Please try again in a minute.")
        if wants_json():
            from liaison.web.api.problems import problem

            response = problem(503, "Service Unavailable", message)
        else:
            response = app.make_response((render_template("error.html", status=503, message=message), 503))
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        # Keep the exception's own headers (Allow on 405, WWW-Authenticate on 401...).
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        if wants_json():
            from liaison.web.api.problems import problem

            response = problem(exc.code or 500, exc.name, exc.description or "")
            response.headers.extend(headers)
            return response
        return render_template("error.html", status=exc.code, message=http_description(exc)), exc.code, headers


def http_description(exc: HTTPException) -> str:
    """The reason an error page gives: the one the code gave (``abort(403, _("..."))``), else the status's,
    in the reader's language."""
    if "description" in vars(exc) and exc.description:
        return exc.description
    default = HTTP_DESCRIPTIONS.get(exc.code or 500)
    if default is not None:
        return str(default)
    return _("The request could not be completed.") if (exc.code or 500) < 500 else str(HTTP_DESCRIPTIONS[500])


#: No inline scripts and no framing. Inline *styles* stay allowed: bars and highlights set widths
#: with style attributes, which cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def register_security_headers(app: Flask) -> None:
    """Headers that make every answer safer to render, on pages and API alike."""

    @app.after_request
    def secure(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_template_helpers(app: Flask) -> None:
    """Values every template may use: the current user and the labels of enumerations."""
    from markupsafe import Markup

    from liaison.languages import language_name, text_direction
    from liaison.models import accounts, work_items
    from liaison.speaking import current_language
    from liaison.web.forms import error_summary_entries

    @app.template_filter("language_name")
    def language_name_here(tag: str | None) -> str:
        """A language's name in the reader's language ("ar" reads "arabe" in French)."""
        return language_name(tag, current_language())
    app.add_template_global(error_summary_entries)
    # Globals, not context: macros imported without context use them too.
    app.jinja_env.globals.update(ITEM_STATUS_LABELS=work_items.ITEM_STATUS_LABELS, ROLE_LABELS=accounts.ROLE_LABELS)

    @app.template_global()
    def content_lang(item: Any) -> Markup:
        """``lang`` and ``dir`` attributes for an element holding an item's own text (its title, summary...),
        so that screen readers pronounce it and Arabic reads right to left on every page."""
        tag = getattr(item, "language", None) or "en"
        return Markup(' lang="{}" dir="{}"').format(tag, text_direction(tag))

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "current_user": g.get("user"),
            "ITEM_TYPE_LABELS": work_items.ITEM_TYPE_LABELS,
            "ITEM_STATUSES": work_items.ITEM_STATUSES,
        }
