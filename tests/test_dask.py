"The Dask engine against the local engine on a 2-worker LocalCluster: same records, decisions and topics; a lost worker loses no record"
import json, os, signal, sys, threading, time
from pathlib import Path
import numpy as np, pandas as pd
import pytest

pytest.importorskip('distributed')
sys.path.insert(0, str(Path(__file__).parent))   # the workers import dask_slow_model from here (they inherit sys.path)
from paperlens import distributed as D
from paperlens.ingest import read as local_read
from paperlens.topics import fit_topics as local_fit
from paperlens.embed import embed as local_embed, doc_texts

@pytest.fixture(scope='module')
def client():
    c = D.start(workers=2, memory_limit='1.5GiB', quiet=True)
    yield c
    D._close(c)

WORDS = ('attention transformer sparse mixture experts routing token language model retrieval augmented generation '
         'graph neural network protein folding diffusion image video reinforcement policy reward robot quantum circuit '
         'error correction galaxy dark matter survey lensing').split()

def corpus_file(path:Path, n:int=160, seed:int=0)->Path:
    "A JSON Lines export with exact duplicates (same arXiv id, other version), a retitled copy, an empty record and a broken line"
    rng = np.random.default_rng(seed)
    syl = 'ka lo mi ne ru ta so vi pe da fo gu'.split()
    vocab = [[a + b + c for a in syl for b in syl[k * 3:k * 3 + 3] for c in ('n', 'r', 'x')] for k in range(4)]   # 108 words a topic
    lines = []
    for i in range(n):
        topic = WORDS[(i % 4) * 7:(i % 4) * 7 + 7]
        words = rng.choice(topic, 12).tolist() + rng.choice(vocab[i % 4], 50).tolist() + rng.choice(WORDS, 8).tolist()
        lines.append(dict(id=f"2401.{i:05d}", title=f"{' '.join(rng.choice(topic, 4))} study {i}", abstract=' '.join(words) + '.',
                          authors=f"Ada Lovelace{i} and Alan Turing", update_date='2024-01-15'))
    lines.append({**lines[3], 'id': '2401.00003v2'})                 # an exact duplicate: same arXiv id, newer version
    lines.append({**lines[7], 'id': None, 'title': lines[7]['title'] + '!'})   # same abstract, no id: a near pair
    lines.append(dict(id=None, title=None, abstract=None, authors='Nobody'))    # rejected: nothing to identify it
    text = '\n'.join(json.dumps(r) for r in lines[:50]) + '\n{"id": "broken", "title": \n' + '\n'.join(json.dumps(r) for r in lines[50:]) + '\n'
    path.write_text(text)
    return path

def same(a, b):
    "Two record tables hold the same values (as saved: Parquet round trip on both)"
    import io
    buf = lambda df: pd.read_parquet(io.BytesIO(df.to_parquet()))
    pd.testing.assert_frame_equal(buf(a.reset_index(drop=True)), buf(b.reset_index(drop=True)))

def test_read_same_as_local(client, tmp_path):
    f = corpus_file(tmp_path/'export.jsonl')
    loc = local_read(f)
    for max_bytes in (None, 4000):   # whole file, and split into pieces parsed on both workers
        dsk = D.read(f, client=client, work=tmp_path/f'w{max_bytes}', max_bytes=max_bytes or D.CHUNK_BYTES, part_rows=50)
        if max_bytes: assert len(D.chunks([f], max_bytes=max_bytes)) > 5
        same(dsk.records, loc.records)
        pd.testing.assert_frame_equal(dsk.decisions, loc.decisions)
        pd.testing.assert_frame_equal(dsk.notes, loc.notes)
        assert dsk.report['totals'] == loc.report['totals']
        assert dsk.report['files'] == loc.report['files']
        t = dsk.report['totals']
        assert t['seen'] == t['parsed'] + t['merged'] + t['rejected'] and t['merged'] >= 1 and t['rejected'] >= 1
        assert len(dsk.parts) == -(-len(dsk.records) // 50)
        assert sum(len(pd.read_parquet(p)) for p in dsk.parts) == len(dsk.records)

def test_folder_with_hidden_entries(client, tmp_path):
    "A folder's hidden entries (a generator's `.done`, `.git/`) are one noise note, as in the local read: not an unreadable file"
    d = tmp_path/'corpus'; d.mkdir()
    corpus_file(d/'export.jsonl', n=40)
    (d/'.done').write_text('41'); (d/'.git').mkdir(); (d/'.git'/'HEAD').write_text('ref: main')
    loc, dsk = local_read(d), D.read(d, client=client, work=tmp_path/'w')
    assert dsk.report['files'] == loc.report['files'] and dsk.report['totals'] == loc.report['totals']
    assert dsk.report['totals'].get('unreadable_files', 0) == 0
    pd.testing.assert_frame_equal(dsk.notes, loc.notes)
    assert (dsk.notes.kind == 'noise').sum() == 1 and '.done' in dsk.notes.reason[dsk.notes.kind == 'noise'].iloc[0]

def test_overrides_and_partitions(client, tmp_path):
    f = corpus_file(tmp_path/'export.jsonl')
    loc = local_read(f)
    near = loc.decisions[loc.decisions.action == 'flagged'].iloc[0]
    dec = tmp_path/'decisions.csv'
    pd.DataFrame([dict(id_a=near.id_a, id_b=near.id_b, decision='accept')]).to_csv(dec, index=False)
    loc = local_read(f, decisions=dec)
    dsk = D.read(f, client=client, decisions=dec, max_rows=40)   # several dedupe partitions
    assert dsk.report['duplicate_partitions'] > 1
    same(dsk.records, loc.records)   # the accepted pair is blocked together, so it merges as in the local path
    key = ['id_a', 'id_b', 'kind', 'action', 'reason', 'override']
    exact = lambda d: d[(d.kind == 'exact') | d.override.notna()][key].reset_index(drop=True)
    assert len(exact(loc.decisions)) >= 2
    pd.testing.assert_frame_equal(exact(dsk.decisions), exact(loc.decisions))   # exact pairs and overrides: always the local ones

def shared_models(cache):
    "A test cache folder that shares the distilled static model of the default cache (distilling it takes a minute)"
    from paperlens.embed import load_model, CACHE_DIR
    load_model('static')
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache/'models').exists(): (cache/'models').symlink_to(CACHE_DIR/'models', target_is_directory=True)
    return cache

def test_topics_same_as_local(client, tmp_path):
    f = corpus_file(tmp_path/'export.jsonl')
    shared_models(tmp_path/'cache')
    dsk = D.read(f, client=client, part_rows=40)
    vec = D.embed(dsk, client, model='static', cache_dir=tmp_path/'cache')
    assert len(vec) == len(dsk.parts) and (tmp_path/'cache'/'embeddings').is_dir()   # the shared cache was written
    t = D.fit_topics(dsk, vec, client, model='static', cache_dir=tmp_path/'cache', seed=3, stability_seeds=0)
    ref = local_fit(local_read(f), model='static', cache_dir=False, seed=3, stability_seeds=0)
    pd.testing.assert_frame_equal(t.assignments_, ref.assignments_)
    pd.testing.assert_frame_equal(t.topic_info_, ref.topic_info_)

def test_sample_fit_assigns_everyone(client, tmp_path):
    f = corpus_file(tmp_path/'export.jsonl')
    dsk = D.read(f, client=client, part_rows=40)
    vec = D.embed(dsk, client, model='static', cache_dir=False)
    t = D.fit_topics(dsk, vec, client, model='static', sample=80, stability_seeds=0)
    a = t.assignments_
    assert a['id'].tolist() == dsk.records['id'].tolist() and a['topic'].notna().all()
    assert t.quality_['fit_sample'] == 80 and t.quality_['assigned'] == len(dsk.records) - 80
    assert t.topic_info_['count'].sum() == len(dsk.records)
    for words, topic in zip(t.topic_info_['words'], t.topic_info_['topic']):   # words from all members, not only the sample's
        members = ' '.join(doc_texts(dsk.records[a['topic'].values == topic])).lower()
        assert all(w.split()[0] in members for w in words)
    assert t.map_.shape == (len(a), 2) and np.isfinite(t.map_).all()
    from paperlens.quality import npmi_coherence   # the coherence from the workers' term counts: as counting every paper's terms again
    cv = t.topic_model_.vectorizer_model
    want = npmi_coherence(list(t.topic_info_['words']), cv.transform(list(t.docs_)), cv.get_feature_names_out().tolist())
    np.testing.assert_allclose(t.topic_info_['npmi'].to_numpy(float), np.round(want, 4), atol=1e-4)
    from paperlens.topics import Topics   # each partition is assigned as `Topics.transform` does, with all voters and with a subset of them
    fitted = Topics.load(Path(dsk.work)/'topics-sample')
    v = vec[-1]; docs = [d for d, k in zip(doc_texts(pd.read_parquet(dsk.parts[-1])), v['kept']) if k]
    E = np.load(v['path'])
    for n in (1000, 30):
        D._LOADED.clear(); D.ASSIGN_REF, old = n, D.ASSIGN_REF
        try:
            r, rows = D._reference(fitted)
            got = D.assign_part(str(Path(dsk.work)/'topics-sample'), dsk.parts[-1], v['path'], v['kept'])
        finally: D.ASSIGN_REF = old; D._LOADED.clear()
        assert len(rows) == min(n, 80) and len(r.embeddings_) == len(rows)
        topics, prob = r.transform(docs, E)
        np.testing.assert_array_equal(got['topics'], topics); np.testing.assert_allclose(got['probability'], prob, atol=1e-6)
        S = E @ fitted.embeddings_[got['nearest']].T   # the nearest voter is the nearest of the voters
        assert np.allclose(np.diag(S), (E @ r.embeddings_.T).max(1), atol=1e-5)

def test_embed_cache_one_shard_per_partition(client, tmp_path):
    f = corpus_file(tmp_path/'export.jsonl', n=60)
    dsk = D.read(f, client=client, part_rows=25)
    v1 = D.embed(dsk, client, model='static', cache_dir=tmp_path/'cache')
    shards = sorted((tmp_path/'cache'/'embeddings').rglob('*.npz'))
    assert len(shards) == len(dsk.parts)   # one per partition, named by its texts
    stamp = [s.stat().st_mtime_ns for s in shards]
    v2 = D.embed(dsk, client, model='static', cache_dir=tmp_path/'cache')   # a rerun reads them, writes nothing
    assert [s.stat().st_mtime_ns for s in sorted((tmp_path/'cache'/'embeddings').rglob('*.npz'))] == stamp
    for a, b in zip(v1, v2): np.testing.assert_array_equal(np.load(a['path']), np.load(b['path']))
    ref = local_embed(doc_texts(dsk.records), model='static', cache_dir=tmp_path/'cache')   # the local path reads the same shards
    np.testing.assert_allclose(np.concatenate([np.load(a['path']) for a in v1]), ref[np.concatenate([a['kept'] for a in v1])], atol=1e-6)

def test_worker_lost_during_embedding(client, tmp_path):
    from dask_slow_model import SlowStatic
    f = corpus_file(tmp_path/'export.jsonl', n=120)
    dsk = D.read(f, client=client, part_rows=15)
    log = tmp_path/'encode.log'
    pids = list(client.run(os.getpid).values())
    killed = []
    def kill():   # once the first partitions are being encoded, kill the worker process encoding one (it logs its pid, then sleeps)
        while not log.exists() or len(log.read_text().splitlines()) < 2: time.sleep(0.02)
        killed.append(int(log.read_text().splitlines()[-1].split()[0]))
        os.kill(killed[0], signal.SIGKILL)
    th = threading.Thread(target=kill); th.start()
    vec = D.embed(dsk, client, model=SlowStatic(0.5, str(log)), cache_dir=False)
    th.join()
    client.wait_for_workers(2, timeout=60)   # the nanny restarted it
    assert killed[0] in pids and killed[0] not in client.run(os.getpid).values()
    E = np.concatenate([np.load(v['path']) for v in vec])
    keep = np.concatenate([v['kept'] for v in vec])
    texts = doc_texts(dsk.records)
    assert len(keep) == len(dsk.records) and len(E) == keep.sum()
    ref = local_embed([t for t, k in zip(texts, keep) if k], model='static', cache_dir=False)
    np.testing.assert_allclose(E, ref, atol=1e-6)   # every record once, in order, none lost or doubled
    assert len(log.read_text().splitlines()) > len(vec)   # some partition was encoded again after the kill

def test_review_bundle_same_as_local(client, tmp_path, examples):
    from paperlens.report import review
    shared_models(tmp_path/'cache')
    tm = {}
    D.review(examples, out=tmp_path/'dask', client=client, model='static', cache_dir=tmp_path/'cache', progress=False, timings=tm, stability_seeds=0)
    review(examples, out=tmp_path/'local', model='static', cache_dir=tmp_path/'cache', progress=False, stability_seeds=0)
    assert set(tm) == {'ingest', 'embed', 'topics', 'report'}
    for f in ('records.parquet', 'decisions.parquet', 'topics.parquet'):
        same(pd.read_parquet(tmp_path/'dask'/f), pd.read_parquet(tmp_path/'local'/f))
    for f in ('topic_info.csv', 'review.md', 'references.bib'):
        assert (tmp_path/'dask'/f).read_text() == (tmp_path/'local'/f).read_text(), f
    assert json.loads((tmp_path/'dask'/'manifest.json').read_text())['settings']['engine'] == 'dask'

def test_cli_engine_dask(client, tmp_path):
    from paperlens.cli import main
    f = corpus_file(tmp_path/'export.jsonl', n=40)
    shared_models(tmp_path/'cache')
    rc = main(['review', str(f), '--out', str(tmp_path/'out'), '--engine', 'dask', '--scheduler', client.scheduler.address,
               '--model', 'static', '--cache-dir', str(tmp_path/'cache'), '--quiet'])
    assert rc in (0, 2) and (tmp_path/'out'/'report.html').exists()   # 2: the broken line makes the file "partly read"
    man = json.loads((tmp_path/'out'/'manifest.json').read_text())
    assert man['settings']['engine'] == 'dask' and man['settings']['workers'] == 2
    assert len(pd.read_parquet(tmp_path/'out'/'topics.parquet')) == len(pd.read_parquet(tmp_path/'out'/'records.parquet'))
    assert main(['review', str(f), '--out', str(tmp_path/'bad'), '--engine', 'spark', '--quiet']) == 1
