"""配准 (manual 2 §3.1.31): automatic rigid registration of two series, and the user's saved results.

The algorithm is numpy only. Each series becomes a :class:`Volume` (voxels plus the affine from voxel
index to patient millimetres, from Image Position / Orientation and Pixel Spacing), downsampled while
it is read so that a 200-slice CT never sits in memory at full resolution. The transform searched for
maps the moving series' patient coordinates onto the fixed series' (``x_fixed = T · x_moving``):
rotations about the fixed volume's centre, then a translation. It maximises normalized cross-correlation
(same modality) or mutual information (across modalities) of the fixed voxels against the moving volume
sampled trilinearly at ``T⁻¹ · x``, with a coarse-to-fine pattern search (halving steps per level).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: the finest grid searched (voxels along the longest side)
FINE_DIM = 56
#: at least this share of the fixed grid must fall inside the moving volume
MIN_OVERLAP = 0.15
#: fixed voxels compared per evaluation
MAX_POINTS = 16000


@dataclass
class Volume:
    """Voxels ``data[k, j, i]`` (slice, row, column) and the 4×4 affine from ``(i, j, k, 1)`` to patient mm."""

    data: np.ndarray
    affine: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.data.shape  # type: ignore[return-value]

    def centre(self) -> np.ndarray:
        k, j, i = (np.array(self.data.shape) - 1) / 2
        return (self.affine @ np.array([i, j, k, 1.0]))[:3]

    def points(self) -> np.ndarray:
        """The patient coordinates of every voxel, (N, 3), in ``data.ravel()`` order."""
        k, j, i = np.meshgrid(*(np.arange(n, dtype=np.float64) for n in self.data.shape), indexing="ij")
        index = np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
        return (self.affine @ index)[:3].T

    def spacing(self) -> np.ndarray:
        return np.linalg.norm(self.affine[:3, :3], axis=0)

    def downsampled(self, factors: Sequence[int]) -> Volume:
        """Block means of ``factors`` = (column, row, slice) voxels; the affine points at block centres."""
        fi, fj, fk = (max(1, int(f)) for f in factors)
        k, j, i = self.data.shape
        fi, fj, fk = min(fi, i), min(fj, j), min(fk, k)
        kk, jj, ii = (k // fk) * fk, (j // fj) * fj, (i // fi) * fi
        block = self.data[:kk, :jj, :ii].reshape(kk // fk, fk, jj // fj, fj, ii // fi, fi).mean(axis=(1, 3, 5))
        scale = np.diag([fi, fj, fk, 1.0])
        scale[:3, 3] = [(fi - 1) / 2, (fj - 1) / 2, (fk - 1) / 2]
        return Volume(block.astype(np.float32), self.affine @ scale)


def volume_from_slices(slices: Sequence[tuple[np.ndarray, np.ndarray]], orientation: Sequence[float],
                       pixel_spacing: Sequence[float]) -> Volume:
    """A volume from ``(position, pixels)`` pairs of parallel slices (any order; sorted along the normal)."""
    row = np.asarray(orientation[:3], dtype=np.float64)
    col = np.asarray(orientation[3:6], dtype=np.float64)
    normal = np.cross(row, col)
    ordered = sorted(slices, key=lambda s: float(np.dot(s[0], normal)))
    positions = np.array([s[0] for s in ordered], dtype=np.float64)
    data = np.stack([s[1] for s in ordered]).astype(np.float32)
    step = (positions[-1] - positions[0]) / (len(positions) - 1) if len(positions) > 1 else normal
    affine = np.eye(4)
    affine[:3, 0] = row * float(pixel_spacing[1])
    affine[:3, 1] = col * float(pixel_spacing[0])
    affine[:3, 2] = step
    affine[:3, 3] = positions[0]
    return Volume(data, affine)


def sample(volume: Volume, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trilinear values of ``volume`` at patient ``points`` (N, 3), and which points fall inside it."""
    inverse = np.linalg.inv(volume.affine)
    idx = points @ inverse[:3, :3].T + inverse[:3, 3]
    nk, nj, ni = volume.data.shape
    i, j, k = idx[:, 0], idx[:, 1], idx[:, 2]
    inside = (i >= 0) & (i <= ni - 1) & (j >= 0) & (j <= nj - 1) & (k >= 0) & (k <= nk - 1)
    i0 = np.clip(np.floor(i).astype(np.int64), 0, max(ni - 2, 0))
    j0 = np.clip(np.floor(j).astype(np.int64), 0, max(nj - 2, 0))
    k0 = np.clip(np.floor(k).astype(np.int64), 0, max(nk - 2, 0))
    di, dj, dk = np.clip(i - i0, 0, 1), np.clip(j - j0, 0, 1), np.clip(k - k0, 0, 1)
    i1, j1, k1 = np.minimum(i0 + 1, ni - 1), np.minimum(j0 + 1, nj - 1), np.minimum(k0 + 1, nk - 1)
    flat = volume.data.ravel()

    def at(kk: np.ndarray, jj: np.ndarray, ii: np.ndarray) -> np.ndarray:
        return flat[(kk * nj + jj) * ni + ii]

    c00 = at(k0, j0, i0) * (1 - di) + at(k0, j0, i1) * di
    c01 = at(k0, j1, i0) * (1 - di) + at(k0, j1, i1) * di
    c10 = at(k1, j0, i0) * (1 - di) + at(k1, j0, i1) * di
    c11 = at(k1, j1, i0) * (1 - di) + at(k1, j1, i1) * di
    values = (c00 * (1 - dj) + c01 * dj) * (1 - dk) + (c10 * (1 - dj) + c11 * dj) * dk
    return values, inside


# --- transforms ------------------------------------------------------------------------------------


def rotation(rx: float, ry: float, rz: float) -> np.ndarray:
    """R = Rz · Ry · Rx, angles in degrees."""
    ax, ay, az = (math.radians(a) for a in (rx, ry, rz))
    cx, sx, cy, sy, cz, sz = math.cos(ax), math.sin(ax), math.cos(ay), math.sin(ay), math.cos(az), math.sin(az)
    rot_x = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    rot_y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rot_z = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rot_z @ rot_y @ rot_x


def rigid(params: Sequence[float], centre: Sequence[float]) -> np.ndarray:
    """The 4×4 of ``params`` = (tx, ty, tz mm, rx, ry, rz degrees): rotate about ``centre``, then translate."""
    tx, ty, tz, rx, ry, rz = params
    r = rotation(rx, ry, rz)
    c = np.asarray(centre, dtype=np.float64)
    m = np.eye(4)
    m[:3, :3] = r
    m[:3, 3] = c - r @ c + np.array([tx, ty, tz])
    return m


def invert_rigid(m: np.ndarray) -> np.ndarray:
    out = np.eye(4)
    out[:3, :3] = m[:3, :3].T
    out[:3, 3] = -m[:3, :3].T @ m[:3, 3]
    return out


def is_rigid(m: np.ndarray, tolerance: float = 1e-3) -> bool:
    r = m[:3, :3]
    return bool(np.allclose(r @ r.T, np.eye(3), atol=tolerance) and abs(np.linalg.det(r) - 1) < tolerance
                and np.allclose(m[3], [0, 0, 0, 1], atol=tolerance))


# --- metrics ---------------------------------------------------------------------------------------


def ncc(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    # elementwise sums, not np.dot: BLAS threads cost more than they save on a few thousand values
    denominator = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    return float((a * b).sum()) / denominator if denominator > 0 else 0.0


def mutual_information(a: np.ndarray, b: np.ndarray, bins: int = 32,
                       ranges: tuple[tuple[float, float], tuple[float, float]] | None = None) -> float:
    """Mutual information with a linearly interpolated (partial volume) joint histogram: each pair adds
    to the four bins around it, so the score changes smoothly as the transform does."""

    def position(x: np.ndarray, span: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = span if span is not None else (float(x.min()), float(x.max()))
        if hi <= lo:
            return np.zeros(x.shape, dtype=np.int64), np.zeros(x.shape)
        u = np.clip((x - lo) / (hi - lo), 0, 1) * (bins - 1)
        i = np.minimum(u.astype(np.int64), bins - 2)
        return i, u - i

    ia, wa = position(a, ranges[0] if ranges else None)
    ib, wb = position(b, ranges[1] if ranges else None)
    joint = np.zeros(bins * bins)
    for da, fa in ((0, 1 - wa), (1, wa)):
        for db, fb in ((0, 1 - wb), (1, wb)):
            joint += np.bincount((ia + da) * bins + ib + db, weights=fa * fb, minlength=bins * bins)
    joint = joint.reshape(bins, bins) / joint.sum()
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    nz = joint > 0
    return float((joint[nz] * np.log(joint[nz] / (pa[:, None] * pb[None, :])[nz])).sum())


METRICS: dict[str, Callable[..., float]] = {
    "ncc": lambda a, b, ranges: ncc(a, b),
    "mi": lambda a, b, ranges: mutual_information(a, b, ranges=ranges),
}


# --- search ----------------------------------------------------------------------------------------


@dataclass
class Result:
    matrix: np.ndarray
    params: list[float]
    score: float
    metric: str
    evaluations: int = 0
    levels: list[dict[str, float]] = field(default_factory=list)


def _factors(volume: Volume, target: float) -> list[int]:
    """Downsampling factors (column, row, slice) giving voxels of about ``target`` mm."""
    return [max(1, int(round(target / s))) if s > 0 else 1 for s in volume.spacing()]


def _centre_of_mass(volume: Volume) -> np.ndarray:
    weights = volume.data.ravel().astype(np.float64)
    weights = np.clip(weights - np.percentile(weights, 50), 0, None)
    if weights.sum() <= 0:
        return volume.centre()
    return (volume.points() * weights[:, None]).sum(axis=0) / weights.sum()


def register(fixed: Volume, moving: Volume, *, metric: str = "ncc", initial: Sequence[float] | None = None,
             fine_dim: int = FINE_DIM) -> Result:
    """Rigid transform (moving → fixed patient coordinates) that best aligns ``moving`` onto ``fixed``."""
    if metric not in METRICS:
        raise ValueError(metric)
    score_of = METRICS[metric]
    centre = fixed.centre()
    extent = max(float(np.max(np.array(fixed.data.shape[::-1]) * fixed.spacing())), 1.0)
    finest = extent / fine_dim
    levels = [finest * 4, finest * 2, finest]
    if initial is not None:
        params = [float(v) for v in initial]
    else:
        # start from the better of "as stored" and "centres of mass on each other"
        params = [0.0] * 6
        shift = _centre_of_mass(fixed) - _centre_of_mass(moving)
        coarse = _level(fixed, moving, levels[0])
        if _evaluate(coarse, [*shift, 0, 0, 0], centre, score_of) > _evaluate(coarse, params, centre, score_of):
            params = [*map(float, shift), 0.0, 0.0, 0.0]
    evaluations = 0
    trace = []
    score = -math.inf
    for n, voxel in enumerate(levels):
        grid = _level(fixed, moving, voxel)
        step_t = voxel * (2.0 if n == 0 else 1.0)
        step_r = 4.0 if n == 0 else 2.0 / n
        min_t, min_r = voxel / 8, 0.1
        score = _evaluate(grid, params, centre, score_of)
        evaluations += 1
        while step_t >= min_t or step_r >= min_r:
            improved = False
            for p in range(6):
                step = step_t if p < 3 else step_r
                if (p < 3 and step_t < min_t) or (p >= 3 and step_r < min_r):
                    continue
                for sign in (1.0, -1.0):
                    trial = list(params)
                    trial[p] += sign * step
                    value = _evaluate(grid, trial, centre, score_of)
                    evaluations += 1
                    if value > score + 1e-9:
                        params, score, improved = trial, value, True
                        break
            if not improved:
                step_t /= 2
                step_r /= 2
        trace.append({"voxelMm": round(voxel, 3), "score": round(score, 6)})
    return Result(rigid(params, centre), params, score, metric, evaluations, trace)


@dataclass
class _Grid:
    points: np.ndarray
    values: np.ndarray
    moving: Volume
    #: intensity ranges of the fixed and the moving volume (fixed histogram bins for MI)
    ranges: tuple[tuple[float, float], tuple[float, float]]


def _level(fixed: Volume, moving: Volume, voxel: float) -> _Grid:
    f = fixed.downsampled(_factors(fixed, voxel))
    m = moving.downsampled(_factors(moving, voxel))
    points, values = f.points(), f.data.ravel().astype(np.float64)
    if len(values) > MAX_POINTS:  # a fixed random subset (the same every run) is as good and far cheaper
        keep = np.sort(np.random.default_rng(0).choice(len(values), MAX_POINTS, replace=False))
        points, values = points[keep], values[keep]
    ranges = ((float(values.min()), float(values.max())), (float(m.data.min()), float(m.data.max())))
    return _Grid(points, values, m, ranges)


def _evaluate(grid: _Grid, params: Sequence[float], centre: np.ndarray, score_of: Callable[..., float]) -> float:
    back = invert_rigid(rigid(params, centre))
    where = grid.points @ back[:3, :3].T + back[:3, 3]
    values, inside = sample(grid.moving, where)
    if inside.mean() < MIN_OVERLAP:
        return -1.0 - (1 - float(inside.mean()))  # worse than any real score: pull back into overlap
    return score_of(grid.values[inside], values[inside], grid.ranges)


# --- reading series from the archive ---------------------------------------------------------------


def _float_list(value: object) -> list[float] | None:
    if value is None:
        return None
    try:
        return [float(v) for v in value]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None


def read_volume(raws: Callable[[], list[bytes]] | list[bytes], *, target_voxel_mm: float | None = None,
                fine_dim: int = FINE_DIM) -> Volume:
    """A series' Part 10 files as a downsampled :class:`Volume` (rescaled to modality values).

    Raises ``ValueError`` with a Chinese message when the images are not one volume.
    """
    import io

    import pydicom

    files = raws() if callable(raws) else raws
    if len(files) < 3:
        raise ValueError("配准需要至少 3 张连续断层的序列")
    slices: list[tuple[np.ndarray, np.ndarray]] = []
    orientation = spacing = None
    factor: int | None = None
    for raw in files:
        ds = pydicom.dcmread(io.BytesIO(raw))
        iop, ipp, ps = _float_list(ds.get("ImageOrientationPatient")), _float_list(ds.get("ImagePositionPatient")), \
            _float_list(ds.get("PixelSpacing"))
        if not (iop and len(iop) == 6 and ipp and len(ipp) == 3 and ps and len(ps) == 2):
            raise ValueError("序列缺少图像位置、方向或像素间距，不能配准")
        if int(ds.get("NumberOfFrames", 1) or 1) != 1:
            raise ValueError("多帧影像暂不支持配准")
        if orientation is None:
            orientation, spacing = iop, ps
            extent = max(int(ds.Rows) * ps[0], int(ds.Columns) * ps[1])
            voxel = target_voxel_mm or extent / fine_dim
            factor = max(1, int(round(voxel / min(ps))))
        elif any(abs(a - b) > 1e-3 for a, b in zip(iop, orientation, strict=True)):
            raise ValueError("序列中图像方向不一致，不能配准")
        try:
            pixels = ds.pixel_array.astype(np.float32)
        except Exception as exc:  # compressed without a decoder, broken pixel data
            raise ValueError(f"影像像素无法解码：{exc}") from None
        if pixels.ndim != 2:
            raise ValueError("仅支持灰度单帧影像配准")
        pixels = pixels * float(ds.get("RescaleSlope", 1) or 1) + float(ds.get("RescaleIntercept", 0) or 0)
        assert factor is not None
        h, w = (pixels.shape[0] // factor) * factor, (pixels.shape[1] // factor) * factor
        pixels = pixels[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))
        slices.append((np.asarray(ipp, dtype=np.float64), pixels))
    if len({s[1].shape for s in slices}) != 1:
        raise ValueError("序列中图像尺寸不一致，不能配准")
    assert orientation is not None and spacing is not None and factor is not None
    volume = volume_from_slices(slices, orientation, spacing)
    # the in-plane block means: voxels ``factor`` pixels wide, centred (factor-1)/2 pixels in
    volume.affine = _scaled(volume.affine, factor)
    # and slices in groups, so the slice spacing is not far finer than the in-plane one
    k_factor = max(1, int(round(float(volume.spacing()[0]) / max(float(volume.spacing()[2]), 1e-6))))
    return volume.downsampled([1, 1, k_factor]) if k_factor > 1 and volume.shape[0] >= 2 * k_factor else volume


def _scaled(affine: np.ndarray, factor: int) -> np.ndarray:
    """The affine of in-plane blocks of ``factor`` pixels, built from the full-resolution one."""
    out = affine.copy()
    out[:3, 0] = affine[:3, 0] * factor
    out[:3, 1] = affine[:3, 1] * factor
    out[:3, 3] = affine[:3, 3] + (affine[:3, 0] + affine[:3, 1]) * (factor - 1) / 2
    return out


def matrix_json(m: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in np.asarray(m, dtype=np.float64).ravel()]


def matrix_from(values: Sequence[float]) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(4, 4)




# --- the archive and the user's saved results --------------------------------------------------------

#: images of a series read for registration (every one is decoded, then downsampled)
MAX_IMAGES = 1500


def series_volume(session: Session, *, study_uid: str, series_uid: str) -> Volume:
    import sqlalchemy as sa

    from radix.core.errors import Invalid
    from radix.core.storage import blobs
    from radix.imaging.models import Instance
    from radix.viewer import series_ops

    study = series_ops.study_or_404(session, study_uid)
    series = series_ops.series_or_404(session, study, series_uid)
    keys = list(session.scalars(sa.select(Instance.blob_key).where(Instance.series_ref == series.id)
                                .limit(MAX_IMAGES + 1)))
    if len(keys) > MAX_IMAGES:
        raise Invalid(f"序列超过 {MAX_IMAGES} 张，不能配准", code="REGISTRATION_TOO_LARGE")
    storage = blobs()
    try:
        return read_volume(lambda: [storage.get(k) for k in keys])
    except ValueError as exc:
        raise Invalid(str(exc), code="REGISTRATION_NOT_VOLUME") from None


def auto_register(session: Session, *, study_uid: str, fixed_series_uid: str, moving_series_uid: str,
                  moving_study_uid: str | None, metric: str, initial: Sequence[float] | None) -> Result:
    fixed = series_volume(session, study_uid=study_uid, series_uid=fixed_series_uid)
    moving = series_volume(session, study_uid=moving_study_uid or study_uid, series_uid=moving_series_uid)
    start = None
    if initial is not None:
        # a matrix → the parameters about the fixed centre (rotation as Rz·Ry·Rx)
        start = params_of(matrix_from(initial), fixed.centre())
    return register(fixed, moving, metric=metric, initial=start)


def params_of(m: np.ndarray, centre: Sequence[float]) -> list[float]:
    """(tx, ty, tz, rx, ry, rz) of a rigid matrix for rotations about ``centre`` (inverse of :func:`rigid`)."""
    r = m[:3, :3]
    ry = math.degrees(math.asin(max(-1.0, min(1.0, -r[2, 0]))))
    if abs(r[2, 0]) < 0.999999:
        rx = math.degrees(math.atan2(r[2, 1], r[2, 2]))
        rz = math.degrees(math.atan2(r[1, 0], r[0, 0]))
    else:  # gimbal lock: put it all in rz
        rx = 0.0
        rz = math.degrees(math.atan2(-r[0, 1], r[1, 1]))
    c = np.asarray(centre, dtype=np.float64)
    t = m[:3, 3] - (c - r @ c)
    return [float(t[0]), float(t[1]), float(t[2]), rx, ry, rz]


def _saved(session: Session, account_id: int, fixed: str, moving: str):  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from radix.viewer.models import ViewerRegistration

    return session.scalar(sa.select(ViewerRegistration).where(
        ViewerRegistration.account_id == account_id, ViewerRegistration.fixed_series_uid == fixed,
        ViewerRegistration.moving_series_uid == moving))


def save(session: Session, *, account_id: int, study_uid: str, fixed_series_uid: str, moving_series_uid: str,
         matrix: Sequence[float], method: str, metric: str | None, score: float | None):  # type: ignore[no-untyped-def]
    from radix.core.db import utcnow
    from radix.viewer import series_ops
    from radix.viewer.models import ViewerRegistration

    series_ops.study_or_404(session, study_uid)
    row = _saved(session, account_id, fixed_series_uid, moving_series_uid)
    if row is None:
        row = ViewerRegistration(account_id=account_id, study_uid=study_uid, fixed_series_uid=fixed_series_uid,
                                 moving_series_uid=moving_series_uid, matrix=list(matrix), method=method,
                                 metric=metric, score=score)
        session.add(row)
    else:
        row.study_uid, row.matrix, row.method, row.metric, row.score = study_uid, list(matrix), method, metric, score
        row.updated_at = utcnow()  # saved again: the last result, even when it did not change
    session.flush()
    return row


def last(session: Session, *, account_id: int, fixed_series_uid: str | None = None,
         moving_series_uid: str | None = None, study_uid: str | None = None, limit: int = 50) -> list:  # type: ignore[type-arg]
    """The user's saved registrations, the most recently saved first."""
    import sqlalchemy as sa

    from radix.viewer.models import ViewerRegistration as R

    stmt = sa.select(R).where(R.account_id == account_id)
    if fixed_series_uid:
        stmt = stmt.where(R.fixed_series_uid == fixed_series_uid)
    if moving_series_uid:
        stmt = stmt.where(R.moving_series_uid == moving_series_uid)
    if study_uid:
        stmt = stmt.where(R.study_uid == study_uid)
    when = sa.func.coalesce(R.updated_at, R.created_at)
    return list(session.scalars(stmt.order_by(when.desc(), R.id.desc()).limit(limit)))


def clear(session: Session, *, account_id: int, fixed_series_uid: str, moving_series_uid: str) -> int:
    row = _saved(session, account_id, fixed_series_uid, moving_series_uid)
    if row is None:
        return 0
    session.delete(row)
    session.flush()
    return 1
