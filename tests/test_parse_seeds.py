"Acceptance tests of paperlens.parse on the five seed files (the yardstick of issue 4)."
import re
import pytest
from paperlens.parse import parse_file, read_text, sniff, unaccounted, FORMATS
from paperlens.records import COLUMNS, NOTE_KINDS

EXPECTED = {'000': ('abstract-list', 10), '001': ('viewer-dump', 100), '002': ('abstract-list', 10), '003': ('abstract-list', 10), '004': ('profile', 10)}

@pytest.fixture(scope='module')
def parsed(examples):
    return {f.name[:3]: (f, parse_file(f)) for f in sorted(examples.glob('*.txt'))}

def test_counts(parsed):
    assert {k: (p.fmt, len(p.records)) for k, (_, p) in parsed.items()} == EXPECTED
    assert sum(len(p.records) for _, p in parsed.values()) == 140
    assert all(p.seen == len(p.records) for _, p in parsed.values())

def test_every_record_has_provenance(parsed):
    for f, p in parsed.values():
        n = len(read_text(f)[0].split('\n'))
        for r in p.records:
            assert set(r) == set(COLUMNS)
            assert r['source_file'] == str(f) and r['source_format'] == p.fmt
            a, b = r['source_lines']
            assert 1 <= a <= b <= n

def test_every_line_accounted_for(parsed):
    for f, p in parsed.values():
        assert unaccounted(p, read_text(f)[0]) == []
        assert all(n['kind'] in NOTE_KINDS for n in p.notes)

def test_records_do_not_overlap(parsed):
    for _, p in parsed.values():
        spans = sorted(tuple(r['source_lines']) for r in p.records)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))

def test_headers_reported(parsed):
    assert [(n['kind'], n['line'], n['text']) for n in parsed['000'][1].notes] == [('header', 1, 'Callie')]
    assert [(n['kind'], n['line']) for n in parsed['002'][1].notes] == [('header', 1)]
    assert parsed['003'][1].notes == []

def test_viewer_ids_exactly_as_in_file(parsed):
    f, p = parsed['001']
    lines = read_text(f)[0].split('\n')
    ids_in_file = [l for l in lines if re.fullmatch(r'\d{4}\.\d{4,5}(v\d+)?', l)]
    assert [r['source_key'] for r in p.records] == ids_in_file
    for r in p.records:
        base, _, v = r['source_key'].partition('v')
        assert r['arxiv_id'] == base and r['arxiv_version'] == (int(v) if v else None)
        assert lines[r['source_lines'][0] - 1] == r['source_key']
    assert [(r['arxiv_id'], r['arxiv_version']) for r in p.records if r['arxiv_version']][:3] == [('2101.00436', 3), ('2305.17066', 1), ('2312.16682', 1)]
    assert {r['arxiv_id'] for r in p.records} >= {'2107.05720', '2109.10086'}   # two versions of one line of work: both kept

def test_viewer_multiline_and_notes(parsed):
    _, p = parsed['001']
    r = next(r for r in p.records if r['arxiv_id'] == '2302.13971')
    assert r['abstract'].count('\n') == 3 and r['abstract'].startswith('We introduce LLaMA') and r['abstract'].endswith('facebookresearch/llama.')
    assert [(n['kind'], n['line'], n['last_line']) for n in p.notes] == [('header', 1, 8), ('trailer', 657, 659)]
    assert 'Subsets and Splits' in p.notes[1]['text']
    assert all('|' not in (r['abstract'] or '').split('\n') for r in p.records)

def test_profile(parsed):
    _, p = parsed['004']
    assert p.owner == 'Ren, Xiaozhe'
    assert [(n['kind'], n['line'], n['text']) for n in p.notes] == [('owner', 1, 'Ren, Xiaozhe')]
    assert all(r['title'] != 'Ren, Xiaozhe' for r in p.records)
    assert p.records[0]['title'] == 'Self-Adjust Softmax'
    assert p.records[0]['authors'][:2] == [{'family': 'Zheng', 'given': 'Chuanyang'}, {'family': 'Gao', 'given': 'Yihang'}]
    assert all(a['family'] and a['given'] for r in p.records for a in r['authors'])
    assert all(any(a == {'family': 'Ren', 'given': 'Xiaozhe'} for a in r['authors']) for r in p.records)
    assert all(r['abstract'] and len(r['abstract']) > 200 for r in p.records)

def test_sniff_ignores_extension(parsed, tmp_path):
    for k, (f, p) in parsed.items():
        g = tmp_path/f'{k}.bib'; g.write_bytes(f.read_bytes())
        q = parse_file(g)
        assert (q.fmt, len(q.records)) == EXPECTED[k]

def test_crlf_bom_no_final_newline_same_spans(parsed, tmp_path):
    for k, (f, p) in parsed.items():
        text = read_text(f)[0]
        g = tmp_path/f'{k}_crlf.txt'
        g.write_bytes(b'\xef\xbb\xbf' + text.rstrip('\n').replace('\n', '\r\n').encode())
        q = parse_file(g)
        assert [r['source_lines'] for r in q.records] == [r['source_lines'] for r in p.records]
        assert [r['abstract'] for r in q.records] == [r['abstract'] for r in p.records]
        assert [(n['kind'], n['line'], n['last_line']) for n in q.notes] == [(n['kind'], n['line'], n['last_line']) for n in p.notes]
