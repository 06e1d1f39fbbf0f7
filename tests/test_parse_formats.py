"paperlens.parse / paperlens.formats on real-looking exports and on bad input (fixtures in tests/fixtures/parse/)."
import pytest
from paperlens.parse import parse_file, read_text, sniff, unaccounted, FORMATS, Parsed
from paperlens.records import COLUMNS, NOTE_KINDS, to_frame

from pathlib import Path
FX = Path(__file__).resolve().parent/'fixtures'/'parse'

# file -> (format, records, seen, note kinds)
EXPECTED = {
    'zotero_export.bib': ('bibtex', 4, 4, {'header', 'noise'}),
    'truncated.bib': ('bibtex', 2, 4, {'rejected'}),
    'zotero_export.ris': ('ris', 3, 3, set()),
    'utf16_bom.ris': ('ris', 3, 3, set()),
    'zotero_export.json': ('csl-json', 3, 3, {'header', 'trailer'}),
    'records.jsonl': ('jsonl', 3, 4, {'rejected'}),
    'scopus_export.csv': ('csv', 3, 3, {'header'}),
    'wos_export.txt': ('csv', 2, 2, {'header'}),
    'wos_savedrecs.txt': ('wos', 2, 2, {'header', 'trailer'}),
    'latin1.csv': ('csv', 2, 2, {'header'}),
    'arxiv_api.xml': ('atom', 3, 3, {'header', 'trailer'}),
    'crlf_abstracts.txt': ('abstract-list', 3, 3, {'header'}),
    'viewer_id_title_abstract.txt': ('viewer-dump', 3, 3, {'header', 'trailer'}),
    'profile_other_owner.txt': ('profile', 2, 2, {'owner'}),
    'empty.txt': (None, 0, 0, {'file'}),
    'binary.bin': (None, 0, 0, {'file'}),
    'unknown_format.txt': (None, 0, 0, {'file'}),
}

@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_fixture(name):
    f = FX/name
    p = parse_file(f)
    fmt, n, seen, kinds = EXPECTED[name]
    assert (p.fmt, len(p.records), p.seen, {x['kind'] for x in p.notes}) == (fmt, n, seen, kinds)
    assert p.seen == len(p.records) + sum(x['kind'] == 'rejected' for x in p.notes)
    assert all(x['kind'] in NOTE_KINDS and x['reason'] for x in p.notes)
    assert all(x['file'] == str(f) for x in p.notes)
    for r in p.records:
        assert set(r) == set(COLUMNS) and r['source_file'] == str(f) and r['source_format'] == fmt
        assert r['source_lines'][0] <= r['source_lines'][1]
        assert r['title'] or r['abstract']
        assert all(set(a) == {'family', 'given'} and a['family'] for a in r['authors'])
    if p.encoding: assert unaccounted(p, read_text(f)[0]) == []
    to_frame(p.records)   # the schema's types hold

def test_rejected_name_file_and_line():
    p = parse_file(FX/'truncated.bib')
    assert [n['reason'].split(':')[1] for n in p.notes] == ['8', '19']
    assert all(n['reason'].startswith(str(FX/'truncated.bib')) for n in p.notes)
    assert "'smith2020'" in p.notes[0]['reason'] and "'cut_at_end'" in p.notes[1]['reason']
    assert parse_file(FX/'records.jsonl').notes[0]['reason'].startswith(f"{FX/'records.jsonl'}:4: not valid JSON")

def test_file_notes_say_what():
    assert 'empty file' in parse_file(FX/'empty.txt').notes[0]['reason']
    assert 'looks binary' in parse_file(FX/'binary.bin').notes[0]['reason']
    r = parse_file(FX/'unknown_format.txt').notes[0]['reason']
    assert 'format not recognised' in r and "'Reading list for Monday'" in r and 'fmt=' in r
    assert 'no such file' in parse_file(FX/'nope.bib').notes[0]['reason']
    assert 'folder' in parse_file(FX).notes[0]['reason']

def test_same_papers_across_formats():
    "The same three papers exported by Zotero as BibTeX, RIS and CSL-JSON give the same core fields"
    def core(r): return (r['title'].lower().rstrip('.'), r['year'], r['doi'], r['arxiv_id'], r['authors'][0]['family'])
    bib = {core(r) for r in parse_file(FX/'zotero_export.bib').records}
    ris = {core(r) for r in parse_file(FX/'zotero_export.ris').records}
    csl = {core(r) for r in parse_file(FX/'zotero_export.json').records}
    assert ris == csl and ris <= bib

def test_months_and_accents():
    bib = parse_file(FX/'zotero_export.bib').records
    assert [r['month'] for r in bib] == [2, None, 6, 7]
    assert {'family': 'Schölkopf', 'given': 'Bernhard'} in bib[2]['authors']
    assert bib[3]['venue'].startswith('Proceedings of the 61st')          # @string macro resolved
    assert parse_file(FX/'latin1.csv').records[1]['authors'] == [{'family': 'Müller', 'given': 'Jörg'}]

def test_scopus_and_wos_columns():
    s = parse_file(FX/'scopus_export.csv').records
    assert s[1]['authors'][1] == {'family': 'Ren', 'given': 'Xiaozhe'}
    assert s[1]['keywords'] == ['Memory efficiency', 'Optimizers'] and s[1]['pages'] == '4442–4453'   # page ranges get an en dash in every format
    assert s[2]['abstract'] is None and s[2]['source_key'] == '2-s2.0-85043243236'
    w = parse_file(FX/'wos_export.txt').records
    assert w[0]['keywords'][0] == 'machine learning' and w[0]['venue'] == 'ANNALS OF STATISTICS' and w[0]['doi'] == '10.1214/009053607000000677'

def test_forced_format_and_registry():
    assert {'abstract-list', 'viewer-dump', 'profile', 'bibtex', 'ris', 'csl-json', 'jsonl', 'csv', 'wos', 'atom'} <= set(FORMATS)
    p = parse_file(FX/'zotero_export.ris', fmt='bibtex')   # wrong format forced: no crash, nothing invented
    assert p.records == [] and p.notes
    assert parse_file(FX/'zotero_export.ris', fmt='nope').notes[0]['kind'] == 'file'

def test_parser_crash_becomes_file_note(monkeypatch):
    def boom(text, name): raise RuntimeError('kaboom')
    import dataclasses
    monkeypatch.setitem(FORMATS, 'ris', dataclasses.replace(FORMATS['ris'], parse=boom))   # detected as RIS, then its parser fails
    p = parse_file(FX/'zotero_export.ris')
    assert (p.seen, p.notes[0]['kind']) == (0, 'file') and 'kaboom' in p.notes[0]['reason']
