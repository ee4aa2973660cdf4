#!/usr/bin/env bash
# Interleaved wall-clock comparison of two builds on one command:
#   bash benches/interleave.sh BEFORE AFTER PAIRS -- run SCENARIO --runs N --quiet
# Runs BEFORE and AFTER alternately PAIRS times (the order flips each pair),
# then prints each build's median wall time, the ratio of the medians
# (after / before) and the median of the paired ratios. TIME=U measures
# user CPU time instead of wall time (steadier on a busy host).
set -euo pipefail
before=$1 after=$2 pairs=$3
shift 4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wall() { /usr/bin/time -f "%${TIME:-e}" "$1" "${@:2}" --out "$out" 2>&1 >/dev/null | tail -1; }
: >"$out/b"; : >"$out/a"
for i in $(seq "$pairs"); do
  if (( i % 2 )); then b=$(wall "$before" "$@"); a=$(wall "$after" "$@")
  else a=$(wall "$after" "$@"); b=$(wall "$before" "$@"); fi
  echo "$b" >>"$out/b"; echo "$a" >>"$out/a"
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
mb=$(median <"$out/b"); ma=$(median <"$out/a")
mr=$(paste "$out/a" "$out/b" | awk '{print $1/$2}' | median)
echo "pairs $pairs: median before ${mb} s, after ${ma} s, ratio of medians $(awk -v a="$ma" -v b="$mb" 'BEGIN{printf "%.3f", a/b}'), median paired ratio $(printf %.3f "$mr")"
