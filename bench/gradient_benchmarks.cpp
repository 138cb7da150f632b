// One binary, every model, every way of computing its gradient. Each row
// first checks its gradient against the hand-written one, then reports its
// time per call and, as the counter x_hand, that time over the hand-written
// gradient's (measured once per model by this binary, in thread CPU time like
// the rows).
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "models.hpp"
#include "rows.hpp"

#ifdef CTDIFF_BENCH_EIGEN
#include <Eigen/Core>  // AutoDiff does not include it itself
#include <unsupported/Eigen/AutoDiff>
#endif
#ifdef CTDIFF_BENCH_CERES
#include <ceres/jet.h>
#endif
#ifdef CTDIFF_BENCH_SACADO
#include <Sacado_No_Kokkos.hpp>
#endif

namespace bench {
namespace {

#ifdef CTDIFF_BENCH_EIGEN
struct eigen_autodiff {
  template <std::size_t n>
  using scalar = Eigen::AutoDiffScalar<Eigen::Matrix<double, n, 1>>;
  template <std::size_t n>
  static scalar<n> seed(double value, std::size_t i) {
    return scalar<n>(value, n, static_cast<int>(i));
  }
  static double derivative(const auto& result, std::size_t i) { return result.derivatives()[i]; }
};
#endif
#ifdef CTDIFF_BENCH_CERES
struct ceres_jet {
  template <std::size_t n>
  using scalar = ceres::Jet<double, n>;
  template <std::size_t n>
  static scalar<n> seed(double value, std::size_t i) {
    return scalar<n>(value, static_cast<int>(i));
  }
  static double derivative(const auto& result, std::size_t i) { return result.v[i]; }
};
#endif
#ifdef CTDIFF_BENCH_SACADO
struct sacado_cache_fad {
  template <std::size_t n>
  using scalar = Sacado::CacheFad::SFad<double, n>;
  template <std::size_t n>
  static scalar<n> seed(double value, std::size_t i) {
    return scalar<n>(static_cast<int>(n), static_cast<int>(i), value);
  }
  static double derivative(const auto& result, std::size_t i) { return result.dx(static_cast<int>(i)); }
};
#endif

// Largest componentwise difference over the largest component of the reference.
template <std::size_t n>
bool agrees(const std::array<double, n>& gradient, const std::array<double, n>& reference) {
  double difference = 0, scale = 0;
  for (std::size_t i = 0; i != n; ++i) {
    difference = std::max(difference, std::abs(gradient[i] - reference[i]));
    scale = std::max(scale, std::abs(reference[i]));
  }
  return difference <= 1e-9 * scale;
}

double thread_cpu_seconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

// Median over batches of at least 20 ms each: robust to the other jobs on a shared machine.
template <class Model>
double measure_hand_gradient_seconds(const Model& model) {
  auto batch_seconds = [&](std::size_t calls) {
    const double start = thread_cpu_seconds();
    for (std::size_t i = 0; i != calls; ++i) {
      auto gradient = model.hand_gradient();
      benchmark::DoNotOptimize(gradient);
    }
    return thread_cpu_seconds() - start;
  };
  std::size_t calls = 1;
  while (batch_seconds(calls) < 0.02) calls *= 2;
  std::vector<double> per_call(9);
  for (double& seconds : per_call) seconds = batch_seconds(calls) / static_cast<double>(calls);
  std::nth_element(per_call.begin(), per_call.begin() + 4, per_call.end());
  return per_call[4];
}

template <class Model>
void report_ratio_to_hand_written(benchmark::State& state, const Model& model) {
  static const double hand_seconds = measure_hand_gradient_seconds(model);
  // hand_seconds * iterations / time, inverted: time per iteration / hand_seconds.
  state.counters["x_hand"] =
      benchmark::Counter(hand_seconds, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <class Model>
void loss_row(benchmark::State& state, const Model& model) {
  for (auto _ : state) {
    double loss = model.loss(model.parameters);
    benchmark::DoNotOptimize(loss);
  }
  report_ratio_to_hand_written(state, model);
}

template <class Model, class Gradient>
void gradient_row(benchmark::State& state, const Model& model, Gradient gradient) {
  if (!agrees(gradient(model), model.hand_gradient())) {
    state.SkipWithError("the gradient differs from the hand-written one by more than 1e-9 relative");
    return;
  }
  for (auto _ : state) {
    auto result = gradient(model);
    benchmark::DoNotOptimize(result);  // also clobbers memory: the next call reloads the model
  }
  report_ratio_to_hand_written(state, model);
}

template <class Model>
void register_rows(const Model& model) {
  const std::string prefix = std::string(Model::name) + "/";
  benchmark::RegisterBenchmark((prefix + "loss").c_str(),
                               [&model](benchmark::State& state) { loss_row(state, model); });
  auto add_gradient_row = [&](const char* row, auto gradient) {
    benchmark::RegisterBenchmark((prefix + row).c_str(),
                                 [&model, gradient](benchmark::State& state) { gradient_row(state, model, gradient); });
  };
  add_gradient_row("hand_written", [](const Model& m) { return m.hand_gradient(); });
  add_gradient_row("ctdiff", [](const Model& m) { return m.ctdiff_gradient(); });
  add_gradient_row("finite_differences", [](const Model& m) { return finite_difference_gradient(m); });
  add_gradient_row("boost_autodiff", [](const Model& m) { return boost_autodiff_gradient(m); });
#ifdef CTDIFF_BENCH_EIGEN
  add_gradient_row("eigen_autodiffscalar", [](const Model& m) { return dual_number_gradient<eigen_autodiff>(m); });
#endif
#ifdef CTDIFF_BENCH_CERES
  add_gradient_row("ceres_jet", [](const Model& m) { return dual_number_gradient<ceres_jet>(m); });
#endif
#ifdef CTDIFF_BENCH_SACADO
  add_gradient_row("sacado_cachefad", [](const Model& m) { return dual_number_gradient<sacado_cache_fad>(m); });
#endif
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  constexpr std::size_t samples = 1000;
  static const bench::quadratic_fit quadratic(samples);
  static const bench::sigmoid_network network(samples);
  static const bench::relu_neuron neuron;
  bench::register_rows(quadratic);
  bench::register_rows(network);
  bench::register_rows(neuron);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
