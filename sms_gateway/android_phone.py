"""The phone's webhooks, through its API (the `android-sms-gateway` client): listed, and registered.

Registering sets the app's webhook signing key to ours (`PATCH /settings`) and one webhook per
event this service reads (`POST /webhooks`), each with a fixed id: the app replaces a webhook
whose id it knows, so registering again changes nothing and leaves no duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from android_sms_gateway import APIClient, DeviceSettings, SettingsWebhooks, Webhook
from android_sms_gateway.enums import WebhookEvent

EVENTS = (
    WebhookEvent.SMS_RECEIVED,
    WebhookEvent.SMS_SENT,
    WebhookEvent.SMS_DELIVERED,
    WebhookEvent.SMS_FAILED,
)
PATH = "/sms/android"


@dataclass(frozen=True)
class Hook:
    """One webhook on the phone, and whether it is one of ours (this service's URL, an event we read)."""

    id: str
    event: str
    url: str
    ours: bool


def hook_id(event: WebhookEvent) -> str:
    """The fixed id of our webhook for `event`, e.g. f0care-sms-received."""
    return "f0care-" + str(event.value).replace(":", "-")


def webhook_url(public_url: str) -> str:
    return public_url.rstrip("/") + PATH


def list_hooks(client: APIClient, public_url: str) -> list[Hook]:
    """Every webhook registered on the phone."""
    url = webhook_url(public_url)
    return [
        Hook(hook.id or "", hook.event.value, hook.url, hook.url == url and hook.event in EVENTS)
        for hook in client.get_webhooks()
    ]


def missing_events(hooks: list[Hook]) -> list[str]:
    """The events this service reads that no webhook of ours delivers yet."""
    have = {hook.event for hook in hooks if hook.ours}
    return [event.value for event in EVENTS if event.value not in have]


def register(client: APIClient, public_url: str, secret: str) -> list[Hook]:
    """Set the phone's signing key to `secret` and register our four webhooks; the phone's list after."""
    client.patch_settings(DeviceSettings(webhooks=SettingsWebhooks(signing_key=secret)))
    for event in EVENTS:
        client.create_webhook(Webhook(id=hook_id(event), url=webhook_url(public_url), event=event))
    return list_hooks(client, public_url)
