#!/usr/bin/env bash
# Fails when a notebook is not nbdev_clean-ed or when nbdev_export would change paperlens/.
# Works on a throw-away copy, so it never touches your working tree.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$top/nbs" "$top/paperlens" "$top/settings.ini" "$top/pyproject.toml" "$tmp/"
cd "$tmp"
cp -r nbs nbs.orig; cp -r paperlens paperlens.orig
nbdev_clean >/dev/null
if ! diff -rq nbs.orig nbs >/dev/null; then
  echo "FAIL: these notebooks are not cleaned; run 'nbdev_clean' (or 'make export') and commit:" >&2
  diff -rq nbs.orig nbs >&2 || true; exit 1
fi
nbdev_export >/dev/null
find paperlens paperlens.orig -name __pycache__ -prune -exec rm -rf {} +
if ! diff -r paperlens.orig paperlens >/dev/null; then
  echo "FAIL: paperlens/ is out of sync with the notebooks; run 'nbdev_export' and commit both:" >&2
  diff -r paperlens.orig paperlens | head -40 >&2 || true; exit 1
fi
echo "notebooks clean; paperlens/ in sync with nbs/"
