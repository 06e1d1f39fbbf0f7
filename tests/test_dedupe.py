"End-to-end duplicate decisions through `paperlens.read` on export files, and the labelled benchmark when its data is present (issue 15.5)"
from pathlib import Path
import pytest
import pandas as pd
from paperlens.ingest import read
from paperlens.records import new_record, to_frame
from paperlens.clean import repair, ARXIV_DOI
from paperlens.dedupe import find_duplicates, merge_groups, apply_decisions

FIX = Path(__file__).parent/'fixtures'/'dedupe'
DATA = Path(__file__).resolve().parents[2]/'shared'/'data'/'dedup'

def merged(c): return c.decisions[c.decisions.action == 'merged'] if len(c.decisions) else c.decisions
def flagged(c): return c.decisions[c.decisions.action == 'flagged'] if len(c.decisions) else c.decisions

def test_book_doi_on_chapters_is_flagged_not_merged():
    c = read(FIX/'book_chapters.bib')
    assert len(c.records) == 3 and len(merged(c)) == 0
    assert len(flagged(c)) >= 2 and flagged(c).reason.str.contains('identifier shared by different works').all()

def test_polluted_eprint_merges_nothing():
    c = read(FIX/'polluted_eprint.bib')
    assert len(c.records) == 5 and len(merged(c)) == 0
    assert flagged(c).reason.str.contains('same arXiv id 1011.1669').all() and len(flagged(c)) >= 4
    titles = ' '.join(c.records.title)
    for w in ('Quasiclassical', 'Rhinoconjunctivitis', 'microperoxidase'): assert w in titles   # nothing split
    assert not any(e['kind'] == 'glued-words' for rs in c.records.repairs for e in rs)

def test_same_title_and_author_in_other_years_and_venues_stay_apart():
    c = read(FIX/'hobbs.bib')
    assert len(c.records) == 3 and len(merged(c)) == 0
    why = ' '.join(flagged(c).reason)
    assert 'years 1988 and 1993' in why or 'years 1990 and 1993' in why

def test_conference_abstract_is_not_the_article():
    c = read(FIX/'abstract_then_article.ris')
    assert len(c.records) == 2 and len(merged(c)) == 0

def test_one_article_from_two_databases_is_merged():
    c = read(FIX/'pubmed_export.ris', FIX/'embase_export.bib')
    assert len(c.records) == 2, c.decisions[['reason', 'action']]
    assert len(merged(c)) == 2 and merged(c).kind.eq('exact').any()
    why = ' '.join(merged(c).reason)
    assert 'volume 89' in why and 'volume 352' in why    # the reason names the fields that agree

def test_preprint_and_published_merge_with_both_identities():
    c = read(FIX/'preprint_and_published.bib')
    assert len(c.records) == 2                            # SPLADE (preprint + SIGIR) and SPLADE v2
    one = c.records[c.records.arxiv_id == '2107.05720'].iloc[0]
    assert one.doi == '10.1145/3404835.3463098' and len(one.merged_from) == 1   # the publisher's DOI, the arXiv id kept
    v2 = c.records[c.records.arxiv_id == '2109.10086'].iloc[0]
    assert v2.doi == ARXIV_DOI + '2109.10086' and len(v2.merged_from) == 0      # the derived DOI joins nothing

def test_derived_dois_never_merge_different_preprints():
    recs = [repair(new_record(title=f'Scaling laws for sparse retrieval models, part {k}', arxiv_id=f'2401.{k:05d}',
                              authors=[{'family': 'Lee', 'given': 'J.'}])) for k in range(1, 6)]
    assert all(r['doi'].startswith(ARXIV_DOI) for r in recs)
    dec = find_duplicates(to_frame(recs))
    assert not len(dec) or not (dec.action == 'merged').any()

def test_overrides_still_win():
    files = (FIX/'pubmed_export.ris', FIX/'embase_export.bib')
    m = merged(read(*files)).iloc[0]
    c = read(*files, decisions=[{'id_a': m.id_a, 'id_b': m.id_b, 'decision': 'reject'}])
    assert len(c.records) == 3 and (c.decisions.override == 'reject').sum() == 1
    f = flagged(read(FIX/'hobbs.bib')).iloc[0]
    c = read(FIX/'hobbs.bib', decisions=[{'id_a': f.id_a, 'id_b': f.id_b, 'decision': 'accept'}])
    assert len(c.records) == 2

def test_every_decision_is_explained():
    c = read(*sorted(FIX.iterdir()))
    assert len(c.decisions) and c.decisions.reason.str.len().gt(10).all()
    assert set(c.decisions.action) <= {'merged', 'flagged'} and set(c.decisions.kind) <= {'exact', 'near'}

def _truth(folder):
    out = {}
    for g, line in enumerate((folder/'merged_record_ids.csv').read_text().splitlines()[1:]):
        for i in line.strip().strip('"').split(';'):
            if i: out[i] = g
    return out

@pytest.mark.skipif(not DATA.exists(), reason='the labelled benchmark data (../shared/data/dedup) is not here')
@pytest.mark.parametrize('name', sorted(p.name for p in DATA.iterdir() if (p/'merged_record_ids.csv').exists()) if DATA.exists() else [])
def test_labelled_benchmark(name):
    "Record-level sensitivity and precision on a labelled real search export (see benchmarks/bench_dedup.py)"
    import sys; sys.path.insert(0, str(Path(__file__).parents[1]/'benchmarks'))
    from bench_dedup import score
    from paperlens.parse import parse_file
    df = to_frame([repair(r) for r in parse_file(DATA/name/'records_pre_merged.csv').records])
    groups = [[df.source_key[k]] + [df.source_key[i] for i in rest] for k, rest in merge_groups(df, find_duplicates(df)) if rest]
    s = score(groups, _truth(DATA/name))
    assert s['precision'] >= 0.999 and s['sensitivity'] >= 0.98, s

def test_record_without_title_words_beside_duplicates(tmp_path):
    "A record whose title is empty, missing or only '%' (no word to block on) must not stop duplicate detection for the others"
    dup = lambda: new_record(title='Go', authors=[{'family': 'Vaswani', 'given': 'A.'}], year=2017, doi='10.1/attn')   # no title word long enough to block on
    for t in ('', None, '%'):
        df = to_frame([new_record(title=t, abstract='An abstract only.'), new_record(title='A b'), dup(), dup()])
        dec = find_duplicates(df)
        assert (dec.action == 'merged').sum() == 1 and set(dec.loc[dec.action == 'merged', ['row_a', 'row_b']].iloc[0]) == {2, 3}
    (tmp_path/'x.ris').write_text(
        "TY  - JOUR\nTI  - %\nAB  - Only an abstract here.\nER  - \n\n"
        "TY  - JOUR\nTI  - A b\nER  - \n\n"
        "TY  - JOUR\nTI  - Go\nAU  - Vaswani, A.\nPY  - 2017\nDO  - 10.1/attn\nER  - \n\n"
        "TY  - JOUR\nTI  - Go\nAU  - Vaswani, A.\nPY  - 2017\nDO  - 10.1/attn\nER  - \n", encoding='utf-8')
    c = read(tmp_path/'x.ris')
    assert len(merged(c)) == 1 and len(c.records) == 3
    assert not c.notes.reason.str.contains('duplicate detection failed').any()

def test_works_kept_apart_under_one_identifier_get_unique_ids(tmp_path):
    "Flagged records sharing a DOI or arXiv id get distinct ids, the same whatever the input order, and the corpus saves and loads"
    from paperlens.records import Corpus
    c = read(FIX/'polluted_eprint.bib')
    assert len(c.records) == 5 and c.records.id.is_unique and c.records.id.str.startswith('arxiv:1011.1669~').all()
    assert (c.decisions.id_a != c.decisions.id_b).all()             # each decision names two records an override can address
    assert set(c.decisions.id_a) | set(c.decisions.id_b) <= set(c.records.id)
    b = read(FIX/'book_chapters.bib')
    assert b.records.id.is_unique and b.records.id.str.contains('~').all()
    lines = (FIX/'polluted_eprint.bib').read_text(encoding='utf-8').split('\n@')
    (tmp_path/'rev.bib').write_text('\n@'.join([lines[0]] + lines[1:][::-1]) if len(lines) > 2 else lines[0], encoding='utf-8')
    r = read(tmp_path/'rev.bib')
    key = lambda d: sorted(zip(d.title, d.id))
    assert key(r.records) == key(c.records)                           # ids do not depend on the order records are read in
    c.save(tmp_path/'out'); assert len(Corpus.load(tmp_path/'out').records) == 5
    m = read(Path(__file__).parent/'fixtures'/'ingest'/'mixed')   # copies of one preprint: merged under the plain id
    assert 'arxiv:2107.05720' in set(m.records.id) and not any('~' in x for xs in m.records.merged_from for x in xs)
    ov = read(Path(__file__).parent/'fixtures'/'ingest'/'mixed', decisions=[dict(id_a='arxiv:2107.05720', id_b=next(i for i in m.decisions.id_a if i.startswith('pl:')), decision='reject')])
    assert ov.decisions.override.eq('reject').sum() == 1 and len(ov.records) == 4           # a decision naming the plain id still applies

# The array pre-filters of the duplicate search (`_may_match` before `_decide`, the DOI and first-author filters of `_near_pairs`)
# must drop only pairs the one-by-one rules leave apart: checked against those rules on a corpus built to hit them (shared DOIs,
# arXiv ids, titles that are another plus a subtitle, reused abstracts, one first author or several)
def _hard_corpus(n=240, seed=3):
    import random
    rnd = random.Random(seed)
    words = 'protein folding graph neural network survey attention sparse transformer cervical cancer screening trial asthma children cohort'.split()
    titles = [' '.join(rnd.choice(words) for _ in range(rnd.randint(4, 9))) for _ in range(40)]
    terms = [f'term{x}' for x in range(300)]
    abstracts = [' '.join(rnd.choice(terms) for _ in range(60)) for _ in range(25)]
    names = [('Smith', 'J'), ('Chen', 'L'), ('Garcia', 'M'), ('Müller', 'K'), ('Okafor', 'A')]
    out = []
    for i in range(n):
        t = rnd.choice(titles) + (': a subtitle for this version' if rnd.random() < .2 else '')
        au = [dict(family=f, given=g) for f, g in rnd.sample(names, rnd.randint(1, 3))]
        out.append(new_record(title=t, authors=au, abstract=rnd.choice(abstracts), year=rnd.choice([2019, 2020, 2021, 2023]),
                              doi=rnd.choice([None, None, f'10.1/{rnd.randint(0, 60)}', f'10.48550/arxiv.2401.{rnd.randint(0, 9):05d}']),
                              arxiv_id=rnd.choice([None, None, None, f'2401.{rnd.randint(0, 30):05d}']), venue=rnd.choice([None, 'Nature', 'arXiv']),
                              volume=rnd.choice([None, '12', '13']), pages=rnd.choice([None, '1-10', '5-9', 'e123']), source_file='x.bib', source_lines=[i + 1, i + 1]))
    return to_frame([repair(r) for r in out])

def test_prefilters_drop_only_what_the_rules_leave_apart():
    from paperlens import dedupe as D
    df = _hard_corpus()
    k = D._keys(df)
    k['content'] = [i[:15] if isinstance(i, str) and i.startswith('pl:') else None for i in df['id'].tolist()]
    K = [dict(zip(k, v)) for v in zip(*k.values())]
    pairs = sorted(D._title_pairs(k))
    acts = lambda i, j: (K[i]['content'] and K[i]['content'] == K[j]['content'] and not (K[i]['title'] and K[j]['title'])) or D._decide(K[i], K[j])
    kept = D._may_match(pairs, k)
    assert set(kept) <= set(pairs) and kept == sorted(kept)
    acted = [p for p in pairs if acts(*p)]
    assert len(acted) > 20 and [p for p in kept if acts(*p)] == acted   # a corpus where the rules act often, and none of those pairs is dropped
    assert len(kept) < len(pairs)                                         # ... while the filter does drop some
    # `_near_pairs` with its array filters gives what the one-by-one filters give
    abstracts = [D._abstract_key(a) if isinstance(a, str) and len(a) >= 100 else '' for a in df['abstract']]
    titles = [D._title_key(t) if isinstance(t, str) and a else '' for t, a in zip(df['title'], abstracts)]
    ref = []
    for i, j in D._candidates([f'{t} {a[:D._BLOCK_CHARS]}' if a else '' for t, a in zip(titles, abstracts)]):
        if not (abstracts[i] and abstracts[j]) or D._authors(k['authors'][i], k['authors'][j]) is False: continue
        di, dj = k['doi'][i], k['doi'][j]
        if di and dj and di != dj and not (di.startswith(D._PREPRINT_DOI) or dj.startswith(D._PREPRINT_DOI)): continue
        if abstracts[i] == abstracts[j] or D.fuzz.ratio(abstracts[i], abstracts[j], score_cutoff=D.NEAR_ABSTRACT) >= D.NEAR_ABSTRACT: ref.append((i, j))
    got = [(p['row_a'], p['row_b']) for p in D._near_pairs(df, lambda i, j: False, k['authors'], k['doi'])]
    assert len(got) > 20 and got == ref   # 25 abstracts reused by 240 records: many near pairs, some dropped for other people or DOIs
