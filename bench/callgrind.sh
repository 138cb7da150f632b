#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind) of the quadratic fit's
# gradient over 1000 samples: ctdiff against hand-written. The binary is built
# by the bench preset with -O3 -march=x86-64-v3 (valgrind cannot decode
# AVX-512, so not -march=native); only the gradient function itself is counted
# (--toggle-collect), CALLS times, and the counts are reported per call.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
calls=${CALLS:-100}
cd "$root"
cmake --preset bench >/dev/null
cmake --build --preset bench --target ctdiff_callgrind_quadratic >/dev/null
binary=build/bench/bench/ctdiff_callgrind_quadratic
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A per_call
for variant in hand_written ctdiff; do
  valgrind --tool=callgrind --callgrind-out-file="$work/$variant.out" \
    --toggle-collect="${variant}_gradient*" "$binary" "$variant" "$calls" >/dev/null 2>"$work/$variant.log"
  total=$(awk '/^(summary|totals):/ { print $2; exit }' "$work/$variant.out")
  per_call[$variant]=$((total / calls))
done

hand=${per_call[hand_written]}
ctdiff=${per_call[ctdiff]}
echo "Instructions per gradient (quadratic fit, 1000 samples, g++ -O3 -march=x86-64-v3, mean of $calls calls):"
echo "| gradient | instructions | ratio |"
echo "|---|---:|---:|"
echo "| hand-written | $hand | 1.000 |"
echo "| ctdiff | $ctdiff | $(awk -v c="$ctdiff" -v h="$hand" 'BEGIN { printf "%.3f", c / h }') |"
