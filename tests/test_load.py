"Loading a bundle trusts nothing: every tampering is refused with the file named, nothing is unpickled, and write failures keep the previous bundle"
import errno, hashlib, json, os, shutil, signal, subprocess, sys, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT/'examples'/'seeds'
pytestmark = pytest.mark.slow   # one real review of the examples (about 40 s on 2 cores); every test below reuses it

@pytest.fixture(scope='module')
def built(tmp_path_factory):
    "one review bundle of the examples, written in this process"
    os.environ.update(HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TOKENIZERS_PARALLELISM='false')
    from paperlens.report import review
    out = tmp_path_factory.mktemp('load')/'bundle'
    review(SEEDS, out=out, cache_dir=tmp_path_factory.mktemp('cache'), progress=False)
    return out

@pytest.fixture
def bundle(built, tmp_path):
    "a fresh copy of the bundle that a test may tamper with"
    d = tmp_path/'b'; shutil.copytree(built, d); return d

def reseal(d):
    "what a careful attacker does after tampering: recompute every hash in manifest.json"
    m = json.loads((d/'manifest.json').read_text())
    m['bundle'] = {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                   for p in sorted(d.rglob('*')) if p.is_file() and p.name != 'manifest.json'}
    (d/'manifest.json').write_text(json.dumps(m))

def rewrite(d, name, fn):
    from paperlens.records import read_parquet, write_parquet
    write_parquet(fn(read_parquet(d/name)), d/name)

def embeddings(d, arr, name='model/embeddings.safetensors', key='embeddings'):
    from safetensors.numpy import save_file
    save_file({key: arr}, str(d/name))

def load(d, **kw):
    from paperlens.report import load as _load
    return _load(d, **kw)

def test_untouched_bundle_loads(bundle):
    b = load(bundle)
    assert len(b.records) == 140 and b.ntopics >= 2 and b.review_md

def test_a_rewritten_table_is_caught_by_its_hash(bundle):
    rewrite(bundle, 'records.parquet', lambda r: r.assign(title='rewritten'))
    with pytest.raises(ValueError, match=r'records.parquet: changed since the bundle was written') as e: load(bundle)
    assert str(bundle/'records.parquet') in str(e.value)
    reseal(bundle)                           # valid data under a manifest that matches it is a bundle like any other
    assert set(load(bundle).records.title) == {'rewritten'}

# each case: (what the issue says is accepted today, how to tamper, the file the error must name, words of the error)
CASES = {
    'another schema':             (lambda d: rewrite(d, 'records.parquet', lambda r: r.drop(columns=['doi']).assign(payload='x')), 'records.parquet', 'missing columns'),
    'another dtype':              (lambda d: rewrite(d, 'records.parquet', lambda r: r.assign(year='MMXXIV')), 'records.parquet', "column 'year'"),
    'duplicate ids':              (lambda d: rewrite(d, 'records.parquet', lambda r: r.assign(id=['same'] * len(r))), 'records.parquet', 'more than once'),
    'seen: 999':                  (lambda d: (d/'ingest_report.json').write_text(json.dumps(dict(json.loads((d/'ingest_report.json').read_text()),
                                              totals=dict(json.loads((d/'ingest_report.json').read_text())['totals'], seen=999)))), 'ingest_report.json', 'total seen 999'),
    '3x7 embeddings':             (lambda d: embeddings(d, np.ones((3, 7), np.float32)), 'embeddings.safetensors', 'rows'),
    'NaN embeddings':             (lambda d: embeddings(d, np.full((140, 384), np.nan, np.float32)), 'embeddings.safetensors', 'finite'),
    'NaN topic embeddings':       (lambda d: embeddings(d, np.full((3, 384), np.inf, np.float32), 'model/bertopic/topic_embeddings.safetensors', 'topic_embeddings'),
                                   'topic_embeddings.safetensors', 'finite'),
    'all in topic 77':            (lambda d: rewrite(d, 'model/assignments.parquet', lambda a: a.assign(topic=77)), 'assignments.parquet', 'topic(s) [77]'),
    'probability 5':              (lambda d: rewrite(d, 'model/assignments.parquet', lambda a: a.assign(probability=5.0)), 'assignments.parquet', 'probabilities'),
    'a record deleted':           (lambda d: rewrite(d, 'records.parquet', lambda r: r.iloc[1:]), 'ingest_report.json', 'records table has 139 rows'),
    'not Parquet':                (lambda d: (d/'notes.parquet').write_bytes(b'\x80\x04K\x01.'), 'notes.parquet', 'not a readable Parquet table'),
    'not JSON':                   (lambda d: (d/'model'/'topics.json').write_text('{"settings": '), 'topics.json', 'not valid JSON'),
    'settings that inject':       (lambda d: (d/'model'/'topics.json').write_text(json.dumps(dict(json.loads((d/'model'/'topics.json').read_text()),
                                              settings=dict(json.loads((d/'model'/'topics.json').read_text())['settings'], sizes={'embedding_model': '/tmp/evil'})))),
                                   'topics.json', 'unexpected settings'),
}

@pytest.mark.parametrize('case', CASES)
def test_tampering_is_refused_naming_the_file(bundle, case):
    change, name, words = CASES[case]
    change(bundle)
    with pytest.raises(ValueError, match='changed since the bundle was written'): load(bundle)   # the hashes catch it first
    reseal(bundle)                                                    # and a resealed manifest does not hide it
    with pytest.raises(ValueError) as e: load(bundle)
    assert name in str(e.value) and words in str(e.value), str(e.value)
    assert str(bundle) in str(e.value), 'the error names the file by its path'

PICKLE = b'\x80\x04\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94\x8c\x06exit 3\x94\x85\x94R\x94.'

@pytest.mark.parametrize('where', ['file', 'bin', 'ctfidf', 'symlink', 'extra'])
def test_no_pickle_is_ever_reached(bundle, monkeypatch, where):
    "a bundle whose topic model is a pickle (or holds one) is refused before any loader runs, even when trusted and resealed"
    bt = bundle/'model'/'bertopic'
    if where == 'file': shutil.rmtree(bt); bt.write_bytes(PICKLE)                      # BERTopic.load would joblib.load this
    elif where == 'bin': (bt/'topic_embeddings.safetensors').unlink(); (bt/'topic_embeddings.bin').write_bytes(PICKLE)   # torch.load
    elif where == 'ctfidf': (bt/'ctfidf.bin').write_bytes(PICKLE)
    elif where == 'symlink': (bt/'topics.json').unlink(); (bt/'topics.json').symlink_to('/etc/hostname')
    else: (bundle/'model'/'model.pkl').write_bytes(PICKLE)
    reseal(bundle)
    import pickle, joblib, torch
    def boom(*a, **k): raise AssertionError('a pickle loader was called')
    for mod, fn in ((pickle, 'load'), (pickle, 'loads'), (joblib, 'load'), (torch, 'load')): monkeypatch.setattr(mod, fn, boom)
    for trust in (False, True):
        with pytest.raises(ValueError, match='never'): load(bundle, trust_changed=trust)
    from paperlens.report import Bundle, check_model_files
    with pytest.raises(ValueError, match='never'): check_model_files(bundle/'model')
    b = Bundle(bundle, {}, None)                                      # a Bundle made by hand checks too, before Topics.load
    with pytest.raises(ValueError, match='never'): b.topics

def test_trust_changed_loads_a_hand_edited_bundle_with_warnings(bundle):
    rewrite(bundle, 'records.parquet', lambda r: r.assign(venue='Corrected by hand'))
    with pytest.raises(ValueError, match='trust_changed=True'): load(bundle)   # the error says how to load it anyway
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        b = load(bundle, trust_changed=True)
    assert set(b.records.venue) == {'Corrected by hand'}
    assert [str(x.message) for x in w if 'records.parquet' in str(x.message)], [str(x.message) for x in w]
    rewrite(bundle, 'records.parquet', lambda r: r.assign(id='x'))
    with pytest.raises(ValueError, match='more than once'): load(bundle, trust_changed=True)   # trust does not waive the schema

def test_cli_report_verifies_and_trust_changed_reseals(bundle):
    run = lambda *a: subprocess.run([sys.executable, '-c', 'import sys; from paperlens.cli import main; sys.exit(main())', *map(str, a)],
                                    cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ, HF_HUB_OFFLINE='1'))
    r = run('report', bundle)
    assert r.returncode == 0, r.stderr
    rewrite(bundle, 'records.parquet', lambda r: r.assign(venue='Corrected by hand'))
    r = run('report', bundle)
    assert r.returncode == 1 and 'records.parquet: changed' in r.stderr and '--trust-changed' in r.stderr and 'Traceback' not in r.stderr
    r = run('report', bundle, '--trust-changed')
    assert r.returncode == 0 and 'warning' in r.stderr and 'records.parquet' in r.stderr, r.stderr
    assert run('report', bundle).returncode == 0                       # sealed again with the new hashes
    shutil.rmtree(bundle/'model'/'bertopic'); (bundle/'model'/'bertopic').write_bytes(PICKLE)
    r = run('report', bundle, '--trust-changed')
    assert r.returncode == 1 and 'never' in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr

# --- write failures: one line naming the path, the previous bundle intact, stale folders removed -------------------------------

def snapshot(d): return {str(p.relative_to(d)): p.read_bytes() for p in sorted(Path(d).rglob('*')) if p.is_file()}

@pytest.fixture
def quick_review(built, monkeypatch):
    "`review` with the topic fit replaced by loading the saved model (the write phase is what these tests exercise)"
    import paperlens.topics as T
    monkeypatch.setattr(T, 'fit_topics', lambda *a, **kw: T.Topics.load(built/'model'))
    from paperlens.report import review
    return lambda out, **kw: review(SEEDS, out=out, progress=False, **kw)

def test_full_disk_keeps_the_previous_bundle(bundle, quick_review, monkeypatch, capsys):
    before = snapshot(bundle)
    import paperlens.records as R
    real, n = R.os.fdopen, [0]
    class Full:
        def __init__(self, f): self.f = f
        def __enter__(self): return self
        def __exit__(self, *a): self.f.close()
        def write(self, b):
            n[0] += 1
            if n[0] > 3: raise OSError(errno.ENOSPC, 'No space left on device')   # the disk fills up a few files in
            return self.f.write(b)
    monkeypatch.setattr(R.os, 'fdopen', lambda fd, mode='r', *a, **k: Full(real(fd, mode, *a, **k)))
    from paperlens.records import WriteError
    with pytest.raises(WriteError) as e: quick_review(bundle)
    assert e.value.errno == errno.ENOSPC and str(bundle.parent) in str(e.value) and 'No space left on device' in str(e.value)
    monkeypatch.setattr(R.os, 'fdopen', real)
    assert snapshot(bundle) == before, 'a failed write changed the previous bundle'
    assert not list(bundle.parent.glob(f'.{bundle.name}.*')), 'temporary folder left behind'
    from paperlens.cli import main                                  # the command line says it in one line, exit code 1
    monkeypatch.setattr(R.os, 'fdopen', lambda fd, mode='r', *a, **k: Full(real(fd, mode, *a, **k))); n[0] = 0
    monkeypatch.chdir(ROOT)
    assert main(['review', str(SEEDS), '--out', str(bundle), '--quiet']) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'No space left on device' in err[0] and str(bundle.parent) in err[0] and 'unchanged' in err[0], err
    monkeypatch.setattr(R.os, 'fdopen', real)
    assert snapshot(bundle) == before

def test_read_only_output_folder_fails_before_any_work(bundle, quick_review, monkeypatch, capsys):
    before = snapshot(bundle)
    import tempfile, paperlens.topics as T
    real = tempfile.mkstemp
    def ro(*a, dir=None, **k):
        if dir is not None and Path(dir).resolve() in (bundle.resolve(), bundle.parent.resolve()): raise OSError(errno.EROFS, 'Read-only file system')
        return real(*a, dir=dir, **k)
    monkeypatch.setattr(tempfile, 'mkstemp', ro)
    fits = []
    monkeypatch.setattr(T, 'fit_topics', lambda *a, **kw: fits.append(1))
    from paperlens.cli import main
    monkeypatch.chdir(ROOT)
    assert main(['review', str(SEEDS), '--out', str(bundle), '--quiet']) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'Read-only file system' in err[0] and str(bundle) in err[0], err
    assert fits == [], 'the topic model was fitted before the output folder was checked'
    assert snapshot(bundle) == before
    if os.geteuid() != 0:                                           # a real read-only folder, where permissions apply
        monkeypatch.setattr(tempfile, 'mkstemp', real)
        os.chmod(bundle, 0o555)
        try: assert main(['review', str(SEEDS), '--out', str(bundle), '--quiet']) == 1
        finally: os.chmod(bundle, 0o755)
        assert snapshot(bundle) == before

def test_a_killed_run_leaves_a_folder_the_next_run_removes(built, tmp_path):
    "kill -9 during the write phase: the previous bundle is intact, and the next run removes the killed run's temporary folder"
    out = tmp_path/'bundle'; shutil.copytree(built, out)
    before = snapshot(out)
    script = f"""
import time, paperlens.topics as T, paperlens.report as R
T.fit_topics = lambda *a, **kw: T.Topics.load({str(built/'model')!r})
real = R.write_cited
def slow(*a, **k): r = real(*a, **k); open({str(tmp_path/'ready')!r}, 'w').close(); time.sleep(600); return r
R.write_cited = slow
R.review({str(SEEDS)!r}, out={str(out)!r}, progress=False)
"""
    p = subprocess.Popen([sys.executable, '-c', script], cwd=ROOT, env=dict(os.environ, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1'))
    try:
        for _ in range(600):
            if (tmp_path/'ready').exists() or p.poll() is not None: break
            time.sleep(0.2)
        assert p.poll() is None, 'the run ended before it could be killed'
        stale = list(tmp_path.glob('.bundle.*.tmp'))
        assert stale, 'no temporary folder while writing'
        p.send_signal(signal.SIGKILL); p.wait(30)
    finally:
        if p.poll() is None: p.kill()
    assert stale[0].exists() and snapshot(out) == before, 'the killed run touched the previous bundle'
    from paperlens.records import atomic_dir
    with atomic_dir(out) as tmp: shutil.copytree(built, tmp, dirs_exist_ok=True)   # the next run on the same folder
    assert not stale[0].exists(), 'the killed run\'s temporary folder is still there'
    assert not list(tmp_path.glob('.bundle.*')), list(tmp_path.iterdir())
    load(out)
