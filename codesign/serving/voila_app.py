"""codesign's Voilà: run as `python -m codesign.serving.voila_app NOTEBOOK [voila options]`.

Three things Voilà 0.5.13 does not do, added around its own classes:

- **gzip.** Voilà builds its tornado Application before applying `tornado_settings`, so
  `compress_response` has no effect and every phone downloads about 5 MB uncompressed.
  Adding tornado's gzip transform to the built Application is all that setting would have
  done; the compressed bytes of each static file are kept (keyed by path and ETag), since
  compressing 5 MB afresh per phone costs 0.1 CPU-second when forty arrive at once.
- **Letting kernels go.** Each page claims a kernel for its browser (a cookie), and a
  sweep shuts down the ones `kernels.Ledger` finds abandoned; one browser's kernels and
  the total are capped, so a stranger's `GET /` costs a kernel for 90 s, not an hour.
  The tab-close beacon works again: the page sets the `_xsrf` cookie the beacon sends
  (voila#1458), and only the browser that claimed a kernel may shut it down.
- **A status page** (`/codesign/status`): pool size, warm kernels (started and the
  notebook run), kernels in use and the cap, as counts. `codesign serve` waits on it to
  say "ready", and a load balancer can health-check it.
"""

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from jupyter_core.utils import ensure_async
from jupyter_server.utils import url_path_join
from tornado.httputil import HTTPHeaders, HTTPServerRequest
from tornado.ioloop import PeriodicCallback
from tornado.web import GZipContentEncoding, HTTPError, RequestHandler
from traitlets import Float, Int
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler

from codesign.serving import kernels, serve

CACHE_LIMIT_BYTES = 64 * 1024 * 1024
CLIENT_COOKIE = "codesign_client"
KEEPER = "codesign_keeper"
RETRY_AFTER_SECONDS = 60
NEUTRAL_PAGE = "https://www.bbc.co.uk/weather"  # where "Exit this page" lands
EXIT_PAGE = (
    f'<!doctype html><html><meta http-equiv="refresh" content="0;url={NEUTRAL_PAGE}">'
    f'<title></title><script>window.location.replace("{NEUTRAL_PAGE}")</script></html>'
)
PARTICIPANT_CSP = ("script-src 'self' 'unsafe-inline' 'unsafe-eval'", "object-src 'none'",
                   "base-uri 'self'")  # fmt: skip
BUSY_PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Please try again in a minute</title>"
    "<p>The form is full right now. Please try again in a minute, or ask a facilitator.</p>"
    '<p>National Domestic Abuse Helpline: <a href="tel:08082000247">0808 2000 247</a> · '
    'Emergency: <a href="tel:999">999</a></p></html>'
)


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


class _Claiming:
    """Voilà's kernel manager as one page request sees it: notes which kernel it was given.

    Voilà picks the kernel deep inside its page handler (from the pool, or a cold start)
    and never tells the handler which; this stand-in passes every call through and hands
    the kernel id to `claimed`.
    """

    def __init__(self, manager: Any, claimed: Callable[[str], Awaitable[None]]) -> None:
        self._manager, self._claimed = manager, claimed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        task, rendered, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        await self._claimed(kernel_id)
        return task, rendered, kernel_id

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id = str(await ensure_async(self._manager.start_kernel(*args, **kwargs)))
        await self._claimed(kernel_id)
        return kernel_id


@dataclass
class Keeper:
    """Applies the ledger's rules to Voilà's kernels: claims, caps, the sweep, the status."""

    manager: Any  # Voilà's kernel manager
    ledger: kernels.Ledger
    max_in_use: int  # 0: no cap
    pool: int
    log: logging.Logger

    def connections(self) -> dict[str, int]:
        counts = self.manager._kernel_connections  # jupyter_server's per-kernel websockets
        return {kid: counts.get(kid, 0) for kid in self.manager.list_kernel_ids()}

    async def shut_down(self, due: dict[str, str]) -> None:
        for kernel_id, reason in due.items():
            self.log.info("Shutting down kernel %s: %s", kernel_id, reason)
            self.ledger.claims.pop(kernel_id, None)
            if kernel_id in self.manager:
                await ensure_async(self.manager.shutdown_kernel(kernel_id))

    async def sweep(self) -> None:
        await self.shut_down(self.ledger.sweep(self.connections(), time.monotonic()))

    async def room_for_one_more(self) -> bool:
        """Whether a new page may claim a kernel; sweeps first when the cap is reached."""
        if self.max_in_use and self.ledger.in_use() >= self.max_in_use:
            await self.sweep()
        return not self.max_in_use or self.ledger.in_use() < self.max_in_use

    async def claim(self, kernel_id: str, client: str) -> None:
        over = self.ledger.claim(kernel_id, client, time.monotonic())
        await self.shut_down(dict.fromkeys(over, "over the per-browser cap"))

    def warm(self) -> int:
        """Pool kernels that have started and run the notebook (ready for a page at once)."""
        return sum(
            1
            for pool in getattr(self.manager, "_pools", {}).values()
            for task in pool
            if task.done() and not task.cancelled() and task.exception() is None
            and task.result()["task"].done()
        )  # fmt: skip

    def status(self) -> dict[str, int]:
        return {
            "pool": self.pool,
            "warm": self.warm(),
            "in_use": self.ledger.in_use(),
            "max_in_use": self.max_in_use,
            "kernels": len(self.manager.list_kernel_ids()),
        }


def _keeper(handler: RequestHandler) -> Keeper:
    keeper: Keeper = handler.settings[KEEPER]
    return keeper


class ParticipantPage(TornadoVoilaHandler):
    """Voilà's page, claimed by the browser that asked, and refused once the cap is full."""

    client = ""

    @property
    def kernel_manager(self) -> Any:
        manager = super().kernel_manager
        if not self.client:
            return manager
        return _Claiming(manager, lambda kernel_id: _keeper(self).claim(kernel_id, self.client))

    @property
    def content_security_policy(self) -> str:
        """Jupyter's policy (frames, reports) plus scripts from this server only: Voilà's
        page needs its inline scripts and its bundles' `Function`, but nothing may load
        script from another origin (Jupyter's page would fetch mermaid from a CDN)."""
        return "; ".join([super().content_security_policy, *PARTICIPANT_CSP])

    def set_cookie(self, name: str, value: str | bytes, *args: Any, **kwargs: Any) -> None:
        """Every cookie the page sets (Jupyter's anonymous user, `_xsrf`, the kernel claim)
        ends with the browser session: Jupyter would keep two for 30 days, a trace on a
        shared phone that someone was here."""
        for lasting in ("expires", "expires_days", "max_age"):
            kwargs.pop(lasting, None)
        super().set_cookie(name, value, *args, **kwargs)

    async def get(self, path: str | None = None) -> None:
        client = self.get_cookie(CLIENT_COOKIE) or secrets.token_urlsafe(16)
        self.set_cookie(CLIENT_COOKIE, client, httponly=True, samesite="Lax")
        self.xsrf_token  # noqa: B018 — sets the `_xsrf` cookie Voilà's tab-close beacon sends
        if not await _keeper(self).room_for_one_more():
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
            self.finish(BUSY_PAGE)
            return
        self.client = client
        await super().get(path)


class OwnKernelShutdown(VoilaShutdownKernelHandler):
    """The tab-close beacon's shutdown, for the browser that claimed the kernel only."""

    async def post(self, kernel_id: str) -> None:
        if not _keeper(self).ledger.owns(self.get_cookie(CLIENT_COOKIE), kernel_id):
            raise HTTPError(403)
        await super().post(kernel_id)


class ExitHandler(RequestHandler):
    """The server's half of "Exit this page": forget every cookie of this site and the
    browser's storage and cache for it (`Clear-Site-Data`), then go somewhere neutral.
    The page's script comes here after clearing what it can reach itself; HttpOnly cookies
    only the server can clear. The way on is a page that replaces itself (not a redirect),
    so this address leaves no history entry either."""

    def get(self) -> None:
        for name in self.request.cookies:
            self.clear_cookie(name, path="/")
        self.set_header("Clear-Site-Data", '"cache", "cookies", "storage"')
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(EXIT_PAGE)


class StatusHandler(RequestHandler):
    """Counts only (no ids): for `codesign serve`'s "ready" line and load-balancer checks."""

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.finish(_keeper(self).status())


class CodesignVoila(Voila):
    """Voilà with gzip, kernels claimed per browser, a sweep, caps and a status page."""

    max_in_use = Int(0, config=True, help="Claimed kernels at most (0: no cap); then 503.")
    per_client = Int(kernels.PER_CLIENT, config=True, help="Kernels one browser may hold.")
    join_grace = Float(kernels.JOIN_GRACE_SECONDS, config=True,
                       help="Seconds a page has to connect to its kernel.")  # fmt: skip
    away = Float(kernels.AWAY_SECONDS, config=True,
                 help="Seconds a joined kernel is kept with no page connected.")  # fmt: skip
    sweep_interval = Float(kernels.SWEEP_SECONDS, config=True, help="Seconds between sweeps.")

    def init_handlers(self) -> list[Any]:
        ours = {TornadoVoilaHandler: ParticipantPage, VoilaShutdownKernelHandler: OwnKernelShutdown}
        status = (url_path_join(self.server_url, serve.STATUS_PATH), StatusHandler)
        leave = (url_path_join(self.server_url, serve.EXIT_PATH), ExitHandler)
        handlers = [(h[0], ours.get(h[1], h[1]), *h[2:]) for h in super().init_handlers()]
        return [status, leave, *handlers]

    def listen(self) -> None:
        if CachedGZip not in self.app.transforms:
            self.app.transforms.append(CachedGZip)
        ledger = kernels.Ledger(self.per_client, self.join_grace, self.away)
        pool = self.voila_configuration.default_pool_size
        keeper = Keeper(self.kernel_manager, ledger, self.max_in_use, pool, self.log)
        self.app.settings[KEEPER] = keeper
        PeriodicCallback(keeper.sweep, self.sweep_interval * 1000).start()
        super().listen()


main = CodesignVoila.launch_instance

if __name__ == "__main__":
    main()
