#!/usr/bin/env bash
# Everything bench/ measures, in one command. Builds the benchmarks (preset
# bench: g++ -O3), runs every row five times and keeps the medians, then
# writes into bench/results/: benchmarks.json, the Markdown ratio table
# (ratios.md) and the SVG chart (ratios.svg); then the instruction counts
# (callgrind.md, by callgrind.sh) and the compile-time table (compile_time.md,
# by compile_time.py). Each table is printed too.
# Arguments are passed to the main benchmark binary, e.g. --benchmark_filter=sigmoid.
# BENCH_RESULTS=dir writes the results elsewhere; BENCH_ONLY=1 skips the last two.
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
# The 784→128→10 network's batch gradient (issue 10): ctdiff's batches, the
# same network in Eigen, today's per-sample path; then PyTorch on one thread,
# where Debian's python3-torch is installed (the system python: it is Debian's package).
OPENBLAS_NUM_THREADS=1 build/bench/bench/ctdiff_mlp_benchmarks \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$results/mlp.json" --benchmark_out_format=json
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_reference.py | tee "$results/pytorch.md"
else
  echo "PyTorch rows skipped: python3-torch is not installed (apt-get install python3-torch)"
fi
if [[ -z ${BENCH_ONLY:-} ]]; then
  bench/callgrind.sh | tee "$results/callgrind.md"
  python3 bench/compile_time.py --dense 2x3x2 --dense 2x3x4 --dense 4x8x4 | tee "$results/compile_time.md"
fi
