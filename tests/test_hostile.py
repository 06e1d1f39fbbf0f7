"""Hostile records stay inert data in every output: a review of records (and file names) carrying script tags, event handlers,
`javascript:` URLs, Markdown links and images, TeX `\\input`/`\\write18`/`\\catcode`, unbalanced braces, `%&#_^~`, NUL and control
characters. The HTML report in headless Chromium and the Markdown files as Jupyter renders them run no script and fetch nothing;
bibtexparser reads `references.bib` with no failed block and no field the records did not have; TeX reads no file outside the bundle."""
import base64, hashlib, html.parser, json, os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT/'tests'/'fixtures'/'hostile'
pytestmark = pytest.mark.slow   # one real review (MiniLM + BERTopic), about a minute on 2 cores, and Chromium

# TeX primitives and LaTeX commands that read or write files, run commands or change how TeX reads its input
DANGEROUS_TEX = re.compile(r'\\(input|include|write|immediate|openin|openout|read|catcode|def|edef|gdef|let|csname|usepackage|'
                           r'documentclass|special|directlua|jobname|newwrite|newread)(?![a-zA-Z])')

def run(*args, env):
    cmd = [sys.executable, '-c', 'import sys; from paperlens.cli import main; sys.exit(main())', *map(str, args)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)

@pytest.fixture(scope='module')
def hostile(tmp_path_factory):
    "the review of the examples plus the hostile records, some in files whose names are hostile too"
    tmp = tmp_path_factory.mktemp('hostile')
    inputs = tmp/'inputs'; shutil.copytree(HOSTILE, inputs)
    shutil.copy(HOSTILE/'hostile_export.ris', inputs/'<img src=x onerror="window.__pwned=20">[x](javascript:y).ris')
    shutil.copy(HOSTILE/'hostile_export.ris', inputs/os.fsdecode(b'caf\xe9 \x1b[31m $\\input{x}.ris'))   # not UTF-8, a terminal escape, TeX
    env = dict(os.environ, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TOKENIZERS_PARALLELISM='false', PYTHONHASHSEED='0',
               PAPERLENS_CACHE=str(tmp/'cache'))
    out = tmp/'bundle'
    r = run('review', 'examples/seeds', inputs, '--out', out, '--quiet', env=env)
    return out, r

def test_the_review_runs_and_its_bundle_verifies(hostile):
    out, r = hostile
    assert r.returncode in (0, 2), r.stderr[-3000:]
    assert 'Traceback' not in r.stderr and '\x1b' not in r.stdout, r.stderr[-3000:]
    from paperlens.report import load
    b = load(out)                                                     # hashes, schema, model layout all check out
    titles = ' '.join(map(str, b.records.title))
    assert 'Sparse Attention for Long Documents' in titles and 'Routing Without Load Balancing' in titles, 'a hostile record was lost'
    assert 'Efficient Transformers' in titles                         # the title with NUL-digit-NUL (it crashed the report)

class Tags(html.parser.HTMLParser):
    "every element and attribute of a page, and the text of its scripts"
    def __init__(self): super().__init__(); self.tags, self.scripts = [], []
    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == 'script': self.scripts.append([dict(attrs), ''])
    def handle_data(self, data):
        if self.tags and self.tags[-1][0] == 'script' and self.scripts: self.scripts[-1][1] += data

ACTIVE = {'script', 'iframe', 'object', 'embed', 'form', 'input', 'link', 'style', 'svg', 'math', 'base', 'meta', 'frame', 'video', 'audio', 'source'}

def inert(page:str, allow_style=False, allow_meta=False):
    "problems of an HTML page built from record text: active elements, event handlers, non-http(s) links, remote images"
    p = Tags(); p.feed(page)
    out = []
    csp = ' '.join(a.get('content', '') for t, a in p.tags if t == 'meta' and a.get('http-equiv', '').lower() == 'content-security-policy')
    for attrs, js in re.findall(r'<script([^>]*)>(.*?)</script', page, flags=re.S | re.I):   # as a browser splits them
        if 'application/json' in attrs: continue                      # data, never run; a script is the page's own only when the CSP allows it by hash
        h = "'sha256-" + base64.b64encode(hashlib.sha256(js.encode()).digest()).decode() + "'"
        if not (allow_meta and h in csp): out.append(f'<script> not allowed by the CSP: {js[:60]!r}')
    for tag, attrs in p.tags:
        if tag == 'script': continue
        if tag in ACTIVE and not (allow_style and tag == 'style') and not (allow_meta and tag == 'meta'): out.append(f'<{tag}>')
        out += [f'{tag} {k}=' for k in attrs if k.lower().startswith('on')]
        href = (attrs.get('href') or '').strip()
        if href and not re.match(r'(https?://|#)', href, re.I): out.append(f'{tag} href={href[:40]}')
        src = (attrs.get('src') or '').strip()
        if tag == 'img' and not re.match(r'(data:image/(png|svg\+xml);|figures/)', src): out.append(f'img src={src[:40]}')
    return out

def browse(browser, url=None, content=None):
    "open a page in headless Chromium: (dialogs, requests, window.__pwned, body text)"
    page = browser.new_page()
    dialogs, requests = [], []
    page.on('dialog', lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on('request', lambda q: requests.append(q.url))
    if url: page.goto(url)
    else: page.set_content(content)
    page.wait_for_load_state('load')
    for a in page.query_selector_all('a'):                              # hover and click every link: no handler may run
        try: a.hover(timeout=500)
        except Exception: pass
    res = dialogs, [u for u in requests if not u.startswith(('data:', 'file:', 'about:'))], page.evaluate('window.__pwned'), page.inner_text('body')
    page.close()
    return res

def test_report_html_runs_no_script_and_fetches_nothing(hostile, browser):
    out, _ = hostile
    page = (out/'report.html').read_text()
    assert inert(page, allow_style=True, allow_meta=True) == []
    dialogs, requests, pwned, text = browse(browser, url=(out/'report.html').as_uri())
    assert dialogs == [] and pwned is None, 'record text ran as script'
    assert requests == [], requests
    assert 'Sparse Attention for Long Documents' in text and '<script>' in text    # the markup shows as text

def md_renderings(md):
    "Markdown as JupyterLab (markdown-it/marked: CommonMark + GFM, raw HTML on) and nbconvert (mistune) turn it into HTML"
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    from markdown_it import MarkdownIt
    from IPython.display import Markdown
    data = Markdown(md).data                                          # what the workbook displays
    return {'nbconvert': markdown2html_mistune(data),
            'commonmark+html': MarkdownIt('commonmark', {'html': True}).enable(['table', 'strikethrough']).render(data)}

@pytest.mark.parametrize('name', ['review.md', 'report.md', 'ingest_report.md'])
def test_markdown_shown_in_jupyter_runs_no_script_and_fetches_nothing(hostile, browser, tmp_path, name):
    out, _ = hostile
    md = (out/name).read_text()
    for how, page in md_renderings(md).items():
        assert inert(page) == [], (name, how, inert(page)[:10])
        f = tmp_path/f'{how}.html'; f.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body>{page}</body>')
        shutil.copytree(out/'figures', tmp_path/'figures', dirs_exist_ok=True)
        dialogs, requests, pwned, text = browse(browser, url=f.as_uri())
        assert dialogs == [] and pwned is None and requests == [], (name, how, dialogs, requests)
        if name != 'ingest_report.md': assert 'Sparse Attention for Long Documents' in text or 'Routing Without' in text, (name, how)

def test_file_names_are_shown_as_text(hostile):
    out, _ = hostile
    for name in ('ingest_report.md', 'report.md'):
        md = (out/name).read_text(encoding='utf-8')                   # valid UTF-8 although one input's name is not
        assert re.search(r'caf\\{1,2}xe9', md), name                   # the undecodable byte shown as \xe9 (its backslash escaped in Markdown)
        assert '\x1b' not in md and '<img src=x' not in md, name
    page = (out/'report.html').read_text(encoding='utf-8')
    assert '&lt;img src=x onerror=' in page and '\x1b' not in page

def test_references_bib_parses_whole_with_no_injected_field(hostile):
    out, _ = hostile
    import bibtexparser
    bib = (out/'references.bib').read_text()
    lib = bibtexparser.parse_string(bib)
    assert lib.failed_blocks == [], [b.raw[:200] for b in lib.failed_blocks]
    items = json.loads((out/'references.json').read_text())
    assert len(lib.entries) == len(items), 'a brace in one entry swallowed others'
    fields = {'title', 'author', 'editor', 'year', 'month', 'journal', 'booktitle', 'howpublished', 'volume', 'number', 'pages',
              'publisher', 'institution', 'school', 'doi', 'url', 'abstract', 'keywords', 'eprint', 'archiveprefix', 'primaryclass',
              'key', 'type', 'note', 'language', 'issn', 'isbn', 'address', 'edition', 'series', 'organization',
              'eprinttype', 'eprintclass', 'date', 'urldate', 'pmid', 'pmcid', 'chapter', 'annote'}   # BibTeX and biblatex data fields
    for e in lib.entries:
        keys = {f.key.lower() for f in e.fields}
        assert keys <= fields, (e.key, keys - fields)
        assert len(keys) == len(e.fields), (e.key, 'a field appears twice')
        for f in e.fields:
            assert not DANGEROUS_TEX.search(f.value), (e.key, f.key, f.value[:120])
            assert '\x00' not in f.value and '\x1b' not in f.value, (e.key, f.key)
    val = lambda e, k: e.fields_dict[k].value if k in e.fields_dict else ''
    hostile_entry = [e for e in lib.entries if 'Routing' in val(e, 'title')]
    assert hostile_entry, 'the record with an unbalanced brace is missing from references.bib'
    injected = [e for e in lib.entries if 'etc/hostname' in val(e, 'note') or 'etc/passwd' in val(e, 'note')]
    assert injected == [], 'the URL closed its field and added a note'

def test_review_tex_has_no_control_sequence_from_record_text(hostile):
    out, _ = hostile
    tex = (out/'review.tex').read_text()
    body = tex.split('\\begin{document}', 1)[1]
    found = [m[0] for m in DANGEROUS_TEX.finditer(body)]
    assert found == [], found[:10]
    assert '\x00' not in tex and '\x1b' not in tex
    assert tex.count('{') - tex.count('\\{') == tex.count('}') - tex.count('\\}'), 'unbalanced braces in review.tex'
    links = re.findall(r'\\(?:url|href)\{([^}]*)\}', body)
    assert not [u for u in links if not re.match(r'https?://', u)], links   # a PDF link to javascript: or file: would be live

@pytest.mark.skipif(not (shutil.which('pdflatex') and shutil.which('bibtex')), reason='no TeX here (Debian: texlive-latex-base, texlive-bibtex-extra); the lexical check above still runs')
def test_pdflatex_and_bibtex_read_no_file_outside_the_bundle(hostile, tmp_path):
    out, _ = hostile
    d = tmp_path/'tex'; d.mkdir()
    for f in ('review.tex', 'references.bib'): shutil.copy(out/f, d/f)
    marker = Path('/tmp/paperlens-pwned'); marker.unlink(missing_ok=True)
    env = dict(os.environ, openout_any='p', shell_escape='f')   # TeX's defaults for reading, as a user has them; writing stays restricted
    tex = lambda: subprocess.run(['pdflatex', '-no-shell-escape', '-recorder', '-interaction=nonstopmode', 'review.tex'], cwd=d, env=env,
                                 capture_output=True, text=True, timeout=300, errors='replace')
    tex(); subprocess.run(['bibtex', 'review'], cwd=d, env=env, capture_output=True, timeout=120); r = tex()
    fls = (d/'review.fls').read_text(errors='replace').splitlines()
    system = ('/usr/share/', '/var/lib/texmf', '/etc/texmf', '/usr/local/share/texmf', str(Path.home()/'.texlive'))
    outside = [l for l in fls if l.startswith(('INPUT ', 'OUTPUT ')) and l.split(' ', 1)[1].startswith('/')
               and not l.split(' ', 1)[1].startswith(system + (str(d),))]
    assert outside == [], outside
    assert not any(s in l for l in fls for s in ('/etc/passwd', '/etc/hostname')), 'TeX read a system file'
    assert not marker.exists(), 'a shell command ran'
    assert (d/'review.pdf').exists(), r.stdout[-2000:]
