#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind) of each model's gradient:
# ctdiff against hand-written, in two builds: g++ -O3 (the benchmarks' flags)
# and g++ -O3 -march=x86-64-v3 (AVX2 and FMA; not -march=native: valgrind
# cannot decode AVX-512). Only the gradient function itself is counted
# (--toggle-collect on bench/callgrind_gradients.cpp's counted_* functions,
# exp and the other calls it makes included), CALLS times, reported per call.
# CTDIFF_INCLUDE=dir measures another checkout's headers (e.g. a git worktree
# of an older commit), CXXFLAGS are added to both builds' flags; MODELS="a b"
# measures only those models.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
calls=${CALLS:-20}
include=${CTDIFF_INCLUDE:-$root/include}
models=${MODELS:-quadratic_fit sigmoid_net dense_2_3_2 dense_2_3_4 dense_4_8_4 spring_particle digits_net}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A per_call
builds=("-O3" "-O3 -march=x86-64-v3")
for flags in "${builds[@]}"; do
  # $flags and $CXXFLAGS unquoted: several words.
  # shellcheck disable=SC2086
  g++ -std=c++20 $flags ${CXXFLAGS:-} -I "$include" -DCTDIFF_DIGITS_CSV="\"$root/examples/data/digits.csv\"" \
    "$root/bench/callgrind_gradients.cpp" -o "$work/gradients"
  for model in $models; do
    for variant in hand_written ctdiff; do
      valgrind --tool=callgrind --callgrind-out-file="$work/out" --toggle-collect="*counted_${variant}<*" \
        "$work/gradients" "$model" "$variant" "$calls" >/dev/null 2>"$work/log"
      total=$(awk '/^(summary|totals):/ { print $2; exit }' "$work/out")
      per_call[$flags/$model/$variant]=$((total / calls))
    done
  done
done

echo "Instructions per gradient (g++ $(g++ -dumpfullversion), mean of $calls calls; 64 samples for the dense networks and the spring, 100 images for the digits network (the per-sample tensor path), 1000 for the others):"
echo "| model | build | hand-written | ctdiff | ratio |"
echo "|---|---|---:|---:|---:|"
for model in $models; do
  for flags in "${builds[@]}"; do
    hand=${per_call[$flags/$model/hand_written]}
    ctdiff=${per_call[$flags/$model/ctdiff]}
    ratio=$(awk -v c="$ctdiff" -v h="$hand" 'BEGIN { printf "%.3f", c / h }')
    echo "| $model | $flags | $hand | $ctdiff | $ratio |"
  done
done
