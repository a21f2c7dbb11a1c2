"""The provider's claims per user, and the ways a test makes it misbehave, both read from
OP_DIR/claims.json on each token (the test writes it): {"users": {username: claims},
"mode": "" | "wrong_audience" | "expired" | "tampered" | "unsigned"}."""

import base64
import json
import os
import time
from pathlib import Path

from oauth2_provider.oauth2_validators import OAuth2Validator


def _state() -> dict:
    path = Path(os.environ["OP_DIR"]) / "claims.json"
    return json.loads(path.read_text()) if path.exists() else {"users": {}}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim in the ID token

    def get_additional_claims(self, request):
        return dict(_state()["users"].get(request.user.username, {}))

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        mode = _state().get("mode", "")
        if mode == "wrong_audience":
            claims["aud"] = "some-other-service"
        if mode == "expired":
            claims["exp"] = int(time.time()) - 3600
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        mode = _state().get("mode", "")
        header, payload, signature = signed.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if mode == "tampered":
            claims["sub"] = "someone-else"
            return f"{header}.{_b64(claims)}.{signature}"
        if mode == "unsigned":
            return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
        return signed
