#!/usr/bin/env python3
"""Reference volume-to-surface projections for @voxelwise/neuroimaging's volToSurf.

    python3 vol_to_surf.py write DIR   # writes a generated mesh (GIfTI and FreeSurfer), a 4-D
                                       # volume, a mask (NIfTI, gzipped) and DIR/expected.json:
                                       # the projection without and with the mask
    python3 vol_to_surf.py check       # exit 3 (reason on stderr) when nibabel/scipy are missing

nilearn is not packaged in Debian, so this is an independent numpy/scipy implementation of the
sampling rule of nilearn's `vol_to_surf` (nilearn/surface/surface.py::vol_to_surf with
_line_sample_locations, _vertex_outer_normals, _face_outer_normals, _masked_indices and
_interpolation_sampling) at the defaults of nilearn 0.10, which LITcoder's SurfaceProcessor uses
(GT-LIT-Lab/litcoder_core encoding/brain_projection/project.py):

    kind='line', radius=3 (mm), n_samples=10, interpolation='linear'

  - vertex normals: sum of the unit right-hand-rule normals of the faces around a vertex,
    normalised (a zero sum stays zero);
  - samples: vertex + normal * linspace(radius, -radius, n_samples), mapped to voxel space with
    inv(affine);
  - values: scipy RegularGridInterpolator(method='linear', bounds_error=False, fill_value=None)
    over the voxel grid, a sample outside [0, shape) on any axis (or in a zero mask voxel, at
    floor(position)) is NaN;
  - vertex value: np.nanmean over its samples (NaN when all are NaN).

Needs numpy, scipy and nibabel (Debian: apt-get install python3-nibabel python3-scipy). NaN is
written as the string "nan" (JSON has no NaN).
"""

import json
import os
import sys
import warnings

try:
    import numpy as np
    import nibabel as nib
    from nibabel import gifti
    from nibabel.freesurfer import io as fsio
    from scipy import interpolate, sparse
except ImportError as e:
    MISSING = f'{e}; install it with: apt-get install python3-nibabel python3-scipy'
else:
    MISSING = None

warnings.filterwarnings('ignore')

RADIUS = 3.0
N_SAMPLES = 10


def icosphere(subdivisions):
    t = (1 + 5 ** 0.5) / 2
    verts = [(-1, t, 0), (1, t, 0), (-1, -t, 0), (1, -t, 0), (0, -1, t), (0, 1, t),
             (0, -1, -t), (0, 1, -t), (t, 0, -1), (t, 0, 1), (-t, 0, -1), (-t, 0, 1)]
    faces = [(0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4),
             (11, 10, 2), (10, 7, 6), (7, 1, 8), (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8),
             (3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1)]
    verts = [np.array(v, dtype=np.float64) / np.linalg.norm(v) for v in verts]
    for _ in range(subdivisions):
        cache = {}
        new_faces = []

        def mid(a, b):
            key = (min(a, b), max(a, b))
            if key not in cache:
                m = verts[a] + verts[b]
                verts.append(m / np.linalg.norm(m))
                cache[key] = len(verts) - 1
            return cache[key]

        for a, b, c in faces:
            ab, bc, ca = mid(a, b), mid(b, c), mid(c, a)
            new_faces += [(a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca)]
        faces = new_faces
    return np.array(verts), np.array(faces, dtype=np.int32)


def vertex_outer_normals(vertices, faces):
    fv = vertices[faces]
    normals = np.cross(fv[:, 1, :] - fv[:, 0, :], fv[:, 2, :] - fv[:, 0, :])
    norm = np.linalg.norm(normals, axis=1)
    norm[norm == 0] = 1.0
    normals = normals / norm[:, None]
    n_faces = len(faces)
    n_vertices = len(vertices)
    incidence = sparse.csr_matrix(
        (np.ones(3 * n_faces), (faces.ravel(), np.repeat(np.arange(n_faces), 3))), (n_vertices, n_faces))
    vn = incidence.dot(normals)
    vnorm = np.linalg.norm(vn, axis=1)
    vnorm[vnorm == 0] = 1.0
    return vn / vnorm[:, None]


def line_sample_locations(vertices, faces, affine):
    offsets = np.linspace(RADIUS, -RADIUS, N_SAMPLES)
    normals = vertex_outer_normals(vertices, faces)
    locs = vertices[:, None, :] + normals[:, None, :] * offsets[None, :, None]
    flat = locs.reshape(-1, 3)
    inv = np.linalg.inv(affine)
    vox = flat @ inv[:3, :3].T + inv[:3, 3]
    return vox.reshape(len(vertices), N_SAMPLES, 3)


def project(frames, vertices, faces, affine, mask=None):
    locs = line_sample_locations(vertices, faces, affine)
    n_vertices, n_points, _ = locs.shape
    flat = locs.reshape(-1, 3)
    shape = frames[0].shape
    kept = (flat >= 0).all(axis=1)
    for d, size in enumerate(shape):
        kept &= flat[:, d] < size
    if mask is not None:
        idx = np.floor(flat[kept]).astype(int)
        kept[kept] = mask[idx[:, 0], idx[:, 1], idx[:, 2]] != 0
    grid = [np.arange(s) for s in shape]
    out = []
    for img in frames:
        interp = interpolate.RegularGridInterpolator(grid, img, bounds_error=False, method='linear', fill_value=None)
        samples = interp(flat)
        samples[~kept] = np.nan
        out.append(np.nanmean(samples.reshape(n_vertices, n_points), axis=1))
    return np.asarray(out)


def nums(a):
    return ['nan' if np.isnan(v) else float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def write(outdir):
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(15)
    unit, faces = icosphere(3)
    # An ellipsoid, squashed and shifted so that part of it leaves the volume (NaN vertices and
    # samples in the last, extrapolated cell).
    vertices = (unit * np.array([11.0, 15.0, 8.5]) + np.array([-4.6, 2.7, 8.0])).astype(np.float32)
    shape = (12, 14, 10, 3)
    c, s = np.cos(0.3), np.sin(0.3)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]) @ np.diag([2.5, 3.0, 2.0])
    affine = np.eye(4)
    affine[:3, :3] = rot
    affine[:3, 3] = [-12.0, -20.0, -8.0]
    ii, jj, kk = np.meshgrid(*[np.arange(n) for n in shape[:3]], indexing='ij')
    data = np.stack([np.sin(ii / 2.0 + t) + 0.1 * jj * jj - np.cos(kk / 3.0) * t for t in range(shape[3])], axis=-1)
    data = (data + rng.normal(0, 0.2, size=shape)).astype(np.float32)
    mask = (rng.random(shape[:3]) > 0.25).astype(np.uint8)
    nib.save(nib.Nifti1Image(data, affine), os.path.join(outdir, 'bold.nii.gz'))
    nib.save(nib.Nifti1Image(mask, affine), os.path.join(outdir, 'mask.nii.gz'))
    img = gifti.GiftiImage()
    img.add_gifti_data_array(gifti.GiftiDataArray(vertices, intent='NIFTI_INTENT_POINTSET', datatype='NIFTI_TYPE_FLOAT32'))
    img.add_gifti_data_array(gifti.GiftiDataArray(faces, intent='NIFTI_INTENT_TRIANGLE', datatype='NIFTI_TYPE_INT32'))
    nib.save(img, os.path.join(outdir, 'mesh.surf.gii'))
    fsio.write_geometry(os.path.join(outdir, 'lh.mesh'), vertices, faces)
    # Read back what the files hold (float32 coordinates and values), as the TypeScript side does.
    bold = nib.load(os.path.join(outdir, 'bold.nii.gz'))
    frames = np.rollaxis(np.asarray(bold.get_fdata()), -1)
    verts = nib.load(os.path.join(outdir, 'mesh.surf.gii')).darrays[0].data.astype(np.float64)
    plain = project(frames, verts, faces, bold.affine)
    masked = project(frames, verts, faces, bold.affine, mask=np.asarray(nib.load(os.path.join(outdir, 'mask.nii.gz')).dataobj))
    expected = {
        'radius': RADIUS,
        'n_samples': N_SAMPLES,
        'n_vertices': int(len(verts)),
        'n_frames': int(shape[3]),
        'normals': nums(vertex_outer_normals(verts, faces)),
        'locations': nums(line_sample_locations(verts, faces, bold.affine)),
        'plain': nums(plain),
        'masked': nums(masked),
    }
    with open(os.path.join(outdir, 'expected.json'), 'w') as f:
        json.dump(expected, f)


def main(argv):
    if MISSING:
        print(MISSING, file=sys.stderr)
        return 3
    if len(argv) >= 1 and argv[0] == 'check':
        return 0
    if len(argv) == 2 and argv[0] == 'write':
        write(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
