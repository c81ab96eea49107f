"""Which browser holds which participant kernel, and which kernels to let go.

Voilà starts a kernel for every page load (55–80 MB each) and, in 0.5.13, keeps it until
the server stops: the tab-close shutdown fails (voila#1458) and idle culling only knows
"idle for an hour". So a stranger's `GET /` held a kernel for an hour, and every reload
left one behind. This ledger records which browser (a cookie) claimed which kernel, and
its `sweep` picks the kernels nobody will come back to:

- **never joined**: the page's websocket never connected within `join_grace` seconds (a
  link preview, a crawler, `curl`); a real phone connects within seconds of the page;
- **left behind**: not connected while the same browser has claimed a newer kernel (a
  reload, a second visit from the QR code);
- **away**: joined once, then disconnected for `away` seconds (a phone locked through a
  break keeps its kernel until then).

`claim` also caps the kernels one browser may hold, and `in_use` lets the server refuse a
new page when the total cap is reached instead of starting a kernel it cannot afford.
Times are passed in, so the rules are tested without a clock or a server.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

JOIN_GRACE_SECONDS = 90.0  # > a burst's slowest page load here (about 50 s for 40 at once)
AWAY_SECONDS = 3600.0  # longer than a session's break, so a locked phone comes back to it
PER_CLIENT = 3  # a phone with a reload in flight and a second tab, never more
SWEEP_SECONDS = 10.0  # so a reload's old kernel goes within seconds, and the sweep stays cheap


@dataclass
class Claim:
    """One page load: its kernel, the browser that asked, and what became of its websocket."""

    kernel_id: str
    client: str
    at: float
    joined: bool = False
    away_since: float | None = None


@dataclass
class Ledger:
    per_client: int = PER_CLIENT
    join_grace: float = JOIN_GRACE_SECONDS
    away: float = AWAY_SECONDS
    claims: dict[str, Claim] = field(default_factory=dict)

    def claim(self, kernel_id: str, client: str, now: float) -> list[str]:
        """Record a page load; returns the browser's kernels over its cap, oldest first."""
        self.claims[kernel_id] = Claim(kernel_id, client, now)
        held = sorted((c for c in self.claims.values() if c.client == client), key=_age)
        return [c.kernel_id for c in held[: max(0, len(held) - self.per_client)]]

    def owns(self, client: str | None, kernel_id: str) -> bool:
        """Whether this browser claimed this kernel (only it may shut the kernel down)."""
        claim = self.claims.get(kernel_id)
        return claim is not None and client is not None and claim.client == client

    def in_use(self) -> int:
        return len(self.claims)

    def sweep(self, connections: Mapping[str, int], now: float) -> dict[str, str]:
        """Kernels to shut down, with the reason; forgets kernels no longer running.

        `connections` maps every running kernel to its open websockets (pool kernels
        included: they were never claimed, so they are never culled here).
        """
        for gone in self.claims.keys() - connections.keys():
            del self.claims[gone]
        newest: dict[str, float] = {}
        for claim in self.claims.values():
            newest[claim.client] = max(newest.get(claim.client, claim.at), claim.at)
        due: dict[str, str] = {}
        for claim in self.claims.values():
            if connections[claim.kernel_id] > 0:
                claim.joined, claim.away_since = True, None
            elif reason := self._reason(claim, newest[claim.client], now):
                due[claim.kernel_id] = reason
        return due

    def _reason(self, claim: Claim, newest: float, now: float) -> str:
        """Why an unconnected kernel should go now, or '' to keep it."""
        if newest > claim.at:
            return "left behind by a newer page"
        if not claim.joined:
            return "never joined" if now - claim.at >= self.join_grace else ""
        if claim.away_since is None:
            claim.away_since = now
        return "away too long" if now - claim.away_since >= self.away else ""


def _age(claim: Claim) -> float:
    return claim.at
