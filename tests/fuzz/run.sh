#!/usr/bin/env bash
# Builds the read_csv fuzzer with clang++ (libFuzzer, AddressSanitizer with
# leak detection, UndefinedBehaviorSanitizer) and fuzzes it for the given
# number of seconds (default 30). Exits non-zero on any finding: the whole
# log is printed and the input is saved in the build directory as crash-*,
# leak-* or timeout-*. New inputs go to the build directory's corpus, so the
# seed corpus in tests/fuzz/corpus stays as committed.
#   tests/fuzz/run.sh [seconds]     BUILD_DIR=... overrides build/fuzz
set -euo pipefail
seconds=${1:-30}
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build/fuzz}

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCTDIFF_BUILD_FUZZERS=ON \
  -DCTDIFF_BUILD_TESTS=OFF -DCTDIFF_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target fuzz_read_csv -j2

mkdir -p "$build/corpus/read_csv"
log="$build/fuzz_read_csv.log"
# -timeout: one input taking over 5 s is a hang; -max_len: rows long enough
# for wide headers; -use_value_profile helps reach from_chars' branches.
if "$build/tests/fuzz/fuzz_read_csv" "$build/corpus/read_csv" tests/fuzz/corpus/read_csv \
  -dict=tests/fuzz/read_csv.dict -max_total_time="$seconds" -timeout=5 -max_len=8192 -use_value_profile=1 \
  -artifact_prefix="$build/" -print_final_stats=1 >"$log" 2>&1; then
  grep -E '^(Done|stat::)' "$log"
else
  cat "$log"
  exit 1
fi
