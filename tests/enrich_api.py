"""A local stand-in for the arXiv, Crossref and OpenAlex APIs, for tests of `paperlens.enrich`: a real HTTP server on
127.0.0.1 (http.server in a thread) that answers in each API's own format from the recorded responses in
tests/fixtures/enrich/, and can be told to misbehave (429, 500, a malformed body, a response slower than the timeout)."""
import json, threading, time, urllib.parse
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from pathlib import Path
from xml.sax.saxutils import escape

FIX = Path(__file__).resolve().parent/'fixtures'/'enrich'

def atom_feed(ids, entries):
    "An arXiv API Atom response for `ids` (unknown ids are left out, as arXiv does for ids it has no paper for)"
    q = escape(f"search_query=&id_list={','.join(ids)}&start=0&max_results={len(ids)}")
    found = [i for i in ids if i in entries]
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f'  <link href="http://arxiv.org/api/query?{escape(urllib.parse.quote(q))}" rel="self" type="application/atom+xml"/>',
           f'  <title type="html">ArXiv Query: {q}</title>', '  <id>http://arxiv.org/api/local-test</id>',
           '  <updated>2025-01-01T00:00:00-05:00</updated>',
           f'  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(found)}</opensearch:totalResults>',
           '  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>',
           f'  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(ids)}</opensearch:itemsPerPage>']
    for i in found:
        e = entries[i]
        v = f"{i}v{e.get('version', 1)}"
        out += ['  <entry>', f'    <id>http://arxiv.org/abs/{v}</id>', f"    <updated>{e['published']}</updated>",
                f"    <published>{e['published']}</published>", f"    <title>{escape(e['title'])}</title>",
                f"    <summary>{escape(e.get('summary', ''))}</summary>"]
        out += [f'    <author>\n      <name>{escape(a)}</name>\n    </author>' for a in e['authors']]
        out += [f'    <link href="http://arxiv.org/abs/{v}" rel="alternate" type="text/html"/>',
                f'    <link title="pdf" href="http://arxiv.org/pdf/{v}" rel="related" type="application/pdf"/>',
                f'    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{e["primary"]}" scheme="http://arxiv.org/schemas/atom"/>']
        out += [f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e['categories']]
        out += ['  </entry>']
    return '\n'.join(out + ['</feed>', ''])

class API:
    "The server, its log of requests, and switches: `fail[api] = ('429', n)`, `('500', n)`, `('malformed', n)`, `('slow', seconds)`"
    def __init__(self):
        self.entries = json.loads((FIX/'arxiv_entries.json').read_text(encoding='utf-8'))
        self.sample = (FIX/'arxiv_2502.18277.xml').read_text(encoding='utf-8')
        self.crossref = {'10.3390/cancers12030001': (FIX/'crossref_10.3390_cancers12030001.json').read_text(encoding='utf-8')}
        self.openalex = {'10.1145/3580305.3599000': (FIX/'openalex_work_10.1145_3580305.3599000.json').read_text(encoding='utf-8')}
        self.search = {'sparse attention for long documents': (FIX/'openalex_search_sparse_attention.json').read_text(encoding='utf-8')}
        self.log, self.fail = [], {}
        api = self
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self): api._handle(self)
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), H)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f'http://127.0.0.1:{self.server.server_address[1]}'
        self.apis = {'arxiv': self.base + '/arxiv/api/query', 'crossref': self.base + '/crossref', 'openalex': self.base + '/openalex'}

    def close(self): self.server.shutdown(); self.server.server_close()

    def requests(self, api): return [u for a, u in self.log if a == api]

    def _send(self, h, code, body, ctype='application/json', headers=()):
        b = body.encode('utf-8')
        h.send_response(code)
        h.send_header('Content-Type', ctype + '; charset=utf-8'); h.send_header('Content-Length', str(len(b)))
        for k, v in headers: h.send_header(k, v)
        h.end_headers(); h.wfile.write(b)

    def _handle(self, h):
        u = urllib.parse.urlsplit(h.path)
        api = u.path.split('/')[1]
        q = dict(urllib.parse.parse_qsl(u.query))
        self.log.append((api, h.path))
        mode = self.fail.get(api)
        if mode:
            kind, n = mode
            if kind == 'slow': time.sleep(n)
            elif n > 0:
                self.fail[api] = (kind, n - 1)
                if kind == '429': return self._send(h, 429, '{"message": "Too Many Requests"}', headers=[('Retry-After', '0')])
                if kind == '500': return self._send(h, 500, '<html><body>Internal Server Error</body></html>', 'text/html')
                if kind == 'malformed': return self._send(h, 200, '<html><body>Service temporarily unavailable</body></html>', 'text/html')
        if api == 'arxiv':
            ids = [i for i in q.get('id_list', '').split(',') if i]
            if ids == ['2502.18277']: return self._send(h, 200, self.sample, 'application/atom+xml')
            return self._send(h, 200, atom_feed(ids, self.entries), 'application/atom+xml')
        path = urllib.parse.unquote(u.path)
        if api == 'crossref' and path.startswith('/crossref/works/'):
            doi = path[len('/crossref/works/'):].lower()
            if doi in self.crossref: return self._send(h, 200, self.crossref[doi])
            return self._send(h, 404, 'Resource not found.', 'text/plain')
        if api == 'openalex' and path.startswith('/openalex/works/doi:'):
            doi = path[len('/openalex/works/doi:'):].lower()
            if doi in self.openalex: return self._send(h, 200, self.openalex[doi])
            return self._send(h, 404, '{"error": "NotFoundError", "message": "404 Not Found"}')
        if api == 'openalex' and path == '/openalex/works':
            t = q.get('filter', '').removeprefix('title.search:').strip().lower()
            body = self.search.get(' '.join(t.split()), '{"meta": {"count": 0, "page": 1, "per_page": 5}, "results": []}')
            return self._send(h, 200, body)
        return self._send(h, 404, 'not found', 'text/plain')
