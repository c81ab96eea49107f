"""Weighted k-means and the silhouette, against hand cases and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import silhouette_score

from codesign.methods.kmeans import best_of, first_distinct, kmeans, silhouette

BLOBS = np.array([[0.0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]])


def test_two_blobs_from_poor_starts() -> None:
    found = kmeans(BLOBS, BLOBS[:2])
    assert found.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert found.centres == pytest.approx(np.array([[1 / 3, 1 / 3], [31 / 3, 31 / 3]]))


def test_weights_pull_the_centre() -> None:
    points = np.array([[0.0, 0], [3, 0]])
    found = kmeans(points, np.array([[1.0, 0]]), np.array([2.0, 1.0]))
    assert found.centres == pytest.approx(np.array([[1.0, 0.0]]))


def test_a_centre_left_without_members_is_dropped() -> None:
    found = kmeans(BLOBS, np.array([[0.0, 0], [10, 10], [100, 100]]))
    assert len(found.centres) == 2
    assert set(found.labels.tolist()) == {0, 1}


def test_first_distinct_keeps_row_order() -> None:
    points = np.array([[1.0, 1], [1, 1], [0, 0], [2, 2]])
    assert first_distinct(points, 2).tolist() == [[1, 1], [0, 0]]


def test_silhouette_matches_scikit_learn_without_singletons() -> None:
    labels = np.array([0, 0, 1, 1, 1, 0])
    assert silhouette(BLOBS, labels) == pytest.approx(silhouette_score(BLOBS, labels))


def test_a_point_alone_scores_zero() -> None:
    points = np.array([[0.0, 0], [0, 1], [5, 5]])
    labels = np.array([0, 0, 1])
    others = silhouette_score(points, labels) * 3  # scikit-learn also gives a singleton 0
    assert silhouette(points, labels) == pytest.approx(others / 3)


def test_best_of_is_the_same_every_time_and_finds_the_blobs() -> None:
    weights = np.ones(len(BLOBS))
    first, second = best_of(BLOBS, weights, 2), best_of(BLOBS, weights, 2)
    assert first.labels.tolist() == second.labels.tolist()
    assert len(set(first.labels[:3])) == len(set(first.labels[3:])) == 1
