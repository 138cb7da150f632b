#!/usr/bin/env bash
# Builds the benchmarks (preset bench: g++ -O3), runs every row five times
# and keeps the medians, then writes bench/results/benchmarks.json, the
# Markdown ratio table (ratios.md, also printed) and the SVG chart (ratios.svg).
# Arguments are passed to the benchmark binary, e.g. --benchmark_filter=sigmoid.
# BENCH_RESULTS=dir writes the results elsewhere.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results=${BENCH_RESULTS:-$root/bench/results}
cd "$root"

cmake --preset bench >/dev/null
cmake --build --preset bench
mkdir -p "$results"
# The JSON names the processor and compiler too (commas would split the context's pairs).
cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/,/ /g')
compiler="$(g++ --version | head -1 | tr , ' ') -O3"
build/bench/bench/ctdiff_benchmarks \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_context="cpu=$cpu,compiler=$compiler" \
  --benchmark_out="$results/benchmarks.json" --benchmark_out_format=json "$@"
python3 bench/report.py "$results/benchmarks.json" --markdown "$results/ratios.md" --svg "$results/ratios.svg"
cat "$results/ratios.md"
echo "chart: $results/ratios.svg"
