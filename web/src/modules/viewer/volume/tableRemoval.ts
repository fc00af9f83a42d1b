/**
 * 一键去床 (table removal), pure: on a CT volume (x fastest, then y, then z; values in HU) the patient
 * is the largest 3D connected body of voxels above ``threshold``; everything else above the threshold
 * (the table, the head rest, cables) is set to ``fill``. Air and lungs, below the threshold, are kept.
 *
 * Before labelling, the mask is eroded in plane by ``erode`` voxels so that a thin contact between the
 * body and the table (a cushion, a strap) does not join them. The largest eroded body (with the pieces
 * the erosion split off right next to it) is the patient's core; the other eroded bodies, grown back,
 * are walls; the patient is every voxel above the threshold the core reaches without crossing a wall.
 * Limitation: a part of the patient separated from the trunk by air in every slice (an arm beside the
 * body) is a body of its own and is removed too; a table thinner than twice the erosion and touching
 * the patient stays.
 */
export type Dims = [number, number, number]

export interface TableRemovalOptions {
  threshold?: number
  /** in-plane erosion radius, in voxels (or blocks) */
  erode?: number
  fill?: number
  /** work on blocks of ``block``×``block`` voxels in plane (default: 2 for slices of 256² and more) */
  block?: number
}

export interface TableRemovalResult<T> {
  data: T
  removed: number
  kept: number
}

type Numeric = ArrayLike<number> & { length: number }

/** Square in-plane erosion (``min``) or dilation (``max``) of a 0/1 mask, separable, radius ``r``. */
export function morph2d(mask: Uint8Array, dims: Dims, r: number, op: 'erode' | 'dilate'): Uint8Array {
  if (r <= 0) return mask.slice()
  const [nx, ny, nz] = dims
  const tmp = new Uint8Array(mask.length)
  const out = new Uint8Array(mask.length)
  const want = op === 'erode' ? 0 : 1 // the value that spreads
  const plane = nx * ny
  for (let z = 0; z < nz; z++) {
    const base = z * plane
    for (let y = 0; y < ny; y++) {
      const row = base + y * nx
      // along x: distance to the nearest ``want`` value, in two sweeps
      let last = -Infinity
      for (let x = 0; x < nx; x++) {
        if (mask[row + x] === want) last = x
        tmp[row + x] = x - last <= r ? want : 1 - want
      }
      last = Infinity
      for (let x = nx - 1; x >= 0; x--) {
        if (mask[row + x] === want) last = x
        if (last - x <= r) tmp[row + x] = want
      }
      // outside the image counts as background for the erosion
      if (op === 'erode') for (let x = 0; x < Math.min(r, nx); x++) tmp[row + x] = tmp[row + nx - 1 - x] = 0
    }
    for (let x = 0; x < nx; x++) {
      let last = -Infinity
      for (let y = 0; y < ny; y++) {
        const i = base + y * nx + x
        if (tmp[i] === want) last = y
        out[i] = y - last <= r ? want : 1 - want
      }
      last = Infinity
      for (let y = ny - 1; y >= 0; y--) {
        const i = base + y * nx + x
        if (tmp[i] === want) last = y
        if (last - y <= r) out[i] = want
      }
      if (op === 'erode') for (let y = 0; y < Math.min(r, ny); y++) out[base + y * nx + x] = out[base + (ny - 1 - y) * nx + x] = 0
    }
  }
  return out
}

/** A FIFO of voxel indices that grows as needed. */
class IndexQueue {
  private buf = new Int32Array(1 << 16)
  private head = 0
  private tail = 0
  private size = 0
  push(i: number): void {
    if (this.size === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2)
      for (let k = 0; k < this.size; k++) next[k] = this.buf[(this.head + k) % this.buf.length]
      this.buf = next
      this.head = 0
      this.tail = this.size
    }
    this.buf[this.tail] = i
    this.tail = (this.tail + 1) % this.buf.length
    this.size++
  }
  shift(): number {
    const i = this.buf[this.head]
    this.head = (this.head + 1) % this.buf.length
    this.size--
    return i
  }
  get length(): number {
    return this.size
  }
}

/** Flood fill (6-connected) from ``seed`` over ``mask``; marks ``into`` with ``mark``; returns the size. */
function flood(mask: Uint8Array, dims: Dims, seed: number, into: Uint8Array, mark: number): number {
  const [nx, ny, nz] = dims
  const plane = nx * ny
  const q = new IndexQueue()
  into[seed] = mark
  q.push(seed)
  let count = 0
  while (q.length) {
    const i = q.shift()
    count++
    const x = i % nx
    const y = ((i - x) / nx) % ny
    const z = (i - x - y * nx) / plane
    let j = i - 1
    if (x > 0 && mask[j] && into[j] === 0) { into[j] = mark; q.push(j) }
    j = i + 1
    if (x < nx - 1 && mask[j] && into[j] === 0) { into[j] = mark; q.push(j) }
    j = i - nx
    if (y > 0 && mask[j] && into[j] === 0) { into[j] = mark; q.push(j) }
    j = i + nx
    if (y < ny - 1 && mask[j] && into[j] === 0) { into[j] = mark; q.push(j) }
    j = i - plane
    if (z > 0 && mask[j] && into[j] === 0) { into[j] = mark; q.push(j) }
    j = i + plane
    if (z < nz - 1 && mask[j] && into[j] === 0) { into[j] = mark; q.push(j) }
  }
  return count
}

/** The largest 6-connected component of a 0/1 mask, as a 0/1 mask (all zero when the mask is empty). */
export function largestComponent(mask: Uint8Array, dims: Dims): Uint8Array {
  const seen = new Uint8Array(mask.length)
  let best = -1
  let bestSize = 0
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || seen[i]) continue
    const size = flood(mask, dims, i, seen, 1)
    if (size > bestSize) {
      bestSize = size
      best = i
    }
  }
  const out = new Uint8Array(mask.length)
  if (best >= 0) flood(mask, dims, best, out, 1)
  return out
}

/** The in-plane ``f``×``f`` blocks of a 0/1 mask: 1 where any voxel of the block is 1. */
export function shrink2d(mask: Uint8Array, dims: Dims, f: number): { mask: Uint8Array; dims: Dims } {
  const [nx, ny, nz] = dims
  const mx = Math.ceil(nx / f)
  const my = Math.ceil(ny / f)
  const out = new Uint8Array(mx * my * nz)
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const src = (z * ny + y) * nx
      const dst = (z * my + Math.floor(y / f)) * mx
      for (let x = 0; x < nx; x++) if (mask[src + x]) out[dst + Math.floor(x / f)] = 1
    }
  }
  return { mask: out, dims: [mx, my, nz] }
}

function patientMask(above: Uint8Array, dims: Dims, r: number): Uint8Array {
  const n = above.length
  const eroded = morph2d(above, dims, r, 'erode')
  const core = largestComponent(eroded, dims)
  if (!core.some((v) => v)) return largestComponent(above, dims) // all thinner than the erosion
  // parts of the body the erosion cut off (a thin wall beside a lung) lie right next to the core: they
  // join it; the table, below a gap, does not
  const near = morph2d(core, dims, 2 * r + 2, 'dilate')
  for (let i = 0; i < n; i++) if (eroded[i] && !core[i] && near[i]) flood(eroded, dims, i, core, 1)
  // the other solid bodies (the table…), grown back to their size, are walls; the patient is what the
  // core reaches inside the mask without crossing them (thin edges of the body come back, a strap
  // to the table stops at the table)
  const allowed = morph2d(eroded.map((v, i) => (v && !core[i] ? 1 : 0)), dims, r, 'dilate')
  for (let i = 0; i < n; i++) allowed[i] = above[i] && (core[i] || !allowed[i]) ? 1 : 0
  const body = new Uint8Array(n)
  for (let i = 0; i < n; i++) if (core[i] && !body[i]) flood(allowed, dims, i, body, 1)
  return body
}

/**
 * 1 where the patient is (see the module comment). Large slices are worked on in 2×2 blocks (four
 * times faster; ``erode`` is then in blocks; a block is set when any of its voxels is) and the result is
 * brought back to full resolution, limited to the voxels above the threshold.
 */
export function bodyMask(data: Numeric, dims: Dims, options: TableRemovalOptions = {}): { above: Uint8Array; body: Uint8Array } {
  const threshold = options.threshold ?? -500
  const n = dims[0] * dims[1] * dims[2]
  if (data.length < n) throw new Error(`volume has ${data.length} voxels, expected ${n}`)
  const above = new Uint8Array(n)
  for (let i = 0; i < n; i++) above[i] = data[i] > threshold ? 1 : 0
  const f = options.block ?? (dims[0] * dims[1] >= 256 * 256 ? 2 : 1)
  const r = Math.max(0, Math.round(options.erode ?? (f > 1 ? 1 : 2)))
  if (f <= 1) return { above, body: patientMask(above, dims, r) }
  const small = shrink2d(above, dims, f)
  const grown = patientMask(small.mask, small.dims, r)
  const [nx, ny, nz] = dims
  const [mx, my] = small.dims
  const body = new Uint8Array(n)
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const dst = (z * ny + y) * nx
      const src = (z * my + Math.floor(y / f)) * mx
      for (let x = 0; x < nx; x++) body[dst + x] = above[dst + x] & grown[src + Math.floor(x / f)]
    }
  }
  return { above, body }
}

/**
 * A copy of ``data`` with everything above the threshold that is not the patient set to ``fill``
 * (default: the volume's minimum, the air of the scan).
 */
export function removeTable<T extends Numeric & { slice(): T }>(data: T, dims: Dims, options: TableRemovalOptions = {}): TableRemovalResult<T> {
  const { above, body } = bodyMask(data, dims, options)
  let fill = options.fill
  if (fill === undefined) {
    fill = Infinity
    for (let i = 0; i < data.length; i++) if (data[i] < fill) fill = data[i]
  }
  const out = data.slice() as T & { [i: number]: number }
  let removed = 0
  let kept = 0
  for (let i = 0; i < above.length; i++) {
    if (!above[i]) continue
    if (body[i]) kept++
    else {
      out[i] = fill
      removed++
    }
  }
  return { data: out, removed, kept }
}
