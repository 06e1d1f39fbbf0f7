"""paperlens.summarize on the seeds with hand-made topic tables (issues 6, 14): every topic gets a cited section with an
opening, lines of work and a table, the verifier passes 100 %, a summariser that invents words is caught, and write_review
writes the same bytes in two processes."""
import json, os, re, subprocess, sys
import pandas as pd
import pytest
from paperlens.ingest import read
from paperlens.cite import as_dicts, cite_keys
from paperlens.summarize import summarize, verify, write_review, rewrite_problems, Review, Paragraph, Sentence
from paperlens.extract import split_sentences, contribution, citing_sentence

@pytest.fixture(scope='module')
def seeds(examples): return read(examples).records

def hand_topics(records, n=4):
    "A small topic table of the shape the topics stage returns: topics by source file, the profile split in two, some outliers"
    rows = []
    for i, r in enumerate(as_dicts(records)):
        f = os.path.basename(r['source_file'] or '')[:3]
        t = {'000': 0, '001': 1, '002': 2, '003': 2, '004': 3}.get(f, -1)
        if t == 1 and i % 7 == 0: t = -1
        rows.append(dict(id=r['id'], topic=t, probability=round(1 - (i % 10) / 20, 3)))
    asg = pd.DataFrame(rows)
    info = pd.DataFrame([dict(topic=t, name=f'Topic {t} by hand', count=int((asg.topic == t).sum()),
                              words=['language', 'models', 'attention', 'training'],
                              representative_ids=asg[asg.topic == t].id.head(3).tolist()) for t in sorted(set(asg.topic))])
    return asg, info

@pytest.fixture(scope='module')
def review(seeds):
    asg, info = hand_topics(seeds)
    return summarize(seeds, asg, info), asg, info

def test_every_topic_has_a_cited_paragraph(review):
    rv, asg, info = review
    assert [p.topic for p in rv.paragraphs] == sorted(set(asg.topic), key=lambda t: (t < 0, t))
    for p in rv.paragraphs:
        assert p.name == f'Topic {p.topic} by hand'
        assert p.sentences and all(s.cites for s in p.sentences)
        assert any(s.kind == 'contribution' for s in p.sentences)
        assert p.sentences[0].kind == 'opening' and len(p.sentences[0].cites) >= 2
        assert 2 <= len(p.groups) <= 4 and sum(map(len, p.groups)) == (asg.topic == p.topic).sum()
        assert sum(s.kind == 'group' for s in p.sentences) >= 2 and len(p.table) >= 2
        assert all(s.kind != 'see-also' for s in p.sentences)
    tabled = {w['id'] for p in rv.paragraphs for w in p.table}
    assert set(asg.id) <= set(rv.cited_ids()) | tabled      # every record cited, or in its section's table

def test_verifier_passes_on_seeds(review, seeds):
    rv, _, _ = review
    v = verify(rv, seeds)
    assert v['passed'] and v['rate'] == 1.0 and v['failures'] == []
    assert v['sentences'] == len(rv.sentences) == v['passed_sentences']
    assert rv.verification == v

def test_sentences_come_from_their_records(review):
    "Each contribution sentence is its record's sentence: same words, in the same order, up to the template"
    rv, _, _ = review
    recs = {r['id']: r for r in as_dicts(rv.records)}
    for s in rv.sentences:
        if s.kind != 'contribution': continue
        src = split_sentences(recs[s.source['id']]['abstract'])[s.source['sentence']]
        assert rewrite_problems(src, s.text) == [], (s.text, src)
        assert rewrite_problems(src, s.text.replace(' ', ' very ', 1)) != []      # and the check has teeth

def test_fake_summariser_is_caught(seeds):
    asg, info = hand_topics(seeds)
    fake = lambda r: 'an astonishing, groundbreaking breakthrough'
    rv = summarize(seeds, asg, info, summarizer=fake, per_topic=2)
    v = rv.verification
    assert not v['passed'] and v['failures']
    assert all(set(f['unknown_words']) >= {'astonishing', 'groundbreaking', 'breakthrough'} for f in v['failures'] if f['kind'] == 'custom')
    assert all(f['kind'] == 'custom' for f in v['failures'])      # the rest of the review still passes

def test_topic_summariser_citations_checked(seeds):
    asg, info = hand_topics(seeds)
    def llm(topic, recs): return [f"See also work by @{recs[0]['key']}.", 'Models are good.', '[@ghost2099] propose it.']
    v = summarize(seeds, asg, info, summarizer=llm, per='topic').verification
    kinds = [(r['passed'], r['reason'].split(';')[0]) for r in v['results']]
    assert kinds[:3] == [(True, ''), (False, 'cites nothing'), (False, 'unknown citation @ghost2099')]

def test_templates():
    assert citing_sentence('In this paper, we introduce Foo.', 'k', plural=False)[0] == '@k introduces Foo.'
    assert citing_sentence('This paper presents Foo.', 'k', plural=False)[0] == '@k presents Foo.'
    assert split_sentences('We use e.g. Adam et al. 2.7B. Done.') == ['We use e.g. Adam et al. 2.7B.', 'Done.']

def test_input_problems_reported(seeds):
    asg, info = hand_topics(seeds)
    asg = pd.concat([asg, pd.DataFrame([dict(id='pl:nothere', topic=0, probability=1.0)])], ignore_index=True)
    rv = summarize(seeds, asg, info[info.topic != 2])
    assert any("'pl:nothere'" in p for p in rv.problems) and any('topic 2' in p for p in rv.problems)
    assert rv.verification['passed']

def test_markdown_and_latex(review):
    rv, _, _ = review
    md = rv.to_markdown('apa')
    assert md.count('\n## ') == len(rv.paragraphs) + 2 and '## References' in md and '## Works with incomplete metadata' in md
    assert md.count('| Work | What it introduces | Problem or task | Evidence |') == len(rv.paragraphs)
    assert '@' not in re.sub(r'\S+@\S+', '', md.split('## References')[0])   # every citation mark rendered
    tex = rv.to_latex()      # the style's own citations and reference list, in LaTeX
    assert tex.count('\\hangindent') == len(rv.cited_ids()) and '@' not in tex.split('\\section*{References}')[0]
    assert tex.count('\\begin{tabular}') == len(rv.paragraphs) and '\\cite' not in tex
    tex = rv.to_latex(natbib=True)
    keys = set(rv.keys.values())
    cited = {k for g in re.findall(r'\\cite[tp]\{([^}]+)\}', tex) for k in g.split(',')}
    assert cited and cited <= keys
    assert tex.count('\\begin{tabular}') == len(rv.paragraphs)

SCRIPT = """
import sys, pandas as pd
sys.path.insert(0, {tests!r})
from test_summarize import hand_topics
from paperlens.ingest import read
from paperlens.summarize import write_review
recs = read({seeds!r}).records
asg, info = hand_topics(recs)
write_review(recs, asg, info, sys.argv[1], style=sys.argv[2], cite=sys.argv[3])
"""

@pytest.mark.slow
@pytest.mark.parametrize('style,cite', [('apa', 'author-year'), ('ieee', 'numeric')])
def test_write_review_same_bytes_across_processes(examples, tmp_path, style, cite):
    code = SCRIPT.format(tests=os.path.dirname(__file__), seeds=str(examples))
    outs = []
    for n, seed in enumerate(('1', '2')):
        d = tmp_path/f'run{n}'
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, '-c', code, str(d), style, cite], check=True, env=env, timeout=300)
        outs.append({p.name: p.read_bytes() for p in sorted(d.iterdir())})
    assert outs[0] == outs[1]
    assert sorted(outs[0]) == ['references.bib', 'references.json', 'references.ris', 'review.md', 'review.tex', 'verification.json']
    assert json.loads(outs[0]['verification.json'])['passed'] is True
    md = outs[0]['review.md'].decode()
    plain = md.replace('\\', '')   # whatever md_text escapes
    if cite == 'numeric': assert re.search(r'^\[1\] ', plain, flags=re.M) and '[1]' in plain.split('## References')[0]

# In-text citations in review.md come from the CSL style (issue 12): one `Citations` per review, every citation through it
from paperlens.records import to_frame

def _au(*names): return [dict(family=f, given=g) for f, g in names]

def _styled_review():
    "Namesakes and a run of numbers: C. Zheng et al. twice in 2024, Z. Zheng et al. once, ten more works, an arXiv-only one"
    zc = _au(('Zheng', 'Chuanyang'), ('Xie', 'Enze'), ('Li', 'Zhenguo'))
    zz = _au(('Zheng', 'Zangwei'), ('Ren', 'Xiaozhe'), ('You', 'Yang'))
    recs = [dict(id='a', title='Beta attention for long inputs', authors=zc, year=2024, abstract='We propose Beta.'),
            dict(id='b', title='Alpha attention for short inputs', authors=zc, year=2024, abstract='We propose Alpha.'),
            dict(id='c', title='Gamma optimisers at scale', authors=zz, year=2024, abstract='We propose Gamma.')]
    recs += [dict(id=f'n{i}', title=f'Work number {i} on topic', authors=_au((f'Author{chr(65 + i)}', 'Ann'), ('Other', 'Bob')),
                  year=2010 + i, abstract='We study it.') for i in range(10)]
    recs += [dict(id='x', arxiv_id='2305.14202', abstract='Many positional encodings are designed for this.')]
    df = to_frame(recs)
    keys = dict(zip(df['id'], cite_keys(df)))
    k = lambda i: keys[i]
    sents = [Sentence(f"@{k(i)} studies {t.split()[0]}.", [i], 'custom') for i, t in (('a', 'Beta'), ('b', 'Alpha'), ('c', 'Gamma'))]
    sents += [Sentence('Attention ' + '[' + '; '.join(f'@{k(i)}' for i in ('a', 'b', 'c')) + '].', ['a', 'b', 'c'], 'custom'),
              Sentence('Many works ' + '[' + '; '.join(f'@{k(f"n{i}")}' for i in range(10)) + '].', [f'n{i}' for i in range(10)], 'custom'),
              Sentence(f'@{k("x")} presents positional encodings.', ['x'], 'custom')]
    return Review([Paragraph(0, 'Attention', sents)], df, keys)

def _text(md): return md.split('## References')[0].replace('\\', '')
def _refs(md): return md.split('## References')[1].replace('\\', '')

def test_chicago_in_text_has_no_comma_before_the_year():
    md = _styled_review().to_markdown('chicago-author-date')
    text = _text(md)
    assert re.search(r'\(Zheng et al\. 2024[a-z]?; ', text) or re.search(r'Zheng et al\. 2024', text), text
    assert not re.findall(r'et al\.,\s*(?:\d{4}|n\.d\.)', text), text       # "(Zheng et al., 2024)" is APA's, not Chicago's
    assert not re.findall(r'\([^()]*\b[A-Za-z][A-Za-z.]*, (?:\d{4}|n\.d\.)', text), text   # no "Other, 2010" either
    assert 'C. Zheng et al. 2024a, 2024b; Z. Zheng et al. 2024' in text      # namesakes told apart, one author list's years together

def test_apa_letters_agree_between_text_and_bibliography():
    md = _styled_review().to_markdown('apa')
    text, refs = _text(md), _refs(md)
    in_text = dict((w, y) for y, w in re.findall(r'\((\d{4}[a-z]?)\) studies (\w+)', text))
    assert set(in_text) == {'Alpha', 'Beta', 'Gamma'}, text
    in_bib = {}
    for e in refs.split('\n'):
        for w in in_text:
            if f'{w} attention' in e or f'{w} optimisers' in e: in_bib[w] = re.search(r'\((\d{4}[a-z]?)\)', e)[1]
    assert in_text == in_bib, (in_text, in_bib)
    assert in_text['Alpha'] == '2024a' and in_text['Beta'] == '2024b'     # a/b in the bibliography's (title) order
    assert in_text['Gamma'] == '2024'                                    # Z. Zheng is not in C. Zheng's series
    paren = re.search(r'Attention \(([^)]*)\)', text)[1]
    assert '2024a, 2024b' in paren or '2024a, b' in paren, paren          # one author list, its years together

def test_ieee_narrative_and_ranges():
    md = _styled_review().to_markdown('ieee')
    text = _text(md)
    assert not re.search(r'(?:arXiv|doi):\S+ \[\d+\]', text), text          # never "arXiv:2305.14202 [14] presents"
    assert re.search(r'Zheng et al\. \[\d+\] studies', text), text
    assert re.search(r'(?:The work in|Positional encodings) \[\d+\] presents', text), text
    assert re.search(r'Many works \[4\]–\[13\]\.', text), text
    assert re.search(r'Attention \[1\]–\[3\]\.', text), text
    nums = [int(n) for n in re.findall(r'^\[(\d+)\] ', _refs(md), flags=re.M)]
    assert nums == list(range(1, 15))

def _runs(text):
    "Runs of three or more consecutive numbers written out one by one ('[4], [5], [6]') in a numeric text"
    bad = []
    for m in re.finditer(r'\[\d+\](?:–\[\d+\])?(?:, \[\d+\](?:–\[\d+\])?)+', text):
        items = re.findall(r'\[(\d+)\](–)?', m[0])
        single = [int(n) if not dash else None for n, dash in items]
        for j in range(len(single) - 2):
            a, b, c = single[j:j + 3]
            if None not in (a, b, c) and b == a + 1 and c == b + 1: bad.append(m[0])
    return bad

def test_runs_counter_has_teeth():
    assert _runs('see [4], [5], [6].') and not _runs('see [4]–[6], [8], [9].')

def test_ieee_on_seeds(review):
    rv, _, _ = review
    md = rv.to_markdown('ieee')
    text = _text(md)
    assert not re.search(r'(?:arXiv|doi):\S+ \[\d+\]', text)
    assert not _runs(text), _runs(text)[:3]
    assert '–[' in text
    assert set(re.findall(r'\[(\d+)\]', text)) <= set(re.findall(r'^\[(\d+)\] ', _refs(md), flags=re.M))
    assert md == rv.to_markdown('ieee')      # same bytes on rerun
    tex = rv.to_latex(csl='ieee')
    assert '–[' in tex and not re.search(r'(?:arXiv|doi):\S+ \[\d+\]', tex)
    assert not re.search(r'\\\\\s*\[', tex)        # a table row opening '[5]' after '\\' would read as '\\[<length>]'

@pytest.mark.slow
def test_chicago_and_apa_on_seeds(review):
    rv, _, _ = review
    text = _text(rv.to_markdown('chicago-author-date'))
    assert 'et al. ' in text and not re.findall(r'et al\.,\s*\d{4}', text)   # no comma before a year; 'n.d.' takes the style's own comma ('Smith, n.d.', CMOS 15.44)
    md = rv.to_markdown('apa')
    year_letter = r'\b(?:\d{4}|n\.d\.-?)([a-z])\b'   # '2024a', 'n.d.-b'; not the tail of a record id such as 'pl:…6725f'
    letters = set(re.findall(year_letter, _text(md)))
    assert letters <= set(re.findall(year_letter, _refs(md)))

def test_ieee_work_known_only_by_its_identifier():
    "Numeric style, a work with nothing but an arXiv id: 'the work in [2]' in a sentence, '[2]' in its table row, and review.tex still reads"
    recs = to_frame([dict(id='a', title='Alpha attention', authors=_au(('Zheng', 'Chuanyang'), ('Xie', 'Enze')), year=2024, abstract='We propose Alpha.'),
                     dict(id='y', arxiv_id='2401.00001')])
    keys = dict(zip(recs['id'], cite_keys(recs)))
    rv = Review([Paragraph(0, 'Attention', [Sentence(f"@{keys['a']} propose Alpha.", ['a'], 'custom'),
                                            Sentence(f"Alpha is compared with @{keys['y']}.", ['y'], 'custom'),
                                            Sentence(f"@{keys['y']} studies attention.", ['y'], 'custom')],
                          table=[dict(id='y', introduces=None, problem=None, evidence=None), dict(id='a', introduces='Alpha', problem=None, evidence=None)])],
                recs, keys)
    text = _text(rv.to_markdown('ieee'))
    assert 'Zheng and Xie [1] propose Alpha.' in text, text
    assert 'Alpha is compared with the work in [2].' in text and 'The work in [2] studies attention.' in text, text
    assert '| [2] †' in text and 'arXiv:2401.00001 [2]' not in text, text
    tex = rv.to_latex(csl='ieee')
    assert '{}[2]$^\\dagger$ &' in tex and not re.search(r'\\\\\s*\[', tex)
