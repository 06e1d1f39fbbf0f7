"End-to-end: the `paperlens` command line on the bundled examples, the review bundle it writes, and reopening it"
import base64, hashlib, json, os, re, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT/'examples'/'seeds'
FIX = ROOT/'tests'/'fixtures'/'report'
pytestmark = pytest.mark.slow   # real MiniLM embeddings and BERTopic fits: about 40 s per `paperlens` run on 2 cores

BUNDLE_FILES = ['report.html', 'report.md', 'manifest.json', 'records.parquet', 'topics.parquet', 'topic_info.csv',
                'topic_quality.json', 'references.bib', 'references.ris', 'references.json', 'ingest_report.json',
                'ingest_report.md', 'review.md', 'review.tex']

def paperlens_cmd():
    "the installed console script, or the same entry point through this interpreter"
    exe = Path(sys.executable).parent/'paperlens'
    return [str(exe)] if exe.exists() else [sys.executable, '-c', 'import sys; from paperlens.cli import main; sys.exit(main())']

@pytest.fixture(scope='module')
def env(tmp_path_factory):
    e = dict(os.environ, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TOKENIZERS_PARALLELISM='false', PYTHONHASHSEED='0',
             PAPERLENS_CACHE=str(tmp_path_factory.mktemp('cache')))
    return e

def run(env, *args, cwd=ROOT, timeout=600):
    return subprocess.run([*paperlens_cmd(), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)

def snapshot(d):
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(Path(d).rglob('*')) if p.is_file()}

INJECTION = FIX/'script_injection.bib'   # a BibTeX record whose title and abstract carry HTML and a <script>

@pytest.fixture(scope='module')
def bundle(env, tmp_path_factory):
    "the README's review on the examples, plus one hostile record: the run every test below inspects"
    out = tmp_path_factory.mktemp('review')/'bundle'
    r = run(env, 'review', 'examples/seeds', INJECTION.relative_to(ROOT), '--out', out, '--quiet')
    assert r.returncode == 0, r.stderr
    return out, r

def test_help_and_usage_exit_codes(env):
    r = run(env, '--help')
    assert r.returncode == 0
    for cmd in ('ingest', 'topics', 'cite', 'review', 'report'): assert re.search(rf'^\s+{cmd}\s+\S', r.stdout, re.M), r.stdout
    assert run(env).returncode == 1                                   # no subcommand: the run failed (2 means 'done, some input not read whole')
    r = run(env, 'frobnicate', 'x')
    assert r.returncode == 1 and 'unknown subcommand' in r.stderr
    r = run(env, 'review', 'examples/seeds')                          # --out is required
    assert r.returncode == 1 and '--out' in r.stderr
    r = run(env, 'review', '--help')
    assert r.returncode == 0 and '--nr-topics' in r.stdout and '--style' in r.stdout

def test_review_writes_the_bundle(bundle):
    out, r = bundle
    for f in BUNDLE_FILES: assert (out/f).is_file(), f
    assert list((out/'figures').glob('*.png')) and list((out/'figures').glob('*.svg'))
    assert (out/'figures'/'prisma_flow.png').exists() and (out/'model').is_dir()
    assert 'report:' in r.stdout and 'report.html' in r.stdout and 'topics' in r.stdout
    assert not list(out.parent.glob('.*.tmp')), 'temporary build folder left behind'
    assert not [p for p in out.rglob('*') if p.suffix in ('.pkl', '.pickle')], 'no pickle in the bundle'

def test_manifest_hashes_inputs_and_has_no_timestamps(bundle):
    out, _ = bundle
    m = json.loads((out/'manifest.json').read_text())
    got = {Path(i['path']).name: i['sha256'] for i in m['inputs']}
    want = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*SEEDS.iterdir(), INJECTION]}
    assert got == want
    assert m['settings']['seed'] == 42 and m['settings']['style'] == 'apa'
    assert m['paperlens'] and m['libraries']['bertopic']
    assert not re.search(r'20\d\d-\d\d-\d\dT\d\d:', (out/'manifest.json').read_text()), 'a timestamp in the manifest'
    for f, h in m['bundle'].items(): assert hashlib.sha256((out/f).read_bytes()).hexdigest() == h, f

def test_report_counts_and_is_self_contained(bundle):
    out, _ = bundle
    html = (out/'report.html').read_text()
    md = (out/'report.md').read_text()
    assert 'We identified 141 records in 6 input files' in md and '141 records were included' in md
    assert '## Methods' in md and '## Review' in md and '## References' in md
    srcs = re.findall(r'<img[^>]+src="([^"]*)"', html)
    assert len(srcs) >= 3 and all(s.startswith('data:image/') for s in srcs), srcs[:3]
    assert not re.search(r'<link\b|<script[^>]+src=', html), 'external resources in the report'
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]
    for attrs, js in re.findall(r'<script([^>]*)>(.*?)</script>', html, flags=re.S):   # a script runs only when it is the report's own
        if 'application/json' in attrs: continue                                      # data, never run
        h = base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
        assert f"'sha256-{h}'" in csp, f'a script the CSP does not allow: {js[:80]!r}'
    assert not re.search(r'(src|href)="(https?:)?//', html.split('id="references"')[0]), 'a remote resource in the report'

def test_rerun_is_byte_identical_and_reuses_the_cache(bundle, env):
    out, _ = bundle
    before = snapshot(out)
    cache = snapshot(env['PAPERLENS_CACHE'])
    assert cache, 'the embedding cache is empty after a run'
    r = run(env, 'review', 'examples/seeds', INJECTION.relative_to(ROOT), '--out', out, '--quiet')
    assert r.returncode == 0, r.stderr
    after = snapshot(out)
    assert sorted(after) == sorted(before)
    assert [f for f in before if before[f] != after[f]] == []
    assert snapshot(env['PAPERLENS_CACHE']).keys() == cache.keys(), 'the rerun embedded again instead of reusing the cache'

def test_html_escapes_record_text(bundle):
    out, _ = bundle
    html = (out/'report.html').read_text()
    assert 'Not All You Need' in html, 'the hostile record is not in the report'
    assert '<script>window.__pwned' not in html and '<b>Bold</b>' not in html and '<img src=x' not in html and 'onerror="' not in html
    if 'pwned' in html: assert '&lt;script&gt;window.__pwned' in html   # where the abstract is quoted, it is text
    md = (out/'report.md').read_text()
    assert not re.search(r'(?<!\\)<(script|img)', md), 'raw HTML in report.md'   # Markdown escapes it: \\<script\\>

def test_bad_input_names_the_file(env, tmp_path):
    for bad in (FIX/'empty_file.txt', FIX/'png_image.bin'):
        r = run(env, 'ingest', bad, '--out', tmp_path/'o')
        assert r.returncode == 1, (bad, r.stdout, r.stderr)
        assert bad.name in r.stderr and 'Traceback' not in r.stderr, r.stderr
    r = run(env, 'review', tmp_path/'no_such_file.bib', '--out', tmp_path/'o')
    assert r.returncode == 1 and 'no_such_file.bib' in r.stderr and 'Traceback' not in r.stderr
    r = run(env, 'ingest', 'examples/seeds', FIX/'empty_file.txt', '--out', tmp_path/'ok')   # one bad file among good ones
    assert r.returncode == 2, r.stderr                                  # done, but not every input was read whole
    assert 'empty_file.txt: unreadable' in r.stdout and 'not read whole' in r.stdout
    assert (tmp_path/'ok'/'records.parquet').exists() and '140 records' in r.stdout
    assert re.search(r'empty\\?_file\.txt', (tmp_path/'ok'/'ingest_report.md').read_text())   # Markdown-escaped: empty\_file.txt

def test_bad_style_and_foreign_out_folder(env, tmp_path):
    r = run(env, 'cite', 'examples/seeds', '--out', tmp_path/'c', '--style', 'no-such-style')
    assert r.returncode == 1 and 'no-such-style' in r.stderr and 'Traceback' not in r.stderr
    mine = tmp_path/'thesis'; mine.mkdir(); (mine/'chapter1.tex').write_text('precious')
    r = run(env, 'review', 'examples/seeds', '--out', mine, '--quiet')
    assert r.returncode == 1 and 'not a paperlens output folder' in r.stderr
    assert (mine/'chapter1.tex').read_text() == 'precious'

def test_interrupted_run_keeps_the_previous_bundle(bundle, env, monkeypatch):
    "a run stopped while writing (Ctrl-C here) leaves the previous bundle as it was and no temporary folder"
    for k in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE', 'PAPERLENS_CACHE'): monkeypatch.setenv(k, env[k])
    import paperlens.report as R, paperlens.topics as T
    out, _ = bundle
    before = snapshot(out)
    monkeypatch.setattr(T, 'fit_topics', lambda *a, **kw: T.Topics.load(out/'model'))   # skip the slow fit: the model is at hand
    def interrupt(b): raise KeyboardInterrupt
    monkeypatch.setattr(R, 'render_html', interrupt)
    monkeypatch.chdir(ROOT)
    with pytest.raises(KeyboardInterrupt): R.review('examples/seeds', INJECTION, out=out, style='ieee', progress=False)
    assert snapshot(out) == before, 'an interrupted run changed the previous bundle'
    assert not list(out.parent.glob(f'.{out.name}.*')), 'temporary folder left behind'

def test_subcommands(env, tmp_path):
    r = run(env, 'ingest', 'examples/seeds', '--out', tmp_path/'i')
    assert r.returncode == 0, r.stderr
    assert {'records.parquet', 'ingest_report.json', 'ingest_report.md'} <= {p.name for p in (tmp_path/'i').iterdir()}
    r = run(env, 'topics', 'examples/seeds', '--out', tmp_path/'t', '--seed', '42', '--nr-topics', '5')
    assert r.returncode == 0, r.stderr
    assert {'topics.parquet', 'topic_info.csv', 'topic_quality.json', 'figures'} <= {p.name for p in (tmp_path/'t').iterdir()}
    assert re.search(r'\b[1-5] topics on 140 records', r.stdout), r.stdout
    r = run(env, 'cite', 'examples/seeds', '--out', tmp_path/'c', '--style', 'ieee')
    assert r.returncode == 0, r.stderr
    assert {'review.md', 'review.tex', 'references.bib', 'references.ris', 'references.json'} <= {p.name for p in (tmp_path/'c').iterdir()}

def test_load_round_trip(bundle):
    from paperlens.report import load
    from paperlens.records import read_parquet
    out, _ = bundle
    b = load(out)
    assert len(b.corpus) == len(read_parquet(out/'records.parquet')) == 141
    assert b.review_md == (out/'review.md').read_text() and b.review_md.strip()
    a = read_parquet(out/'topics.parquet')
    assert b.topics.assignments_[['id', 'topic']].reset_index(drop=True).equals(a[['id', 'topic']])
    assert b.manifest['settings']['seed'] == 42 and b.ntopics >= 2
    with pytest.raises(FileNotFoundError, match='manifest.json'): load(FIX)
