"""Whether a webhook request comes from LINE: its X-Line-Signature is the base64 of the body's
HMAC-SHA256 under the channel secret (LINE's signature validation).

line-bot-sdk's own validator does the same, but its module imports every webhook event model of
the SDK (and the SDK's older API) for a parser Renkei does not use: some megabytes in every
process, and a slower start.
"""

import base64
import hashlib
import hmac


class SignatureValidator:
    """The same interface as line-bot-sdk's `linebot.v3.webhook.SignatureValidator`."""

    def __init__(self, channel_secret: str) -> None:
        self._secret = channel_secret.encode("utf-8")

    def validate(self, body: str, signature: str) -> bool:
        digest = hmac.new(self._secret, body.encode("utf-8"), hashlib.sha256).digest()
        return hmac.compare_digest(signature.encode("utf-8"), base64.b64encode(digest))
