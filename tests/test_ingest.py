"End-to-end tests of `paperlens.ingest.read` / `write_ingest`: the books balance, bad input is reported, overrides stick, output is deterministic"
import json, os, shutil, subprocess, sys
from pathlib import Path
import pandas as pd
import pytest
from paperlens.escape import md_text
from paperlens.ingest import read, write_ingest
from paperlens.records import Corpus

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT/'examples'/'seeds'
MIXED = ROOT/'tests'/'fixtures'/'ingest'/'mixed'

def balanced(c):
    for s in c.report['files']:
        assert s['seen'] == s['parsed'] + s['merged'] + s['rejected'], s
    t = c.report['totals']
    assert t['seen'] == t['parsed'] + t['merged'] + t['rejected']
    assert t['parsed'] == len(c.records)

@pytest.fixture(scope='module')
def seeds(): return read(SEEDS)

def test_seeds_table(seeds):
    r = seeds.records
    assert len(r) == 140 and r.id.is_unique
    assert [s['seen'] for s in seeds.report['files']] == [10, 100, 10, 10, 10]
    assert r.source_lines.map(len).eq(2).all() and r.source_file.notna().all()
    s001 = r[r.source_file.str.contains('001_')]
    assert s001.year.notna().all() and s001.month.notna().all()
    assert set(s001.set_index('arxiv_id').loc['2401.00165', ['year', 'month']]) == {2024, 1}
    assert seeds.decisions.action.tolist() == ['flagged']
    assert set(seeds.decisions.loc[0, ['id_a', 'id_b']]) == {'arxiv:2107.05720', 'arxiv:2109.10086'}
    balanced(seeds)

def test_duplicates_across_files_and_rejected():
    c = read(MIXED)
    balanced(c)
    assert len(c.records) == 3
    per = {Path(s['file']).name: (s['seen'], s['parsed'], s['merged'], s['rejected']) for s in c.report['files']}
    assert per == {'a_viewer.txt': (2, 1, 1, 0), 'b_viewer.txt': (1, 1, 0, 0), 'profile.txt': (2, 1, 1, 0), 'refs.bib': (2, 0, 1, 1)}
    kept = c.records.set_index('id').loc['arxiv:2107.05720']
    assert kept.arxiv_version == 2 and kept.doi == '10.1145/3404835.3463098' and len(kept.merged_from) == 3
    assert any('refs.bib:11' in p for p in c.report['problems'])

def test_same_file_twice_and_nested_folders(tmp_path):
    (tmp_path/'sub'/'deeper').mkdir(parents=True)
    shutil.copy(MIXED/'b_viewer.txt', tmp_path/'sub'/'deeper'/'b.txt')
    shutil.copy(MIXED/'a_viewer.txt', tmp_path/'a.txt')
    (tmp_path/'.git').mkdir(); (tmp_path/'.git'/'x.txt').write_text('Abstract: hidden')
    c = read(tmp_path, tmp_path/'a.txt')     # a.txt named twice: read once
    assert [Path(s['file']).name for s in c.report['files']] == ['a.txt', 'b.txt']
    assert len(c.records) == 2
    balanced(c)

def test_bad_inputs(tmp_path):
    (tmp_path/'empty.bib').write_text('')
    (tmp_path/'blob.pdf').write_bytes(bytes(range(256)) * 8)
    (tmp_path/'unknown.txt').write_text('hello world\nnothing here\n')
    (tmp_path/'utf16.ris').write_bytes('TY  - JOUR\r\nTI  - Über Retrieval\r\nAU  - Müller, Jörg\r\nPY  - 2020\r\nER  - \r\n'.encode('utf-16'))
    (tmp_path/'latin1.bib').write_bytes('@article{k, title={Caf\xe9 retrieval}, author={Dupr\xe9, Ren\xe9}, year={2019}}\n'.encode('latin-1'))
    c = read(tmp_path)
    balanced(c)
    per = {Path(s['file']).name: s for s in c.report['files']}
    assert per['empty.bib']['seen'] == 0 and per['blob.pdf']['seen'] == 0 and per['unknown.txt']['seen'] == 0
    assert c.report['totals']['unreadable_files'] == 3
    assert {n.split(':')[0].split('/')[-1] for n in c.report['problems']} == {'empty.bib', 'blob.pdf', 'unknown.txt'}
    assert set(c.records.title) == {'Über Retrieval', 'Café retrieval'}

def test_nothing_readable_raises_with_reasons(tmp_path):
    (tmp_path/'empty.bib').write_text('')
    (tmp_path/'blob.pdf').write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ValueError) as e: read(tmp_path)
    msg = str(e.value)
    assert 'nothing could be read' in msg and 'empty.bib' in msg and 'blob.pdf' in msg

def test_missing_path_is_named(tmp_path):
    c = read(SEEDS, tmp_path/'nope.bib')   # the good input is still read; the missing one is named and the run says so
    assert len(c.records) == 140 and 'nope.bib: no such file or folder' in ' '.join(c.notes.reason) and exit_code(c) == 2
    with pytest.raises(ValueError, match='nope.bib: no such file or folder'): read(tmp_path/'nope.bib')
    with pytest.raises(ValueError): read()

def test_overrides_reapplied(tmp_path):
    ov = tmp_path/'decisions.csv'
    ov.write_text('id_a,id_b,decision\narxiv:2109.10086,arxiv:2107.05720,accept\n')
    a, b = read(SEEDS, decisions=ov), read(SEEDS, decisions=ov)
    assert len(a.records) == 139 and a.records.equals(b.records)
    balanced(a)
    kept = a.records[a.records.merged_from.map(len) > 0]
    assert len(kept) == 1 and 'arxiv:2107.05720' in kept.merged_from.iloc[0][0]   # the newer paper is kept
    # reject: keep apart a pair we would merge
    prof = read(MIXED).decisions
    pid = prof.loc[prof.reason.str.startswith('same title'), 'id_a'].item()
    rj = tmp_path/'reject.json'
    rj.write_text(json.dumps([{'id_a': pid, 'id_b': 'arxiv:2107.05720', 'decision': 'reject'}]))
    c = read(MIXED, decisions=rj)
    assert len(c.records) == 4 and pid in set(c.records.id)
    balanced(c)
    bad = tmp_path/'bad.csv'; bad.write_text('id_a,id_b,decision\nx,y,perhaps\n')
    with pytest.raises(ValueError, match='row 1'): read(SEEDS, decisions=bad)

def test_write_ingest_deterministic(tmp_path):
    o1 = write_ingest(read(SEEDS), tmp_path/'one')
    o2 = write_ingest(read(SEEDS), tmp_path/'two')
    for name in ('records.parquet', 'notes.parquet', 'decisions.parquet', 'ingest_report.json', 'ingest_report.md'):
        assert (o1/name).read_bytes() == (o2/name).read_bytes(), name
    back = Corpus.load(o1)
    assert len(back.records) == 140 and back.report['totals']['records'] == 140
    md = (o1/'ingest_report.md').read_text()
    assert md_text('001_63d5592b717af710.txt:1-8') in md and 'header' in md     # non-record lines with file:line (escaped as Markdown text)
    assert 'arxiv:2107.05720' in md                                    # the duplicate decision

def test_records_bytes_identical_across_processes(tmp_path):
    "Same input, fresh interpreter, different hash seed: byte-identical records.parquet"
    code = 'import sys; from paperlens.ingest import read, write_ingest; write_ingest(read(sys.argv[1]), sys.argv[2])'
    for i, seed in enumerate(('1', '2')):
        subprocess.run([sys.executable, '-c', code, str(SEEDS), str(tmp_path/f'o{i}')], check=True, env={'PYTHONHASHSEED': seed, 'PATH': ''})
    assert (tmp_path/'o0'/'records.parquet').read_bytes() == (tmp_path/'o1'/'records.parquet').read_bytes()

def test_duplicates_across_formats_by_doi(tmp_path):
    "The same paper as BibTeX and as RIS (DOI with resolver prefix and upper case): merged, provenance kept"
    shutil.copy(MIXED/'refs.bib', tmp_path/'refs.bib')
    (tmp_path/'zotero.ris').write_text('TY  - CONF\nTI  - SPLADE: Sparse Lexical and Expansion Model for First Stage Ranking\nAU  - Formal, Thibault\n'
                                       'PY  - 2021\nDO  - https://doi.org/10.1145/3404835.3463098\nAB  - In neural Information Retrieval, '
                                       'ongoing research is directed towards improving the first retriever.\nER  - \n\n'
                                       'TY  - JOUR\nTI  - Another paper\nAU  - Doe, Jane\nPY  - 2020\nER  - \n')
    c = read(tmp_path)
    balanced(c)
    assert len(c.records) == 2
    merged = c.records[c.records.merged_from.map(len) > 0].iloc[0]
    assert merged.doi == '10.1145/3404835.3463098' and merged.abstract.startswith('In neural')   # filled from the RIS record
    assert (c.decisions.kind == 'exact').all() and c.decisions.reason.str.contains('DOI').any()


# --- issue 15.1 / 11.4-11.6: no crash on a record, the truth about every input, order-free ---------------------------
from paperlens.ingest import summary_line, exit_code

def test_latex_that_broke_pylatexenc_never_stops_a_run(tmp_path):
    "A real arXiv abstract (April 2007) made pylatexenc raise KeyError in fix_latex and killed the whole ingest"
    (tmp_path/'arxiv.jsonl').write_text(json.dumps({'id': '0704.0002', 'title': 'Calorimeter response',
        'abstract': r'The energy resolution is $6%/\sqrt(E{\gamma} [GeV])$ for photons.'}) + '\n' +
        json.dumps({'id': '0704.0003', 'title': 'Another paper', 'abstract': 'Plain text.'}) + '\n')
    c = read(tmp_path)
    assert len(c.records) == 2 and c.report['totals']['seen'] == 2
    assert 'Calorimeter response' in set(c.records.title)

def test_unreadable_file_beside_a_good_one_is_named_and_exit_2(tmp_path):
    (tmp_path/'good.bib').write_text('@article{a, title={A good paper}, author={Doe, Jane}, year={2020}}\n')
    (tmp_path/'blob.pdf').write_bytes(bytes(range(256)) * 8)
    c = read(tmp_path)
    line = summary_line(c)
    assert 'blob.pdf (unreadable)' in line and line.startswith('1 record from 2 files')
    assert exit_code(c) == 2 and c.report['totals']['unreadable_files'] == 1 and not c.report['totals']['complete']

def test_partly_read_file_is_exit_2(tmp_path):
    (tmp_path/'refs.bib').write_text('@article{a, title={Fine}}\n\n@article{b, title={Never closed\n\n@article{c, title={Also fine}}\n')
    c = read(tmp_path)
    assert exit_code(c) == 2 and [s['status'] for s in c.report['files']] == ['partly read'] and 'partly read' in summary_line(c)

def test_every_input_read_is_exit_0():
    assert exit_code(read(SEEDS)) == 0

def test_skipped_paths_are_notes(tmp_path):
    (tmp_path/'a.bib').write_text('@article{a, title={A}}\n')
    (tmp_path/'loop').symlink_to(tmp_path)
    (tmp_path/'dangling.ris').symlink_to(tmp_path/'gone.ris')
    locked = tmp_path/'locked'; locked.mkdir(); (locked/'b.bib').write_text('@article{b, title={B}}\n'); locked.chmod(0)
    try: c = read(tmp_path)
    finally: locked.chmod(0o755)
    reasons = ' '.join(c.notes.reason)
    assert len(c.records) >= 1 and 'dangling link' in reasons and 'already read' in reasons
    if os.geteuid() != 0: assert 'permission denied' in reasons.lower()
    assert exit_code(c) == 2

def test_non_utf8_file_name_is_read_and_named(tmp_path):
    name = os.fsdecode(b'caf\xe9.bib')
    (tmp_path/name).write_text('@article{a, title={Café culture}}\n')
    c = read(tmp_path)
    assert len(c.records) == 1 and c.records.source_file[0].endswith('caf\\xe9.bib')
    write_ingest(c, tmp_path/'out')   # the name can be written to Parquet and Markdown

def test_file_order_never_changes_records(tmp_path):
    files = sorted(SEEDS.glob('*.txt')) + sorted(MIXED.iterdir())
    a, b = read(*files), read(*reversed(files))
    assert a.records.id.tolist() == b.records.id.tolist()
    assert a.records.drop(columns=['merged_from']).equals(b.records.drop(columns=['merged_from']))
    assert a.decisions[['id_a', 'id_b', 'action']].equals(b.decisions[['id_a', 'id_b', 'action']])

def _ris(*recs):
    return ''.join(f"TY  - JOUR\nTI  - {t}\n" + (f"AB  - {a}\n" if a else '') + (f"PY  - {y}\n" if y else '') + (f"UR  - https://arxiv.org/abs/{x}\n" if x else '') + "ER  - \n\n"
                   for t, a, y, x in recs)

def test_read_protects_the_corpus_words_across_files(tmp_path):
    "`read` repairs the corpus as a whole (`repair_all`): a long token two records use is a word, not glue to split"
    (tmp_path/'a.ris').write_text(_ris(('Kinetics of cytochromeoxidase', None, 2001, None)), encoding='utf-8')
    (tmp_path/'b.ris').write_text(_ris(('Oxygen binding', 'cytochromeoxidase binds oxygen in the membrane', 2003, None)), encoding='utf-8')
    c = read(tmp_path)
    assert sorted(c.records.title) == ['Kinetics of cytochromeoxidase', 'Oxygen binding']
    assert 'cytochromeoxidase binds' in c.records.abstract.dropna().iloc[0]
    balanced(c)

def test_one_failing_repair_costs_nothing(tmp_path, monkeypatch):
    "A record whose repair raises is kept as read and flagged `repair-failed`; the others are still repaired, also if `repair_all` fails"
    import paperlens.clean as clean, paperlens.ingest as ingest
    real = clean._repair
    monkeypatch.setattr(clean, '_repair', lambda r: (_ for _ in ()).throw(RuntimeError('boom')) if 'Boom' in (r.get('title') or '') else real(r))
    (tmp_path/'a.ris').write_text(_ris(('Boom title', None, 2001, None), ('Fine  title with  spaces', None, 2002, None)), encoding='utf-8')
    for broken in (False, True):
        if broken: monkeypatch.setattr(ingest, 'repair_all', lambda recs: (_ for _ in ()).throw(MemoryError('all at once')))
        c = read(tmp_path/'a.ris')
        r = c.records.set_index('title')
        assert any(str(f).startswith('repair-failed') for f in r.loc['Boom title', 'flags']), r.loc['Boom title', 'flags']
        assert 'Fine title with spaces' in r.index and c.report['totals']['repaired'] == 1
        balanced(c)

def test_derived_arxiv_doi_is_not_a_repair(tmp_path):
    "An arXiv record gets its DataCite DOI derived (`clean.DERIVED`): logged, but not counted as a repaired record"
    from paperlens.clean import DERIVED
    (tmp_path/'a.ris').write_text(_ris(('Clean title', 'A clean abstract.', 2024, '2401.00165')), encoding='utf-8')
    c = read(tmp_path/'a.ris')
    assert c.records.doi.iloc[0] == '10.48550/arxiv.2401.00165', c.records.iloc[0].to_dict()
    assert any(e['kind'] == DERIVED for e in c.records.repairs.iloc[0])
    assert c.report['totals']['repaired'] == 0 and c.report['files'][0]['repaired'] == 0

def test_csv_from_pandas_has_no_nan_text(tmp_path):
    "A CSV a script wrote with pandas (missing values as `nan`, BibTeX types in `ENTRYTYPE`) reads with empty fields as None and CSL types"
    df = pd.DataFrame({'ENTRYTYPE': ['article', 'inproceedings'], 'title': ['Sparse retrieval at scale', 'Dense retrieval at scale'],
                       'author': ['Smith, J.', 'Doe, A.'], 'year': [2020, 2021], 'volume': [12, None], 'pages': [None, '1--9'], 'doi': [None, '10.1/y']})
    df.to_csv(tmp_path/'refs.csv', index=False, na_rep='nan')
    c = read(tmp_path/'refs.csv')
    r = c.records.set_index('title')
    assert pd.isna(r.loc['Dense retrieval at scale', 'volume']) and pd.isna(r.loc['Sparse retrieval at scale', 'pages'])
    assert r.loc['Sparse retrieval at scale', 'volume'] == '12' and r.loc['Dense retrieval at scale', 'pages'] == '1–9'
    assert not c.records[['volume', 'pages', 'issue', 'doi']].isin(['nan', 'NaN']).any().any()
    assert r.type.to_dict() == {'Sparse retrieval at scale': 'article-journal', 'Dense retrieval at scale': 'paper-conference'}
    balanced(c)
