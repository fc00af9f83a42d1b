/**
 * The voxels of a Cornerstone volume, once it is loaded: its geometry and a typed array of its values
 * (HU for CT: Cornerstone applies the rescale), x fastest. Also a derived volume of edited voxels
 * (VR cuts, table removal) made from them.
 */
import { core } from '../cs'
import type { Geometry } from './cut'
import type { Vec3 } from './cprMath'

export interface VolumeVoxels {
  volume: any
  geometry: Geometry
  data: Int16Array | Uint16Array | Float32Array | Uint8Array | Int8Array
}

/** Resolves when every image of the volume is in (or rejects after ``timeoutMs``). */
export async function whenLoaded(volume: any, timeoutMs = 180000): Promise<void> {
  const start = Date.now()
  while (volume?.loadStatus && !volume.loadStatus.loaded) {
    if (Date.now() - start > timeoutMs) throw new Error('volume not loaded in time')
    await new Promise((r) => setTimeout(r, 200))
  }
}

export function geometryOf(volume: any): Geometry {
  return {
    dims: [...volume.dimensions] as [number, number, number],
    spacing: [...volume.spacing] as Vec3,
    origin: [...volume.origin] as Vec3,
    direction: Array.from(volume.direction as ArrayLike<number>),
  }
}

export async function voxelsOf(volumeId: string): Promise<VolumeVoxels> {
  const volume: any = core.cache.getVolume(volumeId)
  if (!volume) throw new Error(`volume ${volumeId} is not in the cache`)
  await whenLoaded(volume)
  const data = volume.voxelManager.getCompleteScalarDataArray()
  return { volume, geometry: geometryOf(volume), data }
}

let serial = 0

/** Edited volumes' ids (``derived:`` keeps Cornerstone from loading their slices through an image loader). */
export const EDITED_PREFIX = 'derived:radixEdited:'

export function isEdited(volumeId: string | null | undefined): boolean {
  return !!volumeId && volumeId.startsWith(EDITED_PREFIX)
}

/** A volume of edited voxels with the geometry of ``source`` (cached; remove it with ``dropVolume``). */
export function derivedVolume(source: any, data: VolumeVoxels['data']): string {
  const id = `${EDITED_PREFIX}${++serial}`
  core.volumeLoader.createLocalVolume(id, {
    metadata: source.metadata,
    dimensions: [...source.dimensions] as any,
    spacing: [...source.spacing] as any,
    origin: [...source.origin] as any,
    direction: source.direction,
    scalarData: data as any,
  } as any)
  return id
}

export function dropVolume(volumeId: string | null): void {
  if (!volumeId) return
  const volume: any = core.cache.getVolume(volumeId)
  if (!volume) return
  const imageIds: string[] = volume.imageIds ?? []
  try {
    core.cache.removeVolumeLoadObject(volumeId)
  } catch {
    /* already gone */
  }
  for (const id of imageIds) {
    try {
      if (core.cache.getImageLoadObject(id)) core.cache.removeImageLoadObject(id, { force: true } as any)
    } catch {
      /* already gone */
    }
  }
}
