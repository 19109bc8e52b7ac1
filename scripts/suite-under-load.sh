#!/usr/bin/env bash
# Runs `npm test` RUNS times in a row (default 5) while a second copy of the suite runs beside it the
# whole time, in its own clone, so the two compete for the machine. Exits 0 only if every foreground
# run passed. The background copy's results are reported but do not decide the exit code.
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
logs="$(mktemp -d)"
beside="$(mktemp -d)/beside"
git clone -q . "$beside" && ln -s "$PWD/node_modules" "$beside/node_modules"

(
  cd "$beside"
  n=0
  while [ ! -e "$logs/done" ]; do
    n=$((n + 1))
    if npm test >"$logs/beside-$n.log" 2>&1; then echo pass >>"$logs/beside.results"; else echo fail >>"$logs/beside.results"; fi
  done
) &
background=$!

passed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if npm test >"$logs/run-$i.log" 2>&1; then
    passed=$((passed + 1))
    verdict=pass
  else
    verdict=FAIL
  fi
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/run-$i.log" | grep -E '^ +Tests ' | tail -1 | tr -s ' ')
  echo "run $i: $verdict in $(($(date +%s) - start)) s,${summary}"
done
touch "$logs/done"
wait "$background"
count() { grep -c "$1" "$logs/beside.results" 2>/dev/null || true; }
echo "foreground: $passed of $runs passed; beside: $(count pass) passed, $(count fail) failed; logs in $logs"
[ "$passed" -eq "$runs" ]
