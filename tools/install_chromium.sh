#!/usr/bin/env bash
# Headless Chromium for the docs/report/workbook browser checks (Debian's package; Playwright's own browser download needs the internet).
# Also Debian's TeX (texlive-latex-base, texlive-bibtex-extra) so the hostile-records test really compiles review.tex with
# pdflatex -no-shell-escape + bibtex; without it that test is skipped and the lexical check still runs.
if [ "$(id -u)" = 0 ] && ! command -v pdflatex >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends texlive-latex-base texlive-bibtex-extra >/dev/null) \
    || echo "warning: could not install TeX; the pdflatex check will be skipped" >&2
fi
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; browser tests will fail" >&2
else
  echo "note: chromium is not installed and we are not root; install Debian's chromium for the browser tests" >&2
fi
exit 0
