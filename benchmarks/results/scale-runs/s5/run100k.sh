#!/bin/bash
# one record run at 100k: $1 engine, $2 workers, $3 sample, $4 extra flags (e.g. --report); its own session, its scheduler group at -10 (see the report)
cd /work/main
echo -10 > /proc/self/autogroup
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONHASHSEED=0
W=/tmp/h3runs; C=/tmp/paperlens-scale/corpus-100k-of-1m; tag=$1-$2-100k
echo "start $(date -u +%FT%TZ) load $(cat /proc/loadavg) code $(git rev-parse --short HEAD)+$(git diff --stat -- paperlens | tail -1 | tr -d ' ')" > $W/$tag.log
/usr/bin/time -v .venv/bin/python benchmarks/bench_scale.py run --engine $1 --workers $2 --data $C --json $W/$tag.json --sample $3 --memory 8GiB --out $W/bundle-$tag $4 >> $W/$tag.log 2>&1
echo "rc $? end $(date -u +%FT%TZ) load $(cat /proc/loadavg)" >> $W/$tag.log
