"""`/staff/login` (phone, then the code sent by SMS) and `/staff/logout`."""

from __future__ import annotations

from flask import redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from f0care.web import auth
from f0care.web.context import runtime
from f0care.web.i18n import add_strings, t
from f0care.web.login import login_step
from f0care.web.staff import bp
from f0care.web.users import staff_user

PURPOSE = "staff"


def _is_staff(phone: str) -> bool:
    return staff_user(runtime().config, phone) is not None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse:
    """A staff number from config.yaml gets a code by SMS; any other number gets the same page and nothing."""
    step = login_step(PURPOSE, _is_staff, heading=t("staff_login"), action=url_for("staff.login"))
    if step.phone is None:
        return step.page or ""
    user = staff_user(runtime().config, step.phone)
    assert user is not None  # login_step checked it
    auth.log_in(user)
    return redirect(url_for("staff.dashboard"))


@bp.post("/logout")
def logout() -> BaseResponse:
    auth.log_out()
    return redirect(url_for("staff.login"))


add_strings({"staff_login": {"vi": "Đăng nhập cho nhân viên y tế", "en": "Staff login"}})
