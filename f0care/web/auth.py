"""Logging in and out, and what a view requires: a staff member (`staff_required`) or a patient's phone
(`phone_required`). One Flask-Login manager; each blueprint names its own login page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, session
from flask_login import LoginManager, current_user, login_user, logout_user

from f0care.config import Config
from f0care.web.users import PhoneUser, StaffUser, load_user

View = TypeVar("View", bound=Callable[..., Any])


def install(app: Flask, config: Config) -> LoginManager:
    manager = LoginManager(app)
    manager.session_protection = "strong"  # a session cookie moved to another browser is dropped
    manager.login_message = ""  # no flashed English sentence on the login page

    def _load(user_id: str) -> StaffUser | PhoneUser | None:
        return load_user(config, user_id)

    manager.user_loader(_load)

    return manager


def set_login_view(app: Flask, blueprint: str, endpoint: str) -> None:
    """Where a visitor of `blueprint` who is not logged in is sent, e.g. ("staff", "staff.login")."""
    manager: LoginManager = app.login_manager  # type: ignore[attr-defined]
    manager.blueprint_login_views[blueprint] = endpoint


def log_in(user: StaffUser | PhoneUser) -> None:
    """Start a 12-hour session for `user` (a fresh session: nothing of the anonymous one is kept)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.permanent = True
    login_user(user)


def log_out() -> None:
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language


def current_staff() -> StaffUser:
    """The logged-in staff member (only inside a `staff_required` view)."""
    user = current_user._get_current_object()
    assert isinstance(user, StaffUser)
    return user


def current_phone() -> PhoneUser:
    """The logged-in phone (only inside a `phone_required` view)."""
    user = current_user._get_current_object()
    assert isinstance(user, PhoneUser)
    return user


def _requiring(kind: type[StaffUser] | type[PhoneUser]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                manager: LoginManager = current_app.login_manager  # type: ignore[attr-defined]
                return manager.unauthorized()
            if not isinstance(current_user._get_current_object(), kind):
                abort(404)  # the other kind of user: nothing here for her
            return view(*args, **kwargs)

        return cast(View, wrapped)

    return decorate


staff_required = _requiring(StaffUser)
phone_required = _requiring(PhoneUser)
