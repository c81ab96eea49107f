"""The rules for letting participant kernels go, without a server or a clock."""

from codesign.serving.kernels import Ledger


def ledger() -> Ledger:
    return Ledger(per_client=2, join_grace=90, away=600)


def test_a_page_that_never_connects_goes_after_the_grace_only() -> None:
    book = ledger()
    book.claim("k1", "phone", now=0)
    assert book.sweep({"k1": 0}, now=89) == {}
    assert book.sweep({"k1": 0}, now=90) == {"k1": "never joined"}


def test_a_connected_page_keeps_its_kernel_and_a_locked_phone_comes_back_to_it() -> None:
    book = ledger()
    book.claim("k1", "phone", now=0)
    assert book.sweep({"k1": 1}, now=1000) == {}
    assert book.sweep({"k1": 0}, now=1010) == {}  # locked: the websocket dropped
    assert book.sweep({"k1": 0}, now=1500) == {}
    assert book.sweep({"k1": 1}, now=1600) == {}  # unlocked before `away` ran out
    assert book.sweep({"k1": 0}, now=1700) == {}
    assert book.sweep({"k1": 0}, now=2300) == {"k1": "away too long"}


def test_a_reload_lets_the_old_kernel_go_once_its_page_has_gone() -> None:
    book = ledger()
    book.claim("old", "phone", now=0)
    assert book.sweep({"old": 1}, now=5) == {}
    book.claim("new", "phone", now=10)
    assert book.sweep({"old": 1, "new": 0}, now=11) == {}  # old page still connected
    assert book.sweep({"old": 0, "new": 1}, now=12) == {"old": "left behind by a newer page"}


def test_other_browsers_pages_are_not_reloads() -> None:
    book = ledger()
    book.claim("a", "phone-a", now=0)
    book.claim("b", "phone-b", now=10)
    assert book.sweep({"a": 0, "b": 0}, now=11) == {}


def test_one_browser_holds_at_most_its_cap_oldest_going_first() -> None:
    book = ledger()
    assert book.claim("k1", "script", now=0) == []
    assert book.claim("k2", "script", now=1) == []
    assert book.claim("k3", "script", now=2) == ["k1"]
    assert book.claim("other", "phone", now=3) == []


def test_kernels_shut_down_elsewhere_are_forgotten_and_pool_kernels_never_culled() -> None:
    book = ledger()
    book.claim("k1", "phone", now=0)
    assert book.sweep({"pool": 0}, now=10_000) == {}  # k1 gone (beacon); pool unclaimed
    assert book.in_use() == 0


def test_only_the_claiming_browser_owns_a_kernel() -> None:
    book = ledger()
    book.claim("k1", "phone", now=0)
    assert book.owns("phone", "k1")
    assert not book.owns("stranger", "k1") and not book.owns(None, "k1")
    assert not book.owns("phone", "k2")
