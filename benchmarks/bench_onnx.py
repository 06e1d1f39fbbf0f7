"""ONNX Runtime (int8, float32) vs PyTorch MiniLM vs the static fast mode on the shared real corpus: speed, cosine, topic quality.

    nice -n 5 .venv/bin/python benchmarks/bench_onnx.py [--data ../shared/data/topics/arxiv_2007_dev.jsonl] [--speed 200] [--stability 0]

Every encoder embeds the same texts in the same run with no embedding cache: the first `--speed` texts are timed for all four
(interleaved, best of two); then int8 and static embed the whole corpus without the cache (timed), PyTorch through the embedding
cache (its vectors of these texts are usually there from 04_embed; a miss is computed and kept), and the vectors are kept in
`--vectors` (so a rerun of the topic fits does not embed again; `--fresh` to re-embed). The same topic fit (`fit_topics`, same seed)
runs on each set of vectors; its topics are scored against the arXiv categories (ARI, V-measure over all papers, outliers as
one class, and over the non-outliers). Writes benchmarks/results/onnx.json and prints Markdown tables."""
import argparse, json, os, sys, time
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TOKENIZERS_PARALLELISM='false')
import numpy as np

def _load():
    return os.getloadavg()[0]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=str(ROOT.parent/'shared'/'data'/'topics'/'arxiv_2007_dev.jsonl'))
    ap.add_argument('--speed', type=int, default=100, help='texts in the interleaved speed timing')
    ap.add_argument('--stability', type=int, default=0, help='stability seeds of each topic fit (0 to skip)')
    ap.add_argument('--vectors', default='/tmp/paperlens-onnx-vectors', help='folder for the vectors of the full corpus')
    ap.add_argument('--fresh', action='store_true', help='embed again even when the vectors are kept')
    ap.add_argument('--out', default=str(ROOT/'benchmarks'/'results'/'onnx.json'))
    a = ap.parse_args()
    import torch
    from sklearn.metrics import adjusted_rand_score, v_measure_score
    from paperlens.embed import load_model, doc_texts, _encode
    from paperlens.onnx import load_onnx, export_onnx
    from paperlens.topics import fit_topics
    rows = [json.loads(l) for l in open(a.data)]
    recs = [dict(id=f"arxiv:{r['id']}", title=r['title'], abstract=r['abstract']) for r in rows]
    labels = np.array([r['categories'].split()[0].split('.')[0] for r in rows])
    texts = doc_texts(recs)
    t0 = time.perf_counter(); folder = export_onnx(); export_s = time.perf_counter() - t0
    st, q8, f32, static = load_model(None), load_onnx(), load_onnx(quantized=False), load_model('static')
    enc = dict(torch=lambda x: _encode(st, x, 64, False), onnx_fp32=f32.encode, onnx_int8=q8.encode,
               static=lambda x: _encode(static, x, 64, False))
    sp = texts[:a.speed]
    vd = Path(a.vectors); vd.mkdir(parents=True, exist_ok=True)
    kept = vd/f'speed-{len(sp)}.json'   # the timing of a run that stopped later (the fits) is kept, not taken again
    if kept.exists() and not a.fresh: k_ = json.loads(kept.read_text()); speed, loads = k_['speed'], k_['loads']
    else:
        for f in enc.values(): f(sp[:8])   # warm up
        speed, loads = {k: [] for k in enc}, []
        for rep in range(2):   # interleaved, best of 2 (the machine is shared)
            for k, f in enc.items():
                loads.append(_load()); c0 = time.process_time(); t0 = time.perf_counter(); f(sp)
                speed[k].append((len(sp) / (time.perf_counter() - t0), len(sp) / max(time.process_time() - c0, 1e-9)))
            print('speed', rep, {k: [round(x[0], 1) for x in v] for k, v in speed.items()}, 'load', loads[-4:], flush=True)
        kept.write_text(json.dumps(dict(speed=speed, loads=loads)))
    vec, full = {}, {}
    from paperlens.embed import embed
    full_enc = dict(enc, torch=lambda x: embed(x, model=st, progress=False))   # PyTorch for the fits: through the embedding cache (its timing is the speed run above)
    for k in ('torch', 'onnx_int8', 'static'):
        p = vd/f'{k}-{len(texts)}.npy'
        if p.exists() and not a.fresh: vec[k] = np.load(p, allow_pickle=False); continue
        l0 = _load(); t0 = time.perf_counter(); vec[k] = full_enc[k](texts); s = time.perf_counter() - t0
        full[k] = dict(seconds=round(s, 1), docs_per_s=round(len(texts) / s, 1), load=round(l0, 2)); np.save(p, vec[k], allow_pickle=False)
        print('full corpus', k, full[k], flush=True)
    ref = vec['torch']
    c32 = (f32.encode(sp) * ref[:len(sp)]).sum(1)
    best = {k: max(x[0] for x in v) for k, v in speed.items()}
    res = dict(corpus=a.data, n=len(texts), speed_texts=len(sp), threads=torch.get_num_threads(), export_s=round(export_s, 1),
               load_during_speed=[round(x, 2) for x in loads], full_corpus=full, stability_seeds=a.stability,
               onnx_bytes={p.name: p.stat().st_size for p in folder.glob('*.onnx')}, modes={})
    res['modes']['onnx_fp32'] = dict(docs_per_s=round(best['onnx_fp32'], 1), speed_runs=[[None if y is None else round(y, 1) for y in x] for x in speed['onnx_fp32']],
                                     x_torch=round(best['onnx_fp32'] / best['torch'], 2), cos_mean=round(float(c32.mean()), 6), cos_min=round(float(c32.min()), 6))
    for k, E in vec.items():
        cos = (E * ref).sum(1) if E.shape == ref.shape else None
        t0 = time.perf_counter()
        t = fit_topics(recs, embeddings=E, model=dict(torch=None, onnx_int8=q8, static='static')[k], cache_dir=False, seed=42, stability_seeds=a.stability)
        fit_s = time.perf_counter() - t0
        lab = t.assignments_.topic.to_numpy(); inl = lab != -1
        res['modes'][k] = dict(docs_per_s=round(best[k], 1), speed_runs=[[None if y is None else round(y, 1) for y in x] for x in speed[k]], x_torch=round(best[k] / best['torch'], 2),
                               cos_mean=None if cos is None else round(float(cos.mean()), 4), cos_min=None if cos is None else round(float(cos.min()), 4),
                               topics=int((t.topic_info_.topic != -1).sum()) if 'topic' in t.topic_info_ else int(len(t.topic_info_)),
                               outliers=int((~inl).sum()), ari=round(adjusted_rand_score(labels, lab), 3), v_measure=round(v_measure_score(labels, lab), 3),
                               ari_inliers=round(adjusted_rand_score(labels[inl], lab[inl]), 3) if inl.any() else None,
                               v_inliers=round(v_measure_score(labels[inl], lab[inl]), 3) if inl.any() else None,
                               npmi=t.quality_.get('coherence_npmi'), stability=t.quality_.get('stability_ari'), fit_s=round(fit_s, 1))
        print(k, res['modes'][k], flush=True)
    Path(a.out).write_text(json.dumps(res, indent=2))
    print(f'| encoder | docs/s (best of 2, {len(sp)} texts, wall) | × PyTorch | cosine to PyTorch (mean / min) | topics | outliers | ARI | V-measure | ARI / V (non-outliers) | NPMI | stability |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    for k, m in res['modes'].items():
        f = lambda x: '–' if x is None else x
        print(f"| {k} | {m['docs_per_s']} | {m['x_torch']} | {f(m['cos_mean'])} / {f(m['cos_min'])} | {f(m.get('topics'))} | {f(m.get('outliers'))} | "
              f"{f(m.get('ari'))} | {f(m.get('v_measure'))} | {f(m.get('ari_inliers'))} / {f(m.get('v_inliers'))} | {f(m.get('npmi'))} | {f(m.get('stability'))} |")

if __name__ == '__main__': main()
