"""paperlens.enrich against a real HTTP server on 127.0.0.1 (tests/enrich_api.py) answering in the arXiv, Crossref and
OpenAlex formats (issue 12 item 5): the arXiv-only example records get titles, authors and dates and are then cited by
author and year; a rerun without the server gives the same bytes from the cache; 429, 500, a malformed body and a
response slower than the timeout are retried or reported per record, never cached; the rate limit is kept."""
import json, time
import pytest
from enrich_api import API
from paperlens.enrich import enrich, Fetcher, FetchError, enrich_corpus, write_enrich_report, incomplete, apply_metadata
from paperlens.cite import Citations, to_bibtex
from paperlens.ingest import read

FAST = dict(delays={'arxiv': 0, 'crossref': 0, 'openalex': 0}, backoff=0.01)

@pytest.fixture
def api():
    a = API()
    yield a
    a.close()

@pytest.fixture(scope='module')
def seeds(examples): return read(examples)

def _ax(corpus): return corpus.records[corpus.records.arxiv_id.notna()]

def test_fills_arxiv_only_records_then_cited_by_author_and_year(api, seeds, tmp_path):
    ax = _ax(seeds)
    assert ax.title.isna().all() and (ax.authors.map(len) == 0).all()      # the examples as they come
    e = enrich(seeds.records, tmp_path/'cache', apis=api.apis, **FAST)
    got = e.records.set_index('id').loc[ax.id]
    assert got.title.notna().all() and (got.authors.map(len) > 0).all() and got.year.notna().all()
    entries = api.entries
    for rid, r in got.iterrows():
        want = entries[r.arxiv_id]
        assert r.title == want['title'] and [a['family'] for a in r.authors] == [n.split()[-1] for n in want['authors']]
        assert r.year == int(want['published'][:4]) and r.month == int(want['published'][5:7])
        assert {x['kind'] for x in r.repairs if x['field'] == 'title'} == {'enriched from arXiv API'}
    arxiv_calls = api.requests('arxiv')
    assert len(arxiv_calls) == 2 and all('id_list=' in u for u in arxiv_calls)   # batched
    c = Citations(e.records, 'apa')
    some = got.index[0]
    fam = got.loc[some, 'authors'][0]['family']
    assert c.cite(some).startswith(f'({fam}') and str(got.loc[some, 'year']) in c.cite(some)
    assert 'arXiv:' not in c.cite(some)

def test_rerun_offline_is_byte_identical(api, seeds, tmp_path):
    c1 = enrich_corpus(seeds, cache_dir=tmp_path/'cache', apis=api.apis, **FAST)
    p1 = write_enrich_report(c1, tmp_path/'a')
    b1 = to_bibtex(c1.records)
    n = len(api.log)
    api.close()                                                              # no server any more
    c2 = enrich_corpus(seeds, cache_dir=tmp_path/'cache', offline=True)
    p2 = write_enrich_report(c2, tmp_path/'b')
    assert len(api.log) == n
    assert to_bibtex(c2.records) == b1
    assert p1['incomplete'].read_bytes() == p2['incomplete'].read_bytes()
    r1, r2 = (json.loads(p['report'].read_text()) for p in (p1, p2))
    assert r1['records'] == r2['records'] and r2['stats']['requests'] == 0
    cached = list((tmp_path/'cache').rglob('*'))
    assert any(p.suffix == '.xml' for p in cached) and all(p.suffix in ('.xml', '.json', '.url') for p in cached if p.is_file())
    xml = next(p for p in cached if p.suffix == '.xml').read_text()
    assert xml.lstrip().startswith('<?xml') and '<feed' in xml                   # the API's own body, as sent

def test_429_is_retried(api, tmp_path):
    api.fail['arxiv'] = ('429', 2)
    waits = []
    e = enrich([dict(id='x', arxiv_id='2502.18277')], tmp_path, apis=api.apis, delays={'arxiv': 0}, sleep=waits.append)
    assert e.report[0]['status'] == 'filled' and len(api.requests('arxiv')) == 3
    assert waits == [0.0, 0.0]                                                  # the server's Retry-After

def test_500_fails_after_retries_and_is_not_cached(api, tmp_path):
    api.fail['crossref'] = ('500', 99)
    rec = [dict(id='j', doi='10.3390/cancers12030001')]
    e = enrich(rec, tmp_path, apis=api.apis, retries=2, sources=('crossref',), **{k: v for k, v in FAST.items()})
    rep = e.report[0]
    assert rep['status'] == 'failed' and 'HTTP 500' in rep['failed'][0] and len(api.requests('crossref')) == 3
    api.fail.clear()
    e2 = enrich(rec, tmp_path, apis=api.apis, sources=('crossref',), **FAST)
    assert e2.report[0]['status'] == 'filled' and e2.records.venue.iloc[0] == 'Cancers'

def test_malformed_body_is_a_failure_not_a_result(api, tmp_path):
    api.fail['arxiv'] = ('malformed', 1)
    e = enrich([dict(id='x', arxiv_id='2502.18277')], tmp_path, apis=api.apis, **FAST)
    assert e.report[0]['status'] == 'failed' and 'malformed response' in e.report[0]['failed'][0]
    assert not list(tmp_path.rglob('*.xml'))
    e2 = enrich([dict(id='x', arxiv_id='2502.18277')], tmp_path, apis=api.apis, **FAST)
    assert e2.report[0]['status'] == 'filled'

def test_slow_response_times_out(api, tmp_path):
    api.fail['openalex'] = ('slow', 1.5)
    t = time.monotonic()
    e = enrich([dict(id='c', doi='10.1145/3580305.3599000')], tmp_path, apis=api.apis, sources=('openalex',), timeout=0.3, retries=1, **FAST)
    assert e.report[0]['status'] == 'failed' and 'timed out' in e.report[0]['failed'][0], e.report
    assert time.monotonic() - t < 5

def test_arxiv_rate_limit_kept(api, tmp_path):
    "One request every 3 s to arXiv by default: the waits between batches add up to the gap"
    waits, clock = [], [0.0]
    recs = [dict(id=f'r{i}', arxiv_id=a) for i, a in enumerate(api.entries)]
    f = Fetcher(tmp_path, apis=api.apis, sleep=waits.append)
    e = enrich(recs, tmp_path, batch=20, fetcher=f)
    assert len(api.requests('arxiv')) == 5 and len(waits) == 4
    assert all(2.0 < w <= 3.0 for w in waits), waits
    assert e.stats['status']['filled'] == 100

def test_contact_address_and_user_agent(api, tmp_path):
    enrich([dict(id='b', doi='10.3390/cancers12030001')], tmp_path, apis=api.apis, mailto='me@example.org', sources=('crossref',), **FAST)
    assert 'mailto=me%40example.org' in api.requests('crossref')[0]
    # the contact address is not part of the cache key: without it the rerun is a cache hit
    n = len(api.log)
    enrich([dict(id='b', doi='10.3390/cancers12030001')], tmp_path, apis=api.apis, sources=('crossref',), **FAST)
    assert len(api.log) == n

def test_offline_without_cache_fails_per_record(api, tmp_path):
    e = enrich([dict(id='x', arxiv_id='2502.18277')], tmp_path, offline=True)
    assert e.report[0]['status'] == 'failed' and 'offline' in e.report[0]['failed'][0] and api.log == []

def test_conflicts_are_kept_and_listed(api, tmp_path):
    e = enrich([dict(id='a', arxiv_id='2502.18277', title='Self-Adjust Softmax', year=2024)], tmp_path, apis=api.apis, **FAST)
    r = e.records.iloc[0]
    assert r.title == 'Self-Adjust Softmax' and r.year == 2024
    assert {c['field'] for c in e.conflicts} == {'title', 'year'}
    assert any(f.startswith('enrich-conflict: year') for f in r['flags'])
    assert r.authors[0]['family'] == 'Zheng'                                   # the empty field is still filled
    assert __import__('pandas').isna(r.month)                                 # arXiv's month belongs to arXiv's year, not the record's

def test_incomplete_listed_with_source_and_metadata_reapplied(api, seeds, tmp_path):
    c = enrich_corpus(seeds, cache_dir=tmp_path/'cache', apis=api.apis, **FAST)
    inc = incomplete(c.records)
    assert len(inc) and inc.source.str.contains('.txt:').all() and inc.missing.str.len().gt(0).all()
    assert not set(_ax(seeds).id) & set(inc.id[inc.missing.str.contains('title')])   # the arXiv records got their titles
    p = write_enrich_report(c, tmp_path/'out')['incomplete']
    assert p.read_text().splitlines()[0].startswith('missing,source,id,title,authors,year')
    rid = inc.id.iloc[0]
    meta = tmp_path/'meta.json'
    meta.write_text(json.dumps([{'id': rid, 'title': 'Filled By Hand', 'year': 2021, 'authors': 'Doe, Jane'}]))
    again = enrich_corpus(seeds, metadata=meta, cache_dir=tmp_path/'cache', offline=True)
    r = again.records.set_index('id').loc[rid]
    assert (r.title, r.year, r.authors[0]['family']) == ('Filled By Hand', 2021, 'Doe')
    assert again.report['enrich']['metadata']['problems'] == []
    assert rid not in set(incomplete(again.records).id[incomplete(again.records).missing.str.contains('title')])

def test_cli_enrich_against_local_server(api, examples, tmp_path, capsys):
    from paperlens.cli import main
    out, cache = tmp_path/'out', tmp_path/'cache'
    args = ['enrich', str(examples), '--out', str(out), '--enrich-cache', str(cache), '--quiet',
            '--api', f"arxiv={api.apis['arxiv']}", f"crossref={api.apis['crossref']}", f"openalex={api.apis['openalex']}"]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert '100 filled' in said and 'still incomplete' in said
    files = {p.name for p in out.iterdir()}
    assert {'records.parquet', 'enrich_report.json', 'incomplete.csv', 'references.bib'} <= files
    first = {n: (out/n).read_bytes() for n in ('references.bib', 'incomplete.csv', 'enrich_report.json')}
    api.close()
    assert main(args[:2] + ['--out', str(tmp_path/'again'), '--enrich-cache', str(cache), '--quiet', '--offline']) == 0
    first_again = {n: (tmp_path/'again'/n).read_bytes() for n in first}
    assert first_again['references.bib'] == first['references.bib'] and first_again['incomplete.csv'] == first['incomplete.csv']
    bib = first['references.bib'].decode()
    assert bib.count('@misc{') >= 100 and 'eprint = {2401.00165}' in bib

def test_cli_enrich_bad_api_setting(examples, tmp_path, capsys):
    from paperlens.cli import main
    assert main(['enrich', str(examples), '--out', str(tmp_path), '--api', 'scopus=http://x']) == 1
    assert '--api' in capsys.readouterr().err

@pytest.mark.slow
def test_review_enrich_cites_arxiv_records_by_author_and_year(api, examples, tmp_path):
    "issue 12 done-when: `review --enrich` against the local server; the review then cites the arXiv-only records by author and year"
    from paperlens.report import review
    b = review(examples, out=tmp_path/'bundle', progress=False, enrich=True,   # the shared embedding cache, as the other reviews
               enrich_options=dict(apis=api.apis, cache_dir=tmp_path/'cache', delays={'arxiv': 0, 'crossref': 0, 'openalex': 0}))
    recs = b.corpus.records
    ax = recs[recs.arxiv_id.notna()]
    assert ax.title.notna().all() and (ax.authors.map(len) > 0).all()
    assert b.corpus.report['enrich']['stats']['status']['filled'] == len(ax)
    md = (tmp_path/'bundle'/'review.md').read_text()
    fam = {a['family'] for au in ax.authors for a in au}
    assert sum(f in md for f in fam) >= 10                       # cited by their authors' names now
    assert 'arXiv:2401.00165 (' not in md
    bib = (tmp_path/'bundle'/'references.bib').read_text()
    assert 'eprint = {2401.00165}' in bib and 'author = {' in bib.split('eprint = {2401.00165}')[0].rsplit('@', 1)[-1]
