"""The portal's forms (Flask-WTF: every POST carries the CSRF token).

Only the shape of the input is declared here; what an answer may be is the SMS dialog's business
(`dialogs.forms`), so the fields carry no validators beyond "a value was sent".
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField  # type: ignore[import-untyped]


class RegisterForm(FlaskForm):  # type: ignore[misc]
    """`/register`: the seven answers of `DK` (the `risks` boxes are read as a list from the request)."""

    name = StringField()
    dob = StringField()
    area = StringField()
    phone = StringField()
    test_date = StringField()
    symptoms = StringField()  # yes / no (radio buttons)


class CodeForm(FlaskForm):  # type: ignore[misc]
    """`/register/verify`: the 6-digit code sent by SMS to the registered phone."""

    code = StringField()
    resend = SubmitField()


class ChooseForm(FlaskForm):  # type: ignore[misc]
    """`/choose`: which patient of the household."""

    patient = StringField()


class TodayForm(FlaskForm):  # type: ignore[misc]
    """`/today`: the configured questions are read from the request by key (they are config, not code)."""
