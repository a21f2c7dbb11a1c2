"""Run the test provider: migrate, register Northstar as a client, serve on 127.0.0.1:PORT.

python -m tests.sso.op.serve PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI... (OP_DIR set)."""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    port, client_id, secret, *redirects = sys.argv[1:]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.op.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.update_or_create(
        client_id=client_id,
        defaults={
            "client_secret": secret,
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": " ".join(redirects),
            "post_logout_redirect_uris": " ".join(redirects),
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
            "name": "Northstar",
        },
    )
    for username in ("alice", "bob", "carol", "dave", "erin"):
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(username, password="university-pass")
    server = make_server("127.0.0.1", int(port), get_wsgi_application(), _Server, _Quiet)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
