"""配准: the numpy rigid registration recovers a known rotation and shift of a synthetic volume, and the
voxel/patient geometry it rests on is right."""

from __future__ import annotations

import numpy as np
import pytest

from radix.viewer import registration as reg

#: a few blobs of different brightness, deliberately asymmetric so that every rotation shows
BLOBS = [  # centre (mm), radii (mm), value
    ((0, 0, 0), (38, 30, 26), 400.0),
    ((14, -6, 8), (10, 8, 12), 900.0),
    ((-18, 10, -6), (7, 12, 6), 1400.0),
    ((6, 18, -12), (5, 5, 9), 200.0),
    ((-8, -16, 14), (9, 4, 4), 1200.0),
]


def phantom(points: np.ndarray) -> np.ndarray:
    """Smooth-edged ellipsoids (a sigmoid of the ellipsoid radius), evaluated at patient points (N, 3)."""
    out = np.zeros(len(points))
    for centre, radii, value in BLOBS:
        r = np.sqrt((((points - np.array(centre)) / np.array(radii)) ** 2).sum(axis=1))
        out += value / (1 + np.exp((r - 1) * 12))
    return out


def grid(shape=(40, 48, 48), spacing=(2.5, 2.0, 2.0), origin=(-47.0, -47.0, -48.0)) -> reg.Volume:
    """An empty volume: ``shape`` (slices, rows, columns), ``spacing`` (slice, row, column) in mm."""
    affine = np.eye(4)
    affine[0, 0], affine[1, 1], affine[2, 2] = spacing[2], spacing[1], spacing[0]
    affine[:3, 3] = origin
    return reg.Volume(np.zeros(shape, dtype=np.float32), affine)


def test_trilinear_sampling_and_downsampling_keep_patient_coordinates():
    v = grid(shape=(8, 10, 12), spacing=(3.0, 2.0, 1.0), origin=(5.0, -4.0, 10.0))
    k, j, i = np.meshgrid(*(np.arange(n) for n in v.shape), indexing="ij")
    v.data = (i * 1.0 + j * 10.0 + k * 100.0).astype(np.float32)  # linear in the index: exact under trilinear
    values, inside = reg.sample(v, np.array([[5.5, -4.0, 10.0], [5.0 + 3.25, -4.0 + 5.0, 10.0 + 7.5], [0.0, 0.0, 0.0]]))
    assert inside.tolist() == [True, True, False]
    assert values[0] == pytest.approx(0.5) and values[1] == pytest.approx(3.25 + 25 + 250)
    half = v.downsampled([2, 2, 2])
    assert half.shape == (4, 5, 6)
    # a block's mean sits at the block's centre
    back, ok = reg.sample(v, half.points())
    assert ok.all() and np.allclose(back, half.data.ravel(), atol=1e-4)


def test_rigid_matrices_compose_and_invert():
    m = reg.rigid([5, -3, 2, 10, -20, 30], centre=[10, 20, 30])
    assert reg.is_rigid(m)
    assert np.allclose(reg.invert_rigid(m) @ m, np.eye(4), atol=1e-9)
    assert np.allclose(m @ [10, 20, 30, 1], [15, 17, 32, 1])  # the centre only moves by the translation


@pytest.mark.parametrize("metric", ["ncc", "mi"])
def test_a_shifted_and_rotated_copy_is_registered_back(metric):
    fixed = grid()
    fixed.data = phantom(fixed.points()).reshape(fixed.shape).astype(np.float32)
    truth = reg.rigid([7.0, -5.0, 4.0, 6.0, -4.0, 10.0], centre=fixed.centre())
    # what the moving series shows at x is what the fixed one shows at truth · x
    moving = grid(origin=(-44.0, -50.0, -45.0))
    points = moving.points()
    moved = points @ truth[:3, :3].T + truth[:3, 3]
    values = phantom(moved)
    if metric == "mi":  # another "modality": brightness inverted and rescaled
        values = 3000 - 1.7 * values
    moving.data = values.reshape(moving.shape).astype(np.float32)

    result = reg.register(fixed, moving, metric=metric)
    assert reg.is_rigid(result.matrix)
    # compare where the two transforms send points throughout the object
    probe = np.array([[0, 0, 0], [30, 0, 0], [0, 25, 0], [0, 0, 20], [-20, -20, 15]], dtype=float)
    found = probe @ result.matrix[:3, :3].T + result.matrix[:3, 3]
    expected = probe @ truth[:3, :3].T + truth[:3, 3]
    error = np.linalg.norm(found - expected, axis=1)
    assert error.max() < 1.5, (metric, error, result.params)
    angle = np.degrees(np.arccos(np.clip((np.trace(result.matrix[:3, :3].T @ truth[:3, :3]) - 1) / 2, -1, 1)))
    assert angle < (1.0 if metric == "ncc" else 1.5), (metric, angle)  # MI's histogram is coarser than NCC
    # the series as stored correlate far worse than the registered ones
    stored = reg.ncc(fixed.data.ravel().astype(float), reg.sample(moving, fixed.points())[0])
    aligned = reg.sample(moving, fixed.points() @ reg.invert_rigid(result.matrix)[:3, :3].T + reg.invert_rigid(result.matrix)[:3, 3])[0]
    assert abs(reg.ncc(fixed.data.ravel().astype(float), aligned)) > 0.97 > abs(stored) + 0.1


def test_volume_from_slices_sorts_along_the_normal():
    slices = [(np.array([0.0, 0.0, z]), np.full((4, 5), z, dtype=np.float32)) for z in (10.0, 0.0, 5.0)]
    v = reg.volume_from_slices(slices, [1, 0, 0, 0, 1, 0], [0.5, 0.25])
    assert v.shape == (3, 4, 5)
    assert v.data[:, 0, 0].tolist() == [0.0, 5.0, 10.0]
    assert np.allclose(v.affine @ [4, 3, 2, 1], [1.0, 1.5, 10.0, 1])
