"""What `codesign serve` exposes over HTTP: one notebook, compressed, with nothing inside it
that a participant should not see, and a facilitator server that needs its secret.
"""

import gzip
import urllib.error
import urllib.request

import pytest

from codesign.serving.serve import Server


def fetch(url: str, gzip_ok: bool = True) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_page_is_gzipped_and_hides_code_and_tracebacks(server: Server) -> None:
    status, headers, body = fetch(server.participant_url)
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    page = gzip.decompress(body).decode()
    assert "cs-exit" in page and "0808 2000 247" in page
    assert "ParticipantApp" not in page and "Traceback" not in page
    assert "cdn.jsdelivr.net" not in page  # no third-party requests from participants' phones


def test_big_scripts_are_compressed_once_and_served_the_same_every_time(server: Server) -> None:
    _status, _headers, body = fetch(server.participant_url)
    page = gzip.decompress(body).decode()
    script = page.split('src="', 2)[1].split('"', 1)[0] if 'src="' in page else ""
    url = server.participant_url.rstrip("/") + script
    first, second = fetch(url), fetch(url)  # the second comes from the compressed cache
    plain = fetch(url, gzip_ok=False)
    for status, headers, compressed in (first, second):
        assert status == 200 and headers.get("Content-Encoding") == "gzip", script
        assert gzip.decompress(compressed) == plain[2]
    assert int(second[1]["Content-Length"]) == len(second[2])  # whole, from the cache


@pytest.mark.parametrize(
    "path",
    ["voila/render/facilitator.ipynb", "voila/tree", "tree", "voila/files/participant.ipynb",
     "api/contents", "?template=lab", "lab"],
)  # fmt: skip
def test_participants_reach_only_the_form(server: Server, path: str) -> None:
    status, _headers, body = fetch(server.participant_url + path, gzip_ok=False)
    if path.startswith("?"):  # a template override is ignored, not honoured
        assert status == 200 and b"cs-exit" in body
    else:
        assert status in (403, 404), (path, status)


def test_the_facilitator_server_needs_its_secret(server: Server) -> None:
    assert server.facilitator_url is not None and "token=" in server.facilitator_url
    base = server.facilitator_url.split("/lab?")[0]
    assert fetch(f"{base}/api/contents", gzip_ok=False)[0] in (401, 403)
    token = server.facilitator_url.split("token=")[1]
    assert fetch(f"{base}/api/status?token={token}", gzip_ok=False)[0] == 200
