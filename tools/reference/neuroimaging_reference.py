#!/usr/bin/env python3
"""Reference files and readings for @voxelwise/neuroimaging, made with nibabel.

    python3 neuroimaging_reference.py write DIR     # writes small NIfTI-1/-2, GIfTI and FreeSurfer
                                                    # files into DIR and DIR/expected.json: what
                                                    # nibabel reads back from each
    python3 neuroimaging_reference.py check          # exit 3 (reason on stderr) when nibabel is missing
    python3 neuroimaging_reference.py read FILE...  # prints the same JSON for FILEs (files written
                                                    # by the TypeScript writers)

Needs nibabel and numpy (Debian: apt-get install python3-nibabel). Non-finite numbers are written
as the strings "nan", "inf", "-inf" (JSON has no NaN). Volume data are flattened in Fortran order
(x fastest, as NIfTI stores them); GIfTI data in C order of darray.data.
"""

import base64
import gzip
import json
import os
import re
import struct
import sys

import warnings

try:
    import numpy as np
    import nibabel as nib
    from nibabel import gifti
    from nibabel.freesurfer import io as fsio
    from nibabel.openers import ImageOpener
except ImportError as e:  # reported by `check` (exit 3) so the tests can skip with the reason
    MISSING = f'{e}; install it with: apt-get install python3-nibabel'
else:
    MISSING = None

warnings.filterwarnings('ignore')


def num(v):
    v = float(v)
    if np.isnan(v):
        return 'nan'
    if np.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def nums(a):
    return [num(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def mat(m):
    return None if m is None else [[num(v) for v in row] for row in np.asarray(m, dtype=np.float64)]


def nifti_json(path):
    img = nib.load(path)
    # img.header has scl_slope/scl_inter reset to NaN on load (nibabel keeps the scaling in
    # img.dataobj): read the header as stored.
    with ImageOpener(path) as f:
        h = img.header_class.from_fileobj(f)
    version = 2 if isinstance(img, nib.Nifti2Image) else 1
    qform, _ = h.get_qform(coded=True)
    sform, _ = h.get_sform(coded=True)
    slope, inter = h.get_slope_inter()
    return {
        'kind': 'nifti',
        'version': version,
        'little_endian': h.endianness == '<',
        'shape': [int(d) for d in img.shape],
        'dim': [int(d) for d in h['dim']],
        'pixdim': nums(h['pixdim']),
        'datatype': int(h['datatype']),
        'bitpix': int(h['bitpix']),
        'vox_offset': num(h['vox_offset']),
        'scl_slope': num(h['scl_slope']),
        'scl_inter': num(h['scl_inter']),
        'slope_inter': None if slope is None else [num(slope), num(inter)],
        'qform_code': int(h['qform_code']),
        'sform_code': int(h['sform_code']),
        'quatern': nums([h['quatern_b'], h['quatern_c'], h['quatern_d']]),
        'qoffset': nums([h['qoffset_x'], h['qoffset_y'], h['qoffset_z']]),
        'srow': [nums(h['srow_x']), nums(h['srow_y']), nums(h['srow_z'])],
        'xyzt_units': int(h['xyzt_units']),
        'intent_code': int(h['intent_code']),
        'dim_info': int(h['dim_info']),
        'descrip': h['descrip'].tobytes().rstrip(b'\0').decode('latin-1'),
        'affine': mat(img.affine),
        'qform': mat(qform),
        'qform_any': mat(h.get_qform()),
        'sform': mat(sform),
        'raw': nums(np.asarray(img.dataobj.get_unscaled()).ravel(order='F')),
        'fdata': nums(img.get_fdata().ravel(order='F')),
    }


def gifti_json(path):
    img = nib.load(path)
    labels = []
    for lab in img.labeltable.labels:
        labels.append({'key': int(lab.key), 'label': lab.label,
                       'rgba': None if lab.red is None else nums([lab.red, lab.green, lab.blue, lab.alpha])})
    darrays = []
    for d in img.darrays:
        cs = d.coordsys
        coordsys = None
        if cs is not None and cs.xform is not None:
            coordsys = {'dataspace': nib.nifti1.xform_codes.niistring[cs.dataspace],
                        'xformspace': nib.nifti1.xform_codes.niistring[cs.xformspace], 'xform': mat(cs.xform)}
        darrays.append({
            'intent': nib.nifti1.intent_codes.niistring[d.intent],
            'datatype': nib.nifti1.data_type_codes.niistring[d.datatype],
            'dims': [int(x) for x in d.dims],
            'encoding': nib.gifti.util.gifti_encoding_codes.specs[d.encoding],
            'meta': dict(d.meta),
            'coordsys': coordsys,
            'data': nums(np.asarray(d.data).ravel(order='C')),
        })
    return {'kind': 'gifti', 'meta': dict(img.meta), 'labels': labels, 'darrays': darrays}


def freesurfer_json(path):
    with open(path, 'rb') as f:
        magic = f.read(3)
    if magic == b'\xff\xff\xfe':
        coords, faces, _meta, stamp = fsio.read_geometry(path, read_metadata=True, read_stamp=True)
        return {'kind': 'surface', 'coords': nums(coords.ravel()), 'faces': [int(v) for v in faces.ravel()], 'created_by': stamp}
    return {'kind': 'morph', 'values': nums(fsio.read_morph_data(path))}


def read_json(path):
    name = os.path.basename(path)
    if name.endswith('.nii') or name.endswith('.nii.gz'):
        return nifti_json(path)
    if name.endswith('.gii'):
        return gifti_json(path)
    return freesurfer_json(path)


def rotation(ax, ay, az):
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def affine_of(rot, zooms, offset):
    a = np.eye(4)
    a[:3, :3] = rot @ np.diag(zooms)
    a[:3, 3] = offset
    return a


def patch_scaling(path, slope, inter, gz):
    """Stores scl_slope / scl_inter directly (nibabel recomputes them on save)."""
    raw = open(path, 'rb').read()
    if gz:
        raw = gzip.decompress(raw)
    raw = bytearray(raw)
    version2 = struct.unpack('<i', raw[:4])[0] == 540 or struct.unpack('>i', raw[:4])[0] == 540
    end = '<' if struct.unpack('<i', raw[:4])[0] in (348, 540) else '>'
    if version2:
        raw[176:192] = struct.pack(end + 'dd', slope, inter)
    else:
        raw[112:120] = struct.pack(end + 'ff', slope, inter)
    data = gzip.compress(bytes(raw), mtime=0) if gz else bytes(raw)
    open(path, 'wb').write(data)


def write_all(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(15)
    files = []

    def save(img, name):
        nib.save(img, os.path.join(out, name))
        files.append(name)

    rot = rotation(0.1, -0.2, 0.3)
    aff_rot = affine_of(rot, [2.0, 2.5, 3.0], [-90.0, 126.5, -72.25])

    # NIfTI-1 float32 4-D, saved with an affine: sform (aligned) + qform fields with code 0.
    img = nib.Nifti1Image(rng.standard_normal((3, 4, 5, 2)).astype(np.float32), aff_rot)
    img.header.set_xyzt_units('mm', 'sec')
    img.header['pixdim'][4] = 1.5
    save(img, 'n1_f32_4d.nii')
    save(nib.Nifti1Image(rng.standard_normal((4, 3, 2)).astype(np.float32), aff_rot), 'n1_f32.nii.gz')

    # int16 with scaling stored in the header.
    save(nib.Nifti1Image(rng.integers(-300, 300, (4, 3, 2)).astype(np.int16), aff_rot), 'n1_i16_scaled.nii')
    patch_scaling(os.path.join(out, 'n1_i16_scaled.nii'), 0.5, 10.0, False)
    save(nib.Nifti1Image(rng.integers(-300, 300, (3, 3, 3)).astype(np.int16), aff_rot), 'n1_i16_scaled_odd.nii.gz')
    patch_scaling(os.path.join(out, 'n1_i16_scaled_odd.nii.gz'), 0.1, -3.3, True)

    # qform only (code 1), left-handed (qfac -1), uint8.
    hdr = nib.Nifti1Header()
    left = affine_of(rotation(0.05, 0.0, -0.4), [1.5, 1.5, 2.0], [10.0, -20.0, 30.0]) @ np.diag([1, 1, -1, 1])
    hdr.set_qform(left, code=1)
    hdr.set_sform(None, code=0)
    hdr.set_data_dtype(np.uint8)
    save(nib.Nifti1Image(rng.integers(0, 255, (5, 4, 3)).astype(np.uint8), None, hdr), 'n1_u8_qform.nii')

    # Neither sform nor qform: the fallback affine.
    hdr = nib.Nifti1Header()
    hdr.set_data_shape((3, 2, 2))
    hdr.set_zooms((2.0, 3.0, 4.0))
    hdr.set_data_dtype(np.float64)
    save(nib.Nifti1Image(rng.standard_normal((3, 2, 2)), None, hdr), 'n1_f64_noxform.nii')

    # sform (MNI) and qform (scanner) both set and different: sform wins.
    hdr = nib.Nifti1Header()
    hdr.set_qform(affine_of(np.eye(3), [2.0, 2.0, 2.0], [1.0, 2.0, 3.0]), code=1)
    hdr.set_sform(aff_rot, code=4)
    hdr.set_data_dtype(np.int32)
    save(nib.Nifti1Image(rng.integers(-100, 100, (2, 3, 4)).astype(np.int32), None, hdr), 'n1_i32_both.nii')

    # Big-endian int32, int8, uint16.
    hdr = nib.Nifti1Header(endianness='>')
    hdr.set_data_dtype(np.int32)
    save(nib.Nifti1Image(rng.integers(-(2 ** 30), 2 ** 30, (3, 4, 2)).astype(np.int32), aff_rot, hdr), 'n1_i32_be.nii')
    save(nib.Nifti1Image(rng.integers(-128, 127, (4, 2, 2)).astype(np.int8), aff_rot), 'n1_i8.nii')
    save(nib.Nifti1Image(rng.integers(0, 65535, (2, 2, 5)).astype(np.uint16), aff_rot), 'n1_u16.nii.gz')

    # A header extension (vox_offset beyond 352): the data start where vox_offset says.
    img = nib.Nifti1Image(rng.standard_normal((2, 3, 2)).astype(np.float32), aff_rot)
    img.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'voxelwise reference extension ' * 20))
    save(img, 'n1_ext.nii.gz')

    # NIfTI-2.
    save(nib.Nifti2Image(rng.standard_normal((3, 4, 2, 3)).astype(np.float32), aff_rot), 'n2_f32.nii')
    save(nib.Nifti2Image(rng.standard_normal((4, 4, 3)).astype(np.float64), aff_rot), 'n2_f64.nii.gz')
    save(nib.Nifti2Image(rng.integers(-300, 300, (3, 2, 2)).astype(np.int16), aff_rot), 'n2_i16_scaled.nii')
    patch_scaling(os.path.join(out, 'n2_i16_scaled.nii'), 0.25, -1.5, False)
    hdr = nib.Nifti2Header()
    hdr.set_qform(left, code=2)
    hdr.set_sform(None, code=0)
    hdr.set_data_dtype(np.uint8)
    save(nib.Nifti2Image(rng.integers(0, 255, (3, 3, 2)).astype(np.uint8), None, hdr), 'n2_u8_qform.nii.gz')

    # GIfTI: a surface in ASCII with a coordinate system and metadata.
    coords = rng.standard_normal((6, 3)).astype(np.float32) * 50
    faces = np.array([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], dtype=np.int32)
    for enc, suffix in (('GIFTI_ENCODING_ASCII', 'ascii'), ('GIFTI_ENCODING_B64BIN', 'b64'), ('GIFTI_ENCODING_B64GZ', 'gz')):
        cs = gifti.GiftiCoordSystem(dataspace=3, xformspace=3, xform=aff_rot)
        pts = gifti.GiftiDataArray(coords, intent='NIFTI_INTENT_POINTSET', datatype='NIFTI_TYPE_FLOAT32', encoding=enc,
                                   coordsys=cs, meta={'AnatomicalStructureSecondary': 'Pial'})
        tri = gifti.GiftiDataArray(faces, intent='NIFTI_INTENT_TRIANGLE', datatype='NIFTI_TYPE_INT32', encoding=enc)
        save(gifti.GiftiImage(darrays=[pts, tri], meta=gifti.GiftiMetaData({'AnatomicalStructurePrimary': 'CortexLeft', 'Note': 'a <tagged> & "quoted" value'})),
             f'surf_{suffix}.surf.gii')

    # Functional maps: float32 NONE arrays, one per map, per encoding.
    maps = [rng.standard_normal(7).astype(np.float32) for _ in range(2)]
    for enc, suffix in (('GIFTI_ENCODING_ASCII', 'ascii'), ('GIFTI_ENCODING_B64BIN', 'b64'), ('GIFTI_ENCODING_B64GZ', 'gz')):
        das = [gifti.GiftiDataArray(m, intent='NIFTI_INTENT_NONE', datatype='NIFTI_TYPE_FLOAT32', encoding=enc, meta={'Name': f'map{k}'})
               for k, m in enumerate(maps)]
        save(gifti.GiftiImage(darrays=das), f'func_{suffix}.func.gii')

    # A time series stored column-major.
    ts = rng.standard_normal((7, 4)).astype(np.float32)
    da = gifti.GiftiDataArray(ts, intent='NIFTI_INTENT_TIME_SERIES', datatype='NIFTI_TYPE_FLOAT32',
                              encoding='GIFTI_ENCODING_B64GZ', ordering='F')
    save(gifti.GiftiImage(darrays=[da]), 'ts_colmajor.func.gii')

    # Labels: int32 LABEL array with a label table, and a uint8 one.
    table = gifti.GiftiLabelTable()
    for key, name, rgba in ((0, 'unknown', (0.0, 0.0, 0.0, 0.0)), (1, 'auditory', (1.0, 0.0, 0.0, 1.0)), (2, 'language', (0.0, 0.5, 1.0, 1.0))):
        lab = gifti.GiftiLabel(key, *rgba)
        lab.label = name
        table.labels.append(lab)
    lab_i32 = gifti.GiftiDataArray(rng.integers(0, 3, 9).astype(np.int32), intent='NIFTI_INTENT_LABEL', datatype='NIFTI_TYPE_INT32',
                                   encoding='GIFTI_ENCODING_B64GZ')
    lab_u8 = gifti.GiftiDataArray(rng.integers(0, 3, 9).astype(np.uint8), intent='NIFTI_INTENT_LABEL', datatype='NIFTI_TYPE_UINT8',
                                  encoding='GIFTI_ENCODING_ASCII')
    save(gifti.GiftiImage(labeltable=table, darrays=[lab_i32, lab_u8]), 'atlas.label.gii')

    # Big-endian Base64Binary (nibabel writes the machine's order; this file is rewritten by hand
    # and then read by nibabel for the expected values).
    be = rng.standard_normal(5).astype(np.float32)
    save(gifti.GiftiImage(darrays=[gifti.GiftiDataArray(be, intent='NIFTI_INTENT_NONE', datatype='NIFTI_TYPE_FLOAT32',
                                                        encoding='GIFTI_ENCODING_B64BIN')]), 'func_be.func.gii')
    path = os.path.join(out, 'func_be.func.gii')
    text = open(path).read()
    payload = base64.b64encode(be.astype('>f4').tobytes()).decode()
    text = re.sub(r'<Data>[^<]*</Data>', f'<Data>{payload}</Data>', text).replace('Endian="LittleEndian"', 'Endian="BigEndian"')
    open(path, 'w').write(text)

    # FreeSurfer surface and curvature.
    fsio.write_geometry(os.path.join(out, 'lh.test'), coords, faces, create_stamp='created by voxelwise-reference on today')
    files.append('lh.test')
    fsio.write_morph_data(os.path.join(out, 'lh.curv'), rng.standard_normal(6).astype(np.float32))
    files.append('lh.curv')

    expected = {name: read_json(os.path.join(out, name)) for name in files}
    expected['_versions'] = {'nibabel': nib.__version__, 'numpy': np.__version__}
    with open(os.path.join(out, 'expected.json'), 'w') as f:
        json.dump(expected, f)


def main(argv):
    if len(argv) >= 2 and argv[1] == 'check':
        if MISSING:
            sys.stderr.write(MISSING + '\n')
            return 3
        return 0
    if MISSING:
        sys.stderr.write(MISSING + '\n')
        return 3
    if len(argv) >= 3 and argv[1] == 'write':
        write_all(argv[2])
    elif len(argv) >= 3 and argv[1] == 'read':
        json.dump({p: read_json(p) for p in argv[2:]}, sys.stdout)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
