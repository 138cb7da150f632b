#!/usr/bin/env bash
# The numbers of the README's "All the cores, and many machines": the
# threads benchmark (1 and 2 threads, five repetitions, medians) on a quiet
# machine and again beside two busy processes (bounded busy loops this script
# starts and stops), the MPI all-gather of one step at 2 ranks, and the digits
# example's time per epoch on 1 and 2 ranks.
#   BENCH_FILTER=regex   only the threads benchmark's rows that match
#   SKIP_MPI=1           only the threads benchmark
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/bench-scale
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ -DCTDIFF_BUILD_TESTS=OFF \
  -DCTDIFF_BUILD_EXAMPLES=ON -DCTDIFF_BUILD_BENCHMARKS=ON >/dev/null
targets=(ctdiff_threads_benchmarks)
[ -n "${SKIP_MPI:-}" ] || targets+=(ctdiff_mpi_allgather digits_mpi)
cmake --build $build -j2 --target "${targets[@]}"

threads_rows() {
  $build/bench/ctdiff_threads_benchmarks --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_filter="${BENCH_FILTER:-.}" | grep -E "median|^Benchmark|^---"
}

echo "== quiet machine"
threads_rows
echo "== beside two busy processes (each a bounded busy loop on a core)"
busy=()
for _ in 1 2; do
  timeout 1800 sh -c 'while :; do :; done' &
  busy+=($!)
done
trap 'kill "${busy[@]}" 2>/dev/null || true' EXIT
threads_rows
kill "${busy[@]}" 2>/dev/null || true
wait 2>/dev/null || true

[ -z "${SKIP_MPI:-}" ] || exit 0
mpirun=(mpirun --oversubscribe --allow-run-as-root)
"${mpirun[@]}" -np 2 $build/bench/ctdiff_mpi_allgather
for ranks in 1 2; do
  for repetition in 1 2 3; do "${mpirun[@]}" -np $ranks $build/examples/mpi/digits_mpi 30 | grep "per epoch"; done
done
