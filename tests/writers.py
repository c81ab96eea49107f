"""Writer processes for the concurrency and crash tests (importable by spawned children)."""

import sys

from codesign.access import ADMIN
from codesign.workshop import contributions


def write_many(url: str, session_id: int, writer: int, count: int) -> list[str]:
    """Submit `count` contributions; return any error messages a participant would have seen."""
    errors = []
    for n in range(count):
        try:
            contributions.submit(
                session_id, None, f"writer {writer} note {n}", client_id=f"w{writer}-{n}",
                actor=ADMIN, url=url,
            )  # fmt: skip
        except Exception as exc:  # the test asserts none reach a user
            errors.append(f"{type(exc).__name__}: {exc}")
    return errors


def acknowledge_forever(url: str, session_id: int) -> None:
    """Submit until killed, printing each id only after its transaction has committed."""
    n = 0
    while True:
        c = contributions.submit(
            session_id, None, f"crash test {n}", client_id=f"k-{n}", actor=ADMIN, url=url
        )
        print(c.id, flush=True)
        n += 1


if __name__ == "__main__":
    acknowledge_forever(sys.argv[1], int(sys.argv[2]))
