#!/usr/bin/env bash
# Whole-command timings for docs/performance.md: the median of several runs
# of each command, wall-clock seconds and peak memory, on a release build.
#
#   bash benches/scaling.sh            # the targets and the scaling table
#   REPEAT=3 bash benches/scaling.sh   # fewer repeats
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/caseload
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
repeat=${REPEAT:-5}

# median wall seconds and peak KB of `caseload run ARGS...` over $repeat runs
measure() {
    local walls=() peak=0
    for _ in $(seq "$repeat"); do
        /usr/bin/time -f "%e %M" -o "$out/time" "$bin" run "$@" --out "$out" --quiet >/dev/null
        read -r wall kb <"$out/time"
        walls+=("$wall")
        ((kb > peak)) && peak=$kb
    done
    local median
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%8s s  %7d MiB' "$median" $((peak / 1024))
}

echo "Targets"
printf '  %-58s %s\n' "bury-2022, 10,000 runs (36 months, ~150 heads):" "$(measure scenarios/bury-2022.toml --runs 10000)"
printf '  %-58s %s\n' "large-county, 10,000 runs (120 months, ~650 heads):" "$(measure scenarios/large-county.toml --runs 10000)"

echo "Scaling (large county unless said; heads from the establishment)"
for runs in 1000 2000 4000; do
    printf '  %-58s %s\n' "runs $runs, months 120" "$(measure scenarios/large-county.toml --runs $runs)"
done
for months in 30 60 120; do
    printf '  %-58s %s\n' "runs 2000, months $months" "$(measure scenarios/large-county.toml --runs 2000 --set months=$months)"
done
for scale in 0.25 0.5 1; do
    printf '  %-58s %s\n' "runs 2000, months 120, workforce x$scale" \
        "$(measure scenarios/large-county.toml --runs 2000 \
            --set workforce.establishment_fte=$(awk "BEGIN{print 697.9*$scale}") \
            --set workforce.permanent_fte=$(awk "BEGIN{print 599.1*$scale}") \
            --set workforce.asye_fte=$(awk "BEGIN{print 31*$scale}") \
            --set agency.fte=$(awk "BEGIN{print 89.7*$scale}"))"
done
