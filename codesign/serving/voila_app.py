"""Voilà with gzip: run as `python -m codesign.serving.voila_app NOTEBOOK [voila options]`.

Voilà 0.5.13 builds its tornado Application before applying `tornado_settings`, so
`compress_response` has no effect and every participant downloads about 5 MB of
JavaScript uncompressed. Tornado decides on compression when the Application is built,
by adding the `GZipContentEncoding` transform; adding a transform to the built
Application is all `compress_response=True` would have done. `codesign serve` runs this
instead of the `voila` command.

Compressing the same 5 MB afresh for every phone costs about 0.1 CPU-second in Voilà's
single process, which is most of the budget when forty people arrive at once, so the
compressed bytes of each static file are kept, keyed by its path and ETag.
"""

from typing import ClassVar

from tornado.httputil import HTTPHeaders, HTTPServerRequest
from tornado.web import GZipContentEncoding
from voila.app import Voila

CACHE_LIMIT_BYTES = 64 * 1024 * 1024


class CachedGZip(GZipContentEncoding):
    """gzip that compresses each static file (a 200 with an ETag) only once per server."""

    cache: ClassVar[dict[str, bytes]] = {}

    def __init__(self, request: HTTPServerRequest) -> None:
        super().__init__(request)
        self._path = request.path
        self._key: str | None = None
        self._parts: list[bytes] = []
        self._replaying = False

    def transform_first_chunk(
        self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, HTTPHeaders, bytes]:
        etag = headers.get("Etag")
        key = f"{self._path} {etag}" if status_code == 200 and etag else None
        cached = self.cache.get(key) if key and self._gzipping else None
        if cached is not None:
            headers["Vary"] = (
                f"{headers['Vary']}, Accept-Encoding" if "Vary" in headers else ("Accept-Encoding")
            )
            headers["Content-Encoding"] = "gzip"
            headers["Content-Length"] = str(len(cached))
            self._replaying = True
            return status_code, headers, cached
        status_code, headers, out = super().transform_first_chunk(
            status_code, headers, chunk, finishing
        )
        if self._gzipping and key:
            self._key = key
            self._remember(out, finishing)
        return status_code, headers, out

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        if self._replaying:
            return b""  # the whole compressed file went out with the first chunk
        out = super().transform_chunk(chunk, finishing)
        if self._key:
            self._remember(out, finishing)
        return out

    def _remember(self, out: bytes, finishing: bool) -> None:
        self._parts.append(out)
        if finishing and self._key:
            body = b"".join(self._parts)
            if sum(map(len, self.cache.values())) + len(body) <= CACHE_LIMIT_BYTES:
                self.cache[self._key] = body


class CompressedVoila(Voila):
    """Voilà whose responses are gzipped for browsers that accept it."""

    def listen(self) -> None:
        if CachedGZip not in self.app.transforms:
            self.app.transforms.append(CachedGZip)
        super().listen()


main = CompressedVoila.launch_instance

if __name__ == "__main__":
    main()
