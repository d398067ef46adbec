"""Keras 3 (KERAS_BACKEND=torch) layouts of a small model equivalent to the reference mlp, with a BatchNorm
in the middle so that weight order is not alphabetical: Dense(8, relu) -> BatchNormalization -> Dense(1).

Files: keras_mlp.weights.h5 (save_weights), keras_mlp.keras (model.save), keras_mlp.h5 (model.save, legacy
full-model HDF5: /model_weights with layer_names / weight_names) and keras_mlp.legacy_weights.h5 (the Keras 2
save_weights layout: layer_names on the root group).

The manifest records the HDF5 path of each tensor, in the order CLI.md prescribes (layer_names / weight_names for
legacy files; name order with numeric vars/N for Keras 3), and its key: the group path joined with '.' for Keras 3,
the scheme documented on ckpt's KerasLegacyLayout for legacy files; the .keras zip's keys are those of the
model.weights.h5 inside it.
"""
import hashlib
import io
import json
import os
import re
import zipfile

os.environ.setdefault('KERAS_BACKEND', 'torch')

FIXED_DATE = '2026-01-01@00:00:00'


def keras_version():
    import keras
    return keras.__version__


def _build():
    import keras
    # Auto-generated names (input_layer, input_layer_1, ...) count up per process: start from a clean session so
    # the files do not depend on what other generators built before.
    keras.backend.clear_session()
    keras.utils.set_random_seed(1234)
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(8, activation='relu', name='dense_a'),
        keras.layers.BatchNormalization(name='bn'),
        keras.layers.Dense(1, name='out'),
    ], name='sequential')
    # One training step so BatchNorm's moving statistics are not the constants 0 and 1.
    model.compile(optimizer='adam', loss='mse')
    rng = __import__('numpy').random.default_rng(1234)
    model.fit(rng.standard_normal((8, 4)).astype('float32'), rng.standard_normal((8, 1)).astype('float32'),
              epochs=1, batch_size=8, verbose=0)
    return model


def _records(h5, paths, keys=None):
    import numpy as np
    out = []
    for i, p in enumerate(paths):
        a = np.asarray(h5[p][()])
        dtype = {'float32': 'float32', 'int64': 'int64', 'int32': 'int32', 'float64': 'float64'}[str(a.dtype)]
        out.append({'key': keys[i] if keys else p.replace('/', '.'), 'hdf5_path': p, 'dtype': dtype, 'shape': list(a.shape),
                    'sha256': hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()})
    return out


def _keras3_paths(h5):
    """Datasets of a Keras 3 weights file: groups in name order (the file does not track creation order),
    vars/N numerically, depth first."""
    import h5py
    out = []

    def visit(group, prefix):
        names = list(group.keys())
        if prefix.endswith('vars') or prefix == 'vars':
            names.sort(key=lambda n: (0, int(n)) if n.isdigit() else (1, n))
        else:
            names.sort()
        for n in names:
            obj = group[n]
            path = f'{prefix}/{n}' if prefix else n
            if isinstance(obj, h5py.Dataset):
                out.append(path)
            else:
                visit(obj, path)
    visit(h5, '')
    return out


def _legacy_paths(h5, root):
    """Datasets of a legacy Keras weights group, in layer_names / weight_names order, and their keys as ckpt's
    HDF5 reader names them (KerasLegacyLayout: `<layer>.<weight path after the layer name>`, `/` → `.`,
    a `:0` suffix dropped)."""
    g = h5[root] if root else h5
    paths, keys = [], []
    for layer in g.attrs['layer_names']:
        layer = layer.decode() if isinstance(layer, bytes) else str(layer)
        for w in g[layer].attrs['weight_names']:
            w = w.decode() if isinstance(w, bytes) else str(w)
            paths.append(f'{root}/{layer}/{w}' if root else f'{layer}/{w}')
            parts = w.removesuffix(':0').split('/')
            rest = parts[parts.index(layer) + 1:] if layer in parts else parts
            keys.append('.'.join([layer] + rest))
    return paths, keys


def _normalise_keras_zip(path):
    """model.save stamps the date into metadata.json and the zip entry of model.weights.h5, and object ids
    into config.json: pin them so the file is byte-identical across runs. Members, order and STORED method are kept as Keras wrote them."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for info, data in members:
            if info.filename == 'metadata.json':
                meta = json.loads(data)
                meta['date_saved'] = FIXED_DATE
                data = json.dumps(meta).encode()
            elif info.filename == 'config.json':
                # shared_object_id is id(obj) in the saving process: renumber in order of appearance.
                ids = {}

                def renumber(m):
                    return b'"shared_object_id": %d' % ids.setdefault(m.group(1), len(ids) + 1)
                data = re.sub(rb'"shared_object_id": (\d+)', renumber, data)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = info.compress_type
            z.writestr(zi, data)
    with open(path, 'wb') as f:
        f.write(buf.getvalue())


def generate(man, out, records, counts):
    import h5py
    from keras.src.legacy.saving import legacy_h5_format
    model = _build()

    p = out / 'keras_mlp.weights.h5'
    model.save_weights(str(p))
    with h5py.File(p, 'r') as h5:
        recs = _records(h5, _keras3_paths(h5))
    man.add(p, 'hdf5', recs, counts(recs), layout='keras3')

    p = out / 'keras_mlp.keras'
    model.save(str(p))
    _normalise_keras_zip(p)
    with zipfile.ZipFile(p) as z:
        weights = z.read('model.weights.h5')
    with h5py.File(io.BytesIO(weights), 'r') as h5:
        recs = _records(h5, _keras3_paths(h5))
    # metadata.json's fields are the reader's format attributes (KerasReader).
    man.add(p, 'keras', recs, counts(recs), layout='keras3',
            attributes={'keras_version': keras_version(), 'date_saved': FIXED_DATE})

    p = out / 'keras_mlp.h5'
    # Without the optimizer: which keys a reader takes from /optimizer_weights is its own choice.
    model.save(str(p), include_optimizer=False)
    with h5py.File(p, 'r') as h5:
        recs = _records(h5, *_legacy_paths(h5, 'model_weights'))
    man.add(p, 'hdf5', recs, counts(recs), layout='keras2')

    p = out / 'keras_mlp.legacy_weights.h5'
    with h5py.File(p, 'w') as h5:
        legacy_h5_format.save_weights_to_hdf5_group(h5, model)
    with h5py.File(p, 'r') as h5:
        recs = _records(h5, *_legacy_paths(h5, ''))
    man.add(p, 'hdf5', recs, counts(recs), layout='keras2')
