#!/usr/bin/env bash
# Interleaved timing of two scenarios on one build (docs/performance.md,
# "Teams and roles"):
#   bash benches/teams.sh CASELOAD PAIRS RUNS ONE.toml OTHER.toml [more run options]
# Runs `CASELOAD run` on ONE and OTHER alternately PAIRS times (the order
# flips each pair) and prints each one's median time, the ratio of the
# medians (other / one) and the median of the paired ratios. TIME=U measures
# user CPU time instead of wall time (steadier on a busy host).
set -euo pipefail
bin=$1 pairs=$2 runs=$3 one=$4 other=$5
shift 5
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
timed() { /usr/bin/time -f "%${TIME:-e}" "$bin" run "$1" --runs "$runs" --quiet --out "$out/o" "${@:2}" 2>&1 >/dev/null | tail -1; }
: >"$out/one"; : >"$out/other"
for i in $(seq "$pairs"); do
  if (( i % 2 )); then a=$(timed "$one" "$@"); b=$(timed "$other" "$@")
  else b=$(timed "$other" "$@"); a=$(timed "$one" "$@"); fi
  echo "$a" >>"$out/one"; echo "$b" >>"$out/other"
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
m1=$(median <"$out/one"); m2=$(median <"$out/other")
mr=$(paste "$out/other" "$out/one" | awk '{print $1/$2}' | median)
echo "pairs $pairs, $runs runs: median $(basename "$one") ${m1} s, $(basename "$other") ${m2} s, ratio of medians $(awk -v a="$m2" -v b="$m1" 'BEGIN{printf "%.3f", a/b}'), median paired ratio $(printf %.3f "$mr")"
