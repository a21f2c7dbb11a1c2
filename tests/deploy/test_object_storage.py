"""Uploads on an S3-compatible object store (STORAGE_BACKEND=s3), against moto's S3 server on a
loopback port over real HTTP: files land in the private bucket, every download still passes the
permission check and then answers 302 to a signed URL that expires, and the code that reads
stored files (proposal PDF, backups) works through the storage API."""

import io
import tarfile
import urllib.error
import urllib.request
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.backup import backup_create
from config.settings import s3_storage_options
from grants.choices import AttachmentKind
from grants.models import Attachment
from tests.api.support import API, api_as
from tests.api.test_reviewer_proposal import build
from tests.factories import make_proposal, make_user, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "northstar-test", "AWS_SECRET_ACCESS_KEY": "not-a-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a thread on a free loopback port, for this module."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, made the default storage the way config/settings.py does with
    STORAGE_BACKEND=s3; yields a boto3 client and the bucket's name."""
    name = f"northstar-{uuid.uuid4().hex[:12]}"
    environ = {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        **CREDENTIALS,
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(environ),
        },
    }
    yield client, name


def keys(client, name: str) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))


def signed(client: Client, user) -> Client:
    client.force_login(user)
    return client


def fetch(url: str):
    """(body, headers) of a GET to the store, as the browser following the redirect does."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback moto)
        return response.read(), response.headers


def assert_signed_and_expiring(location: str, s3_endpoint: str, name: str, key: str) -> None:
    url = urlsplit(location)
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}" == s3_endpoint
    assert url.path == f"/{name}/{key}"
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["60"]
    assert len(query["X-Amz-Signature"][0]) == 64
    assert query["X-Amz-Credential"][0].startswith("northstar-test/")


def test_settings_build_a_private_signing_s3_storage():
    options = s3_storage_options({"AWS_STORAGE_BUCKET_NAME": "grants-uploads"})

    assert options == {
        "bucket_name": "grants-uploads",
        "location": "",
        "querystring_auth": True,
        "querystring_expire": 60,
        "default_acl": None,
        "file_overwrite": False,
        "custom_domain": None,
        "signature_version": "s3v4",
    }


def test_an_upload_through_the_page_lands_in_the_bucket(bucket):
    client, name = bucket
    proposal = make_proposal(complete=False)
    pi = signed(Client(), proposal.pi)

    response = pi.post(
        reverse("grants:proposal_attachments", args=[proposal.pk]),
        {"kind": AttachmentKind.BIOSKETCH, "file": pdf_upload()},
    )

    attachment = Attachment.objects.get(proposal=proposal)
    assert response.status_code == 302
    assert keys(client, name) == [attachment.file.name]
    assert attachment.file.name.startswith(f"proposals/{proposal.pk}/")
    stored = client.get_object(Bucket=name, Key=attachment.file.name)["Body"].read()
    assert stored == pdf_bytes()


def test_the_pi_is_sent_to_a_signed_url_that_returns_the_file(bucket, s3_endpoint):
    client, name = bucket
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    pi = signed(Client(), proposal.pi)

    response = pi.get(reverse("grants:attachment_download", args=[proposal.pk, attachment.pk]))
    body, headers = fetch(response["Location"])

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    assert_signed_and_expiring(response["Location"], s3_endpoint, name, attachment.file.name)
    assert body == pdf_bytes()
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="biosketch.pdf"'


def test_a_stranger_gets_404_and_no_url(bucket):
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    stranger = make_user()
    web = reverse("grants:attachment_download", args=[proposal.pk, attachment.pk])
    api = f"{API}/proposals/{proposal.pk}/attachments/{attachment.pk}/download/"

    answers = [
        signed(Client(), stranger).get(web),
        api_as(stranger).get(api),
        Client().get(web),  # anonymous: to the sign-in page, and nothing else
    ]

    assert [a.status_code for a in answers] == [404, 404, 302]
    assert answers[2]["Location"].startswith(reverse("login"))
    for answer in answers:
        assert "X-Amz" not in answer.get("Location", "")
        assert b"X-Amz" not in answer.content


def test_the_api_download_redirects_to_a_signed_url(bucket, s3_endpoint):
    _, name = bucket
    proposal = make_proposal()
    attachment = proposal.attachments.get()

    response = api_as(proposal.pi).get(
        f"{API}/proposals/{proposal.pk}/attachments/{attachment.pk}/download/"
    )

    assert response.status_code == 302
    assert_signed_and_expiring(response["Location"], s3_endpoint, name, attachment.file.name)
    assert fetch(response["Location"])[0] == pdf_bytes()


def test_the_reviewers_downloads_redirect_to_signed_urls(bucket, s3_endpoint):
    _, name = bucket
    setup = build()
    document = setup.proposal.attachments.get()

    web = signed(Client(), setup.reviewer).get(
        reverse("reviews:attachment_download", args=[setup.proposal.pk, document.pk])
    )
    api = api_as(setup.reviewer).get(
        f"{API}/assignments/{setup.assignment.pk}/attachments/{document.pk}/"
    )
    uncertified = api_as(setup.second).get(
        f"{API}/assignments/{setup.uncertified.pk}/attachments/{document.pk}/"
    )

    assert [web.status_code, api.status_code] == [302, 302]
    for response in (web, api):
        assert_signed_and_expiring(response["Location"], s3_endpoint, name, document.file.name)
    assert fetch(web["Location"])[0] == pdf_bytes()
    assert uncertified.status_code != 302
    assert "Location" not in uncertified


def test_a_file_gone_from_the_bucket_answers_404(bucket):
    client, name = bucket
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    client.delete_object(Bucket=name, Key=attachment.file.name)

    response = signed(Client(), proposal.pi).get(
        reverse("grants:attachment_download", args=[proposal.pk, attachment.pk])
    )

    assert response.status_code == 404


def test_without_its_signature_the_object_is_refused(bucket):
    # The bucket and its objects are private (no ACL): the URL works only as signed.
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    location = (
        signed(Client(), proposal.pi)
        .get(reverse("grants:attachment_download", args=[proposal.pk, attachment.pk]))
        .get("Location")
    )
    url = urlsplit(location)

    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(f"{url.scheme}://{url.netloc}{url.path}")

    assert refused.value.code == 403


def test_the_proposal_pdf_merges_attachments_read_from_the_bucket(bucket):
    proposal = make_proposal()

    response = signed(Client(), proposal.pi).get(reverse("grants:proposal_pdf", args=[proposal.pk]))

    pages = PdfReader(io.BytesIO(response.content)).pages
    assert response.status_code == 200
    assert f"NS-{proposal.pk}" in pages[0].extract_text()  # the rendered application
    assert pages[-1].extract_text() == ""  # then the biosketch's blank page, from the bucket


def test_a_backup_reads_the_files_from_the_bucket(bucket, tmp_path):
    proposal = make_proposal()
    attachment = proposal.attachments.get()

    summary = backup_create(tmp_path / "northstar.tar.gz")

    with tarfile.open(summary.path) as tar:
        stored = tar.extractfile(f"media/{attachment.file.name}").read()
    assert summary.files == 1
    assert stored == pdf_bytes()
    assert default_storage.exists(attachment.file.name)
