"""Signing in with the university's account: OpenID Connect (Authlib) and SAML 2.0 (pysaml2).

The libraries check every signature, audience, issuer, lifetime and nonce; this package maps
what they vouch for onto Northstar accounts (``services``) and keeps the views thin."""
