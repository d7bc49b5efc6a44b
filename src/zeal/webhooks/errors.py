"""Refusals about webhooks."""

from zeal.errors import Conflict, Invalid, NotFound


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    title = "Webhook not found"


class WebhookUrlRefused(Invalid):
    code = "webhook_url_refused"
    title = "Webhook URL refused"


class TooManyWebhooks(Conflict):
    code = "too_many_webhooks"
    title = "Too many webhooks"
