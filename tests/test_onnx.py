"MiniLM exported to ONNX and run on ONNX Runtime: close to the PyTorch vectors, batch-independent, usable by paperlens.embed"
import os
import numpy as np
import pytest

pytest.importorskip('onnxruntime')
from paperlens.embed import embed, load_model, _encode
from paperlens.onnx import export_onnx, OnnxEncoder, load_onnx

TEXTS = ['Attention is all you need: a transformer built on attention alone.',
         'Protein structure prediction with deep learning reaches experimental accuracy.',
         'We measure the dark matter halo of a galaxy cluster with weak lensing.',
         'A sparse mixture of experts routes each token to two of sixty-four experts.',
         'Quantum error correction with surface codes below the threshold.',
         'x', '']

@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    return export_onnx(cache_dir=tmp_path_factory.mktemp('cache'))

def test_export_cached(folder):
    assert {p.name for p in folder.iterdir()} >= {'model.onnx', 'model.int8.onnx', 'tokenizer.json', 'paperlens.json'}
    assert (folder/'model.int8.onnx').stat().st_size < (folder/'model.onnx').stat().st_size / 3
    mtime = (folder/'model.int8.onnx').stat().st_mtime_ns
    assert export_onnx(cache_dir=folder.parent.parent) == folder and (folder/'model.int8.onnx').stat().st_mtime_ns == mtime

@pytest.mark.parametrize('quantized,least', [(False, 0.9999), (True, 0.97)])
def test_close_to_pytorch(folder, quantized, least):
    ref = _encode(load_model(None), TEXTS, 64, False)
    v = OnnxEncoder(folder, quantized=quantized).encode(TEXTS)
    assert v.shape == ref.shape and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    cos = (v * ref).sum(1)
    assert cos.min() >= least, cos
    if quantized: assert cos[:5].mean() >= 0.99, cos

def test_batch_independent(folder):
    enc = OnnxEncoder(folder)
    alone = np.stack([enc.encode([t])[0] for t in TEXTS])
    np.testing.assert_allclose(enc.encode(TEXTS), alone, atol=1e-5)
    np.testing.assert_allclose(enc.encode(TEXTS[::-1])[::-1], alone, atol=1e-5)

def test_through_embed_and_cache(folder, tmp_path):
    enc = OnnxEncoder(folder)
    assert enc.paperlens_id.endswith('-onnx-int8') and enc.paperlens_id != load_model(None).paperlens_id
    v = embed(TEXTS, model=enc, cache_dir=tmp_path)
    assert (tmp_path/'embeddings'/enc.paperlens_id).is_dir()
    np.testing.assert_allclose(embed(TEXTS, model=enc, cache_dir=tmp_path), v)
    np.testing.assert_allclose(v, enc.encode(TEXTS), atol=1e-6)

def test_load_once(folder):
    a = load_onnx(cache_dir=folder.parent.parent)
    assert load_onnx(cache_dir=folder.parent.parent) is a and a.dim == 384
