"""Opinion groups found from how people vote, by Pol.is's published method.

Facilitators who know Pol.is compare codesign's groups with the ones Pol.is shows, so
this follows Pol.is's math (compdemocracy/polis `docs/pca.md` and
`math/src/polismath/math/` conversation.clj, pca.clj, clusters.clj) rather than a
textbook variant of it:

1. **Votes matrix.** One row per voter, one column per voted statement: agree 1,
   disagree -1, pass 0, not voted missing. A statement moderated out (in codesign:
   hidden, or held for review) keeps its column but every cell becomes 0, as Pol.is
   zeroes moderated-out columns, so it counts as "seen, no view" for everyone.
2. **Who is in the conversation.** Voters with at least 7 votes, or with a vote on
   every statement when there are fewer than 7 (`joined`). Everyone else is placed on
   the map but left out of the groups (`unclustered`), as the docs promise. Pol.is's
   code also lets in the most active voters up to 15 while fewer qualify, and anyone
   who had voted on every statement while there were fewer than 7; codesign does
   neither, so a voter with one to six votes is never put in a group.
3. **PCA to two components** of the matrix with missing cells filled by the
   statement's mean vote, over every voter.
4. **Sparsity-aware projection.** A voter's position sums only the statements they
   voted on, then is scaled by sqrt(statements / votes cast), so someone who voted on
   a fifth of the statements is not pulled into the middle for having said little.
5. **Base clusters.** k-means of the voters in the conversation into 100 clusters
   (fewer when there are fewer distinct positions), started from the first distinct
   positions.
6. **Groups.** The base clusters, weighted by their size, are clustered by k-means
   for every k from 2 to min(5, 2 + base clusters / 12); each k is scored by the
   silhouette of the base clusters.
7. **A stable k.** Pol.is recomputes as votes arrive and only changes k once a new k
   has had the best silhouette 4 updates in a row. codesign computes once, so it
   replays the conversation: the votes in the order they were cast, recomputed at 10
   checkpoints, with the same rule. The answer says which k won and why (`KChoice`).

Measured against the groups Pol.is published for two public conversations, this
reproduces them better than a plain PCA + k-means (benchmarks/bench_opinion_groups.py).
Where Pol.is keeps state between updates (the previous clusters as starting points),
codesign starts each k-means from a fixed-seed k-means++ draw instead, so the same
votes always give the same groups.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from math import ceil

import numpy as np
from threadpoolctl import threadpool_limits

from codesign.methods.agreement import latest_votes
from codesign.methods.kmeans import Clusters, best_of, first_distinct, kmeans, silhouette

Vote = tuple[str, str, int]  # participant, statement, value: agree 1, disagree -1, pass 0

MIN_VOTES = 7
BASE_CLUSTERS = 100
MAX_GROUPS = 5
CHECKPOINTS = 10
K_BUFFER = 4
FLAT = 1e-9  # a component this much weaker than the first has no spread: rounding only


@dataclass(frozen=True)
class VoteMatrix:
    """Latest votes; rows and columns in the order each voter and statement first appeared."""

    participants: list[str]
    statements: list[str]
    values: np.ndarray  # NaN where a participant did not vote


@dataclass(frozen=True)
class Pca:
    center: np.ndarray  # mean vote per statement, missing votes filled by that mean
    components: np.ndarray  # 2 × statements


@dataclass(frozen=True)
class Checkpoint:
    """One recomputation while replaying: how many votes it saw and how each k scored."""

    votes: int
    silhouettes: dict[int, float]
    best: int | None  # the k with the best silhouette here (None: too few to group)
    k: int | None  # the k in force after this checkpoint, once smoothed


@dataclass(frozen=True)
class KChoice:
    """The number of groups and the replay that chose it."""

    k: int
    checkpoints: list[Checkpoint]

    @property
    def reason(self) -> str:
        """The choice in a sentence a facilitator can repeat to the room."""
        last = self.checkpoints[-1]
        scores = ", ".join(f"k = {k}: {s:.2f}" for k, s in sorted(last.silhouettes.items()))
        total = len(self.checkpoints)
        if last.best == self.k:
            return (
                f"{self.k} groups: the best silhouette at the last {self._leading(self.k)} of"
                f" {total} checkpoints as the votes came in (now {scores}). As in Pol.is,"
                f" another number of groups must be best at {K_BUFFER} checkpoints in a row"
                " to replace it."
            )
        return (
            f"{self.k} groups kept: {last.best} groups has had the best silhouette at only"
            f" the last {self._leading(last.best)} of {total} checkpoints (now {scores}); as"
            f" in Pol.is, it must be best at {K_BUFFER} checkpoints in a row to replace"
            f" {self.k}."
        )

    def _leading(self, k: int | None) -> int:
        """How many checkpoints, counting back from the last, had `k` as their best."""
        run = 0
        for checkpoint in reversed(self.checkpoints):
            if checkpoint.best != k:
                break
            run += 1
        return run


@dataclass(frozen=True)
class OpinionMap:
    """Groups (largest first), every voter's position, who was left out, and why this k."""

    groups: list[list[str]]
    positions: dict[str, tuple[float, float]]
    unclustered: list[str]
    silhouette: float | None
    choice: KChoice | None
    extremity: dict[str, float]  # per statement: Pol.is's "comment extremity"


@dataclass(frozen=True)
class _Snapshot:
    """Everything one computation found, before k is chosen."""

    in_conversation: np.ndarray  # row numbers
    positions: np.ndarray  # every row's position
    base: Clusters  # of the rows in the conversation
    groupings: dict[int, np.ndarray]  # k → group of each base cluster
    silhouettes: dict[int, float]
    extremity: np.ndarray  # per column


def opinion_groups(votes: Iterable[Vote], excluded: Collection[str] = ()) -> list[list[str]]:
    """Lists of participant keys, one per opinion group, largest first."""
    return opinion_map(votes, excluded).groups


def opinion_map(
    votes: Iterable[Vote],
    excluded: Collection[str] = (),
    *,
    min_votes: int = MIN_VOTES,
    max_groups: int = MAX_GROUPS,
    checkpoints: int = CHECKPOINTS,
) -> OpinionMap:
    """Opinion groups of `votes` (in the order they were cast), with the reasons for k.

    `excluded` names statements moderated out: their columns are zeroed, as in Pol.is.
    """
    ordered = list(votes)
    matrix = vote_matrix(ordered)
    if not matrix.participants:
        return OpinionMap([], {}, [], None, None, {})
    moderated = np.array([s in set(excluded) for s in matrix.statements], dtype=bool)
    with threadpool_limits(1):  # small matrices: one BLAS thread beats several sharing 2 cores
        replay = [
            (
                stage.votes,
                _snapshot(
                    stage.values, stage.members, moderated[: stage.values.shape[1]], max_groups
                ),
            )
            for stage in _growing(
                Cast.of(ordered, matrix), matrix.values.shape, checkpoints, min_votes
            )
        ]
    return _answer(matrix, replay)


def as_mapping(groups: list[list[str]]) -> dict[str, str]:
    """participant → "opinion group N" (1-based), for `agreement.statement_stats`."""
    return {p: group_name(n) for n, members in enumerate(groups) for p in members}


def group_name(index: int) -> str:
    """The name shown for the group at 0-based `index` (groups are numbered largest first)."""
    return f"opinion group {index + 1}"


def vote_matrix(votes: Sequence[Vote]) -> VoteMatrix:
    """Latest votes as a dense matrix, rows and columns in order of first appearance."""
    participants = list(dict.fromkeys(p for p, _, _ in votes))
    statements = list(dict.fromkeys(s for _, s, _ in votes))
    row = {p: i for i, p in enumerate(participants)}
    column = {s: j for j, s in enumerate(statements)}
    values = np.full((len(participants), len(statements)), np.nan)
    for (participant, statement), value in latest_votes(votes).items():
        values[row[participant], column[statement]] = value
    return VoteMatrix(participants, statements, values)


@dataclass(frozen=True)
class Cast:
    """Every vote as row, column and value arrays, in the order cast (rows and columns
    numbered by first appearance, as in `vote_matrix`)."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, votes: Sequence[Vote], matrix: VoteMatrix) -> Cast:
        row = {p: i for i, p in enumerate(matrix.participants)}
        column = {s: j for j, s in enumerate(matrix.statements)}
        return cls(
            np.array([row[p] for p, _, _ in votes], dtype=int),
            np.array([column[s] for _, s, _ in votes], dtype=int),
            np.array([v for _, _, v in votes], dtype=float),
        )


def joined(cast: Cast, min_votes: int = MIN_VOTES) -> np.ndarray:
    """For each row, the position of the vote that brought them into the conversation.

    A voter joins on the vote that makes min(7, statements in the conversation)
    distinct statements they have voted on; rows that never join get len(votes). The
    threshold counts every statement of the conversation, not those there so far, and
    nobody is let in to make up numbers, so whoever is grouped has the votes to show for
    it (Pol.is's code admits early and most-active voters too; see the module notes).
    """
    total = len(cast.rows)
    cells = cast.rows * (cast.columns.max(initial=0) + 1) + cast.columns
    fresh = _firsts(cells)  # a changed vote is not a new one
    statements = len(np.unique(cast.columns))
    order = np.argsort(cast.rows, kind="stable")
    running = np.cumsum(fresh[order])
    starts = np.searchsorted(cast.rows[order], cast.rows[order])  # first vote of the same row
    per_voter = np.empty(total, dtype=int)
    per_voter[order] = running - running[starts] + fresh[order][starts]
    enough = fresh & (per_voter >= min(min_votes, statements))
    when = np.full(cast.rows.max(initial=-1) + 1, total)
    np.minimum.at(when, cast.rows[enough], np.flatnonzero(enough))
    return when


def _firsts(keys: np.ndarray) -> np.ndarray:
    """True where a key appears for the first time."""
    marks = np.zeros(len(keys), dtype=bool)
    marks[np.unique(keys, return_index=True)[1]] = True
    return marks


def pca(values: np.ndarray) -> Pca:
    """Two principal components of the matrix with each missing vote set to its column mean.

    They are the top two eigenvectors of the statements × statements scatter matrix, the
    directions an SVD of the whole matrix gives at a third of its cost: a replay computes
    ten, and on a conversation of 300 statements they were its largest single cost. A
    direction the votes do not spread along at all stays zero rather than arbitrary.
    """
    center = np.nanmean(values, axis=0)
    centred = np.where(np.isnan(values), 0.0, values - center)
    strengths, vectors = np.linalg.eigh(centred.T @ centred)  # in ascending order
    spread = strengths > FLAT * strengths.max(initial=0.0)
    top = np.flatnonzero(spread)[::-1][: min(2, *values.shape)]
    components = np.zeros((2, values.shape[1]))
    components[: len(top)] = vectors[:, top].T
    largest = components[np.arange(2), np.abs(components).argmax(axis=1)]
    return Pca(center, components * np.where(largest < 0, -1.0, 1.0)[:, None])


def project(values: np.ndarray, fit: Pca | None = None) -> np.ndarray:
    """Each row's sparsity-aware position: cast votes only, scaled by sqrt(columns / votes)."""
    fit = fit or pca(values)
    voted = ~np.isnan(values)
    raw = np.where(voted, values - fit.center, 0.0) @ fit.components.T
    scale = np.sqrt(values.shape[1] / np.maximum(voted.sum(axis=1), 1))
    return raw * scale[:, None]


def extremity(fit: Pca) -> np.ndarray:
    """Pol.is's comment extremity: how far one agree vote on a statement alone moves a voter.

    It is the length of the sparsity-aware projection of a voter whose only vote is
    agreement with that statement, so statements that separate the groups score high.
    """
    statements = fit.components.shape[1]
    return np.sqrt(statements) * np.abs(1 - fit.center) * np.linalg.norm(fit.components, axis=0)


@dataclass(frozen=True)
class _Stage:
    """The conversation as it stood at one checkpoint."""

    votes: int
    values: np.ndarray  # the first rows and columns of the final matrix
    members: np.ndarray  # rows in the conversation


def _growing(
    cast: Cast, shape: tuple[int, int], checkpoints: int, min_votes: int
) -> Iterable[_Stage]:
    """The votes matrix and its members at each checkpoint, ending with every vote."""
    grid = np.full(shape, np.nan)
    admitted = joined(cast, min_votes)
    rows_seen = np.maximum.accumulate(cast.rows) + 1
    columns_seen = np.maximum.accumulate(cast.columns) + 1
    done = 0
    for end in sorted({ceil(len(cast.rows) * n / checkpoints) for n in range(1, checkpoints + 1)}):
        latest = _lasts(cast.rows[done:end] * shape[1] + cast.columns[done:end]) + done
        grid[cast.rows[latest], cast.columns[latest]] = cast.values[latest]
        done = end
        values = grid[: rows_seen[end - 1], : columns_seen[end - 1]].copy()
        yield _Stage(end, values, np.flatnonzero(admitted < end))


def _lasts(keys: np.ndarray) -> np.ndarray:
    """Positions of the last appearance of each key (a later vote replaces an earlier one)."""
    return len(keys) - 1 - np.unique(keys[::-1], return_index=True)[1]


def _snapshot(
    values: np.ndarray, chosen: np.ndarray, moderated: np.ndarray, max_groups: int
) -> _Snapshot:
    """One Pol.is computation: positions, base clusters, and a grouping for each k."""
    rated = np.where(moderated[None, :], 0.0, values)
    fit = pca(rated)
    positions = project(rated, fit)
    points = positions[chosen]
    base = kmeans(points, first_distinct(points, BASE_CLUSTERS))
    weights = np.bincount(base.labels).astype(float)
    groupings: dict[int, np.ndarray] = {}
    silhouettes: dict[int, float] = {}
    for k in range(2, min(max_groups, 2 + len(base.centres) // 12) + 1):
        found = best_of(base.centres, weights, k)
        if len(found.centres) == k:
            groupings[k] = found.labels
            silhouettes[k] = silhouette(base.centres, found.labels)
    return _Snapshot(chosen, positions, base, groupings, silhouettes, extremity(fit))


def smooth(scored: Iterable[tuple[int, dict[int, float]]]) -> list[Checkpoint]:
    """Pol.is's k smoother over (votes seen, silhouette per k) checkpoints.

    The first checkpoint able to group sets k; after that a different k takes over only
    once it has had the best silhouette at `K_BUFFER` checkpoints in a row. A tie goes
    to the smaller k.
    """
    found: list[Checkpoint] = []
    k: int | None = None
    leader: int | None = None
    run = 0
    for seen, scores in scored:
        best = max(sorted(scores), key=scores.__getitem__) if scores else None
        run = run + 1 if best == leader else 1
        leader = best
        if best is not None and (k is None or run >= K_BUFFER):
            k = best
        found.append(Checkpoint(seen, dict(scores), best, k))
    return found


def _answer(matrix: VoteMatrix, replay: list[tuple[int, _Snapshot]]) -> OpinionMap:
    """The final checkpoint's groups for the smoothed k (one group when none is possible)."""
    final = replay[-1][1]
    history = smooth((seen, snapshot.silhouettes) for seen, snapshot in replay)
    k = history[-1].k if history[-1].k in final.groupings else history[-1].best
    members = [matrix.participants[i] for i in final.in_conversation]
    if k is None:
        labels = np.zeros(len(members), dtype=int)
    else:
        labels = final.groupings[k][final.base.labels]
    groups = [
        sorted(m for m, g in zip(members, labels, strict=True) if g == n) for n in set(labels)
    ]
    groups.sort(key=lambda g: (-len(g), g))
    return OpinionMap(
        groups=groups,
        positions={
            p: (float(x), float(y))
            for p, (x, y) in zip(matrix.participants, final.positions, strict=True)
        },
        unclustered=sorted(set(matrix.participants) - set(members)),
        silhouette=final.silhouettes.get(k) if k is not None else None,
        choice=KChoice(k, history) if k is not None else None,
        extremity=dict(zip(matrix.statements, final.extremity.tolist(), strict=True)),
    )
