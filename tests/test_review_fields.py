"""The review on fields other than machine learning (issue 14, "Done when"): medicine (RIS, structured PubMed-style
abstracts) and economics (Scopus CSV), plus the bundled examples. `done_counts` measures, in the body of review.md, the
counts the issue names; run this file as a script on bundle folders to print them:

    python tests/test_review_fields.py output/examples /tmp/medicine ...
"""
import json, re, sys
from collections import Counter
from pathlib import Path
import pandas as pd
import pytest
from paperlens.cite import as_dicts
from paperlens.extract import split_sentences, glued_words, damage, dangling, vocabulary

FIX = Path(__file__).parent/'fixtures'/'review'
CORPORA = {'medicine': FIX/'medicine_trials.ris', 'economics': FIX/'economics_scopus.csv'}

def _body(md):
    "review.md without its title, the list of incomplete records and the bibliography"
    return re.split(r'^## (?:Works with incomplete metadata|References)\s*$', md, flags=re.M)[0]

def _plain(s): return re.sub(r'\\(.)', r'\1', s)   # md_text's backslash escapes

def done_counts(md:str, records:pd.DataFrame, review=None)->dict:
    "The issue's 'Done when' counts for a review.md (and its `Review`, when at hand)"
    body = _plain(_body(md))
    recs = as_dicts(records)
    vocab = vocabulary([f"{r.get('title') or ''} {r.get('abstract') or ''}" for r in recs])
    headings = re.findall(r'^## (.+)$', body, flags=re.M)
    prose = [l for l in body.split('\n') if l.strip() and not l.startswith(('#', '|', '†'))]
    sents = [t for l in prose for s in split_sentences(l) for t in re.split(r'(?<=\.)\s+(?=arXiv:|doi:)|(?<=\)\.)\s+(?=\S)', s) if t]   # 'arXiv:…' may open a sentence
    openings = {' '.join(str(r.get('abstract') or '').split()[:3]).lower() for r in recs if r.get('abstract')}
    labels = re.findall(r'\[([^\]]{3,80})…\]', body) + [l for l in re.findall(r'(?:^|[(;]\s*)([^();]{8,80}?),? (?:\d{4}|n\.d\.)', body, flags=re.M)]
    abstract_labels = [l for l in labels if ' '.join(l.lower().split()[:3]) in openings and len(l.split()) >= 3]
    glued = sorted({w for s in sents + [c for l in body.split('\n') if l.startswith('|') for c in l.split('|')] for w in glued_words(s, vocab)})
    damaged = [s for s in sents if [d for d in damage(s) if not d.startswith(('glued', 'unbalanced'))]]
    dangling_ = [s for s in sents if dangling(s)]
    rows = Counter()
    sec = None
    for l in body.split('\n'):
        if l.startswith('## '): sec = l[3:]
        elif l.startswith('| ') and not l.startswith('| Work |'): rows[sec] += 1
    out = dict(sections=len(headings), keyword_pair_headings=sum(' · ' in h for h in headings), abstract_word_labels=len(abstract_labels),
               glued_words=len(glued), damaged_sentences=len(damaged), dangling_openers=len(dangling_), sentences=len(sents),
               multi_citation_sentences=sum(len(re.findall(r';', ''.join(re.findall(r'\([^()]*\d{4}[^()]*\)|\([^()]*n\.d\.[^()]*\)', s)))) >= 1
                                           or bool(re.search(r'\[\d+\](?:–|,\s*)\[\d+\]', s)) for s in sents),   # numeric styles: '[2], [5]' or '[9]–[12]'
               max_table_rows=max(rows.values(), default=0), sections_with_table_of_2=sum(v >= 2 for v in rows.values()),
               examples=dict(glued=glued[:5], dangling=dangling_[:3], damaged=damaged[:3], labels=abstract_labels[:3]))
    if review is not None:
        twice = 0
        for p in review.paragraphs:
            c = Counter(s.cites[0] for s in p.sentences if len(s.cites) == 1)
            twice += sum(v > 1 for v in c.values())
        out['works_with_two_single_sentences'] = twice
        out['verified'] = f"{review.verification['passed_sentences']}/{review.verification['sentences']} sentences, {review.verification['passed_cells']}/{review.verification['cells']} cells"
    return out

def assert_done(c):
    assert c['sections'] >= 1 and c['keyword_pair_headings'] == 0, c
    assert c['abstract_word_labels'] == 0 and c['glued_words'] == 0 and c['damaged_sentences'] == 0, c
    assert c['dangling_openers'] == 0, c
    assert c.get('works_with_two_single_sentences', 0) == 0, c
    assert c['multi_citation_sentences'] >= 1 and c['max_table_rows'] >= 2, c

def _topics(records, k=3):
    "A deterministic stand-in for the topics stage: k-means on TF-IDF, named by hand"
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    texts = [f"{r.get('title') or ''} {r.get('abstract') or ''}" for r in as_dicts(records)]
    X = TfidfVectorizer(stop_words='english', min_df=2).fit_transform(texts)
    lab = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X)
    asg = pd.DataFrame(dict(id=records['id'].tolist(), topic=lab.astype(int), probability=1.0))
    info = pd.DataFrame([dict(topic=t, name=f'Line of research {t + 1}', count=int((lab == t).sum()), words=[], representative_ids=[]) for t in range(k)])
    return asg, info

@pytest.fixture(scope='module', params=sorted(CORPORA))
def field(request):
    from paperlens.ingest import read
    recs = read(CORPORA[request.param]).records
    return request.param, recs

def test_fixture_shape(field):
    name, recs = field
    assert 20 <= len(recs) <= 40
    assert recs['abstract'].notna().all()
    assert (recs['authors'].map(len) == 0).sum() >= 1      # works without authors are part of the test

def test_review_on_other_fields(field):
    from paperlens.summarize import summarize
    name, recs = field
    asg, info = _topics(recs)
    rv = summarize(recs, asg, info)
    assert rv.verification['passed'], rv.verification['failures'][:3]
    md = rv.to_markdown()
    c = done_counts(md, recs, rv)
    assert_done(c)
    assert all(len(p.groups) >= 1 and p.table for p in rv.paragraphs)
    assert md == summarize(recs, asg, info).to_markdown()      # same bytes on rerun

def test_review_in_other_styles(field):
    "The same review cited in IEEE and Chicago author-date still meets the counts; IEEE never names a work by its identifier"
    from paperlens.summarize import summarize
    name, recs = field
    asg, info = _topics(recs)
    rv = summarize(recs, asg, info)
    for st in ('ieee', 'chicago-author-date'):
        md = rv.to_markdown(st)
        assert_done(done_counts(md, recs, rv))
        body = _plain(_body(md))
        assert not re.search(r'(?:arXiv|doi):\S+ \[\d+\]', body) and not re.search(r'et al\.,\s*(?:\d{4}|n\.d\.)', body)
        assert md == rv.to_markdown(st)

def test_counts_catch_defects(field):
    "The counter itself has teeth: each defect put into a review.md is counted"
    name, recs = field
    md = ('# Related work\n\n## knowledge · instruction\n\nThis motivates them to study X (Smith, 2020). The data forCoN is small (Lee, 2021).\n\n'
          f"[{' '.join(recs['abstract'].iloc[0].split()[:4])} …] (n.d.) shows X.\n\n## References\n")
    c = done_counts(md, recs)
    assert c['keyword_pair_headings'] == 1 and c['dangling_openers'] == 1 and c['glued_words'] == 1 and c['abstract_word_labels'] == 1
    assert c['multi_citation_sentences'] == 0 and c['max_table_rows'] == 0
    assert done_counts('# R\n\n## A\n\nWork on X \\[1\\]–\\[3\\] is cited. One \\[4\\] alone.\n', recs)['multi_citation_sentences'] == 1

@pytest.mark.slow
@pytest.mark.parametrize('name', sorted(CORPORA) + ['examples'])
def test_whole_pipeline(name, tmp_path, examples):
    "paperlens.report.review end to end (real topics): the review.md the user gets meets the issue's counts"
    from paperlens.report import review
    src = examples if name == 'examples' else CORPORA[name]
    b = review(src, out=tmp_path/'out', progress=False)
    md = (tmp_path/'out'/'review.md').read_text()
    c = done_counts(md, pd.read_parquet(tmp_path/'out'/'records.parquet'))
    assert_done(c)
    v = json.loads((tmp_path/'out'/'verification.json').read_text())
    assert v['passed'] and v['sentences'] == v['passed_sentences'] > 0

if __name__ == '__main__':   # print the counts of bundle folders written by `paperlens review`
    for d in sys.argv[1:]:
        d = Path(d)
        c = done_counts((d/'review.md').read_text(), pd.read_parquet(d/'records.parquet'))
        v = json.loads((d/'verification.json').read_text())
        c['verified'] = f"{v.get('passed_sentences')}/{v.get('sentences')} sentences, {v.get('passed_cells')}/{v.get('cells')} cells, {len(v.get('works', []))} work failures"
        print(d, json.dumps(c, indent=1, ensure_ascii=False))

def test_custom_summarizer_reaches_the_review(tmp_path):
    "report.write_cited (what `review(..., summarizer=)` calls) passes a custom summarizer through to the review, and it is verified"
    from types import SimpleNamespace
    from paperlens.ingest import read
    from paperlens.report import write_cited
    corpus = read(CORPORA['medicine'])
    asg, info = _topics(corpus.records)
    fake = lambda r: 'a groundbreaking study of ' + ' '.join(str(r['title'] or r['abstract']).split()[:3])
    md = write_cited(corpus, SimpleNamespace(assignments_=asg, topic_info_=info), tmp_path, 'apa', summarizer=fake)
    assert 'A groundbreaking study of' in md.replace('\\', '')
    v = json.loads((tmp_path/'verification.json').read_text())
    assert not v['passed'] and {f['kind'] for f in v['failures'] if 'kind' in f} == {'custom'}
    assert all('groundbreaking' in f['unknown_words'] for f in v['failures'] if f.get('kind') == 'custom')
