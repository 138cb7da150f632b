// One least-squares solve (Levenberg–Marquardt, default options, from NIST's
// first starting point) of Misra1a (2 parameters, 14 samples) and of Thurber
// (7 parameters, 37 samples), the files read once before timing. Each row
// first checks that the solve reaches LRE >= 6 on every parameter.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string_view>

#include "nist_problems.hpp"

namespace {

void solve_row(benchmark::State& state, std::string_view name) {
  const auto file = nist::read_problem(nist::path_of(CTDIFF_NIST_DIR, name));
  const auto& problem = *std::find_if(nist::problems.begin(), nist::problems.end(),
                                      [&](const nist::problem& p) { return p.name == name; });
  const auto check = problem.solve(file, file.start1, {});
  for (std::size_t i = 0; i != file.certified.size(); ++i) {
    if (nist::log_relative_error(check.parameters[i], file.certified[i]) < 6) {
      state.SkipWithError("the solve does not reach LRE 6");
      return;
    }
  }
  for (auto _ : state) {
    auto solved = problem.solve(file, file.start1, {});
    benchmark::DoNotOptimize(solved);
  }
  state.counters["iterations"] = static_cast<double>(check.iterations);
}

BENCHMARK_CAPTURE(solve_row, misra1a_start1, "Misra1a")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(solve_row, thurber_start1, "Thurber")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
