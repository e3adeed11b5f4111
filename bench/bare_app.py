"""The ceiling for this stack: a bare Flask app that only checks the Twilio signature and answers fixed TwiML.

Run under the same gunicorn settings as the service (gunicorn -c gunicorn.conf.py bench.bare_app:app).
It reads the same config file for the token and the public URL the signature is computed over.
"""

from __future__ import annotations

import os

import yaml
from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator

# About as long as the service's usual answer to a compact declaration.
REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Da ghi 25/11 K7M2Q: SpO2 98, Tho 18, Mach 86, '
    "Nhiet 37.5, Kho tho 0, DH 0. Ket qua: binh thuong. Gui CUU neu kho tho</Message></Response>"
)


def make_app() -> Flask:
    with open(os.environ["F0CARE_CONFIG"], encoding="utf-8") as f:
        public_url = str(yaml.safe_load(f)["service"]["public_url"]).rstrip("/")
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    app = Flask("bare")

    @app.post("/sms/twilio")
    def inbound() -> Response:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not validator.validate(public_url + request.path, request.form.to_dict(), signature):
            abort(403)
        return Response(REPLY, mimetype="text/xml")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response('{"status":"ok"}', mimetype="application/json")

    return app


app = make_app()
