"""Contributions' sentence vectors, computed once and kept in the database.

Encoding is the slow part of clustering by meaning (tens of milliseconds per proposal
on two cores), so a contribution is encoded the first time it is clustered and its
vector stored in `contribution_embeddings`, keyed by the model and a hash of the exact
text encoded: an edit or a new model makes the stored vector stale, never wrong.
Re-clustering after a facilitator's edit then reads vectors instead of encoding.

What is encoded is `for_clustering(text)`: the text with identifying details blanked
out, the same text the labels are built from, so a phone number can neither become a
keyword nor pull two unrelated notes together.

Encoding happens on the facilitator's side (a notebook or the CLI), never in a
participant's kernel, which must stay light. The review dashboard is read-only, so
`read_only` encodes what is missing without storing it.
"""

import hashlib
from collections.abc import Sequence
from contextlib import suppress
from functools import lru_cache

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from codesign.methods import embedding
from codesign.safety import redact
from codesign.store import Store
from codesign.store.models import ContributionEmbedding

Item = tuple[int, str]
"""A contribution id and the text to encode for it."""
CHUNK = 500  # ids per IN (…) list, well inside SQLite's limit on bound parameters


def for_clustering(text: str) -> str:
    """The text with identifying details (phone numbers, emails, postcodes …) blanked out."""
    return redact.redact(text, lambda _kind: " ")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[Item]) -> list[Sequence[Item]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def lookup(db: Session, items: Sequence[Item]) -> dict[int, np.ndarray]:
    """The stored vectors that are still current for these items, by contribution id."""
    model = embedding.model_name()
    found: dict[int, np.ndarray] = {}
    for chunk in _chunks(items):
        wanted = {cid: _digest(text) for cid, text in chunk}
        rows = db.execute(
            select(
                ContributionEmbedding.contribution_id,
                ContributionEmbedding.text_hash,
                ContributionEmbedding.vector,
            ).where(
                ContributionEmbedding.model == model,
                ContributionEmbedding.contribution_id.in_(wanted),
            )
        )
        for cid, digest, blob in rows:
            if wanted[cid] == digest:
                found[cid] = np.frombuffer(blob, dtype="<f4")
    return found


def _save(db: Session, items: Sequence[Item], rows: np.ndarray) -> None:
    """Replace any stale vectors of these contributions with the fresh ones."""
    model = embedding.model_name()
    for start, chunk in zip(range(0, len(items), CHUNK), _chunks(items), strict=True):
        ids = [cid for cid, _ in chunk]
        db.execute(
            delete(ContributionEmbedding).where(
                ContributionEmbedding.model == model,
                ContributionEmbedding.contribution_id.in_(ids),
            )
        )
        db.execute(
            insert(ContributionEmbedding),
            [
                {
                    "contribution_id": cid,
                    "model": model,
                    "text_hash": _digest(text),
                    "vector": rows[start + i].astype("<f4").tobytes(),
                }
                for i, (cid, text) in enumerate(chunk)
            ],
        )


def _complete(
    found: dict[int, np.ndarray], missing: list[Item], fresh: np.ndarray, items: Sequence[Item]
) -> np.ndarray:
    found.update({cid: row for (cid, _), row in zip(missing, fresh, strict=True)})
    if not items:
        return np.zeros((0, embedding.DIMENSIONS), np.float32)
    return np.stack([found[cid] for cid, _ in items])


def vectors(
    store: Store, items: Sequence[Item], progress: embedding.Progress | None = None
) -> np.ndarray:
    """One row per item, in order: stored vectors reused, the others encoded and stored.

    Encoding runs outside any transaction; the new vectors are written in one short one.
    Another facilitator's run storing the same vectors meanwhile is harmless.
    """
    with store.reading() as db:
        found = lookup(db, items)
    missing = [item for item in items if item[0] not in found]
    fresh = embedding.encode([text for _, text in missing], progress)
    if missing:
        with suppress(IntegrityError):  # a concurrent run stored them first: the same vectors
            store.write(lambda db: _save(db, missing, fresh))
    return _complete(found, missing, fresh, items)


def read_only(db: Session, items: Sequence[Item]) -> np.ndarray:
    """One row per item, in order: stored vectors where current, the rest encoded, not stored."""
    found = lookup(db, items)
    missing = [item for item in items if item[0] not in found]
    return _complete(found, missing, _encoded(tuple(text for _, text in missing)), items)


@lru_cache(maxsize=16)
def _encoded(texts: tuple[str, ...]) -> np.ndarray:
    """A review reads an unclustered session several times (report, charts, exports):
    encode its texts once per process."""
    return embedding.encode(texts)
