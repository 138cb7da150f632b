// One binary, every model, every way of computing its gradient. Each row
// first checks its gradient against the hand-written one, then reports its
// time per call and, as the counter x_hand, that time over the hand-written
// gradient's: the median CPU time per call of the model's hand_written row,
// which is registered first, so it has run all its repetitions before the
// other rows of its model (do not use --benchmark_enable_random_interleaving).
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
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

// The largest componentwise difference and the largest component of the reference.
struct difference_to_reference {
  double difference = 0, scale = 0;
  [[nodiscard]] bool agrees() const { return difference <= 1e-9 * scale; }
};

template <std::size_t n>
difference_to_reference compare(const std::array<double, n>& gradient, const std::array<double, n>& reference) {
  difference_to_reference result;
  for (std::size_t i = 0; i != n; ++i) {
    result.difference = std::max(result.difference, std::abs(gradient[i] - reference[i]));
    result.scale = std::max(result.scale, std::abs(reference[i]));
  }
  return result;
}

double thread_cpu_seconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

// The hand-written row's CPU time per call, one entry per run of at least
// 10 ms (Google Benchmark's final runs, not its short trial runs).
template <class Model>
std::vector<double> hand_written_seconds;

// Runs the timed loop; returns its thread CPU time per call (what the rows report as CPU time).
template <class Work>
double timed_loop(benchmark::State& state, Work work) {
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    auto result = work();
    benchmark::DoNotOptimize(result);  // also clobbers memory: the next call reloads the model
  }
  const double seconds = thread_cpu_seconds() - start;
  return seconds >= 0.01 ? seconds / static_cast<double>(state.iterations()) : 0;
}

// x_hand: this row's time per call over the median of the hand-written row's,
// which runs first for each model.
template <class Model>
void report_ratio_to_hand_written(benchmark::State& state) {
  auto times = hand_written_seconds<Model>;
  if (times.empty()) return;
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  // hand * iterations / time, inverted: time per iteration / hand.
  state.counters["x_hand"] = benchmark::Counter(
      times[times.size() / 2], benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <class Model>
void loss_row(benchmark::State& state, const Model& model) {
  timed_loop(state, [&] { return model.loss(model.parameters); });
  report_ratio_to_hand_written<Model>(state);
}

template <class Model, class Gradient>
void gradient_row(benchmark::State& state, const Model& model, Gradient gradient, bool is_hand_written) {
  if (const auto comparison = compare(gradient(model), model.hand_gradient()); !comparison.agrees()) {
    char message[100];
    std::snprintf(message, sizeof message, "the gradient differs from the hand-written one by %.1e relative (> 1e-9)",
                  comparison.difference / comparison.scale);
    state.SkipWithError(message);
    return;
  }
  const double seconds = timed_loop(state, [&] { return gradient(model); });
  if (is_hand_written && seconds > 0) hand_written_seconds<Model>.push_back(seconds);
  report_ratio_to_hand_written<Model>(state);
}

constexpr std::size_t largest_dual_number = 64;

template <class Model>
void register_rows(const Model& model) {
  const std::string prefix = std::string(Model::name) + "/";
  auto add_gradient_row = [&](const char* row, auto gradient) {
    const bool is_hand_written = std::string_view(row) == "hand_written";
    benchmark::RegisterBenchmark((prefix + row).c_str(), [&model, gradient, is_hand_written](benchmark::State& state) {
      gradient_row(state, model, gradient, is_hand_written);
    });
  };
  add_gradient_row("hand_written", [](const Model& m) { return m.hand_gradient(); });
  if constexpr (requires(const Model& m) { m.hand_gradient_avx2(); }) {
    add_gradient_row("hand_written_avx2", [](const Model& m) { return m.hand_gradient_avx2(); });
  }
  benchmark::RegisterBenchmark((prefix + "loss").c_str(),
                               [&model](benchmark::State& state) { loss_row(state, model); });
  add_gradient_row("ctdiff", [](const Model& m) { return m.ctdiff_gradient(); });
#ifdef CTDIFF_BENCH_SIMD
  if constexpr (requires(const Model& m) { m.template ctdiff_gradient<true>(); }) {
    add_gradient_row("ctdiff_simd", [](const Model& m) { return m.template ctdiff_gradient<true>(); });
  }
#endif
  add_gradient_row("finite_differences", [](const Model& m) { return finite_difference_gradient(m); });
  add_gradient_row("boost_autodiff", [](const Model& m) { return boost_autodiff_gradient(m); });
  // A dual number carrying all n derivatives holds n + 1 doubles: for the
  // digits network's 2410 parameters, 19 KB each, 46 MB for the parameters
  // alone, more than the stack. Those libraries' rows are for the small models.
  if constexpr (Model::parameter_count <= largest_dual_number) {
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
}

#ifdef CTDIFF_BENCH_SIMD
// A function over 4096 points: ctdiff's value on packs (function/ctdiff_simd)
// beside the standard library's in a scalar loop (function/std_loop), the
// way a pack that has no vectorised form of the function computes it.
template <class Model, class Scalar>
void register_function_rows(const std::string& name, Model model, Scalar scalar, double low, double high) {
  using lanes = ctdiff::pack<double>;
  static constexpr ctdiff::symbol<"v"> v;
  auto points = std::make_shared<std::vector<double>>(4096);
  for (std::size_t i = 0; i != points->size(); ++i) {
    (*points)[i] = low + (high - low) * static_cast<double>(i) / static_cast<double>(points->size());
  }
  benchmark::RegisterBenchmark((name + "/std_loop").c_str(), [points, scalar](benchmark::State& state) {
    for (auto _ : state) {
      double total = 0;
      for (double point : *points) total += scalar(point);
      benchmark::DoNotOptimize(total);
    }
  });
  benchmark::RegisterBenchmark((name + "/ctdiff_simd").c_str(), [points, model, scalar](benchmark::State& state) {
    const auto packed = [&](std::size_t i) {
      return ctdiff::eval(model(v), ctdiff::at(v = lanes::load_unaligned(&(*points)[i])));
    };
    for (std::size_t i = 0; i != points->size(); i += lanes::size) {
      const auto values = packed(i);
      for (std::size_t k = 0; k != lanes::size; ++k) {
        if (std::abs(values.get(k) - scalar((*points)[i + k])) > 1e-15 * std::abs(scalar((*points)[i + k]))) {
          state.SkipWithError("the packs' value differs from the standard library's");
          return;
        }
      }
    }
    for (auto _ : state) {
      lanes total(0.0);
      for (std::size_t i = 0; i != points->size(); i += lanes::size) total += packed(i);
      benchmark::DoNotOptimize(total);
    }
  });
}
#endif

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  constexpr std::size_t samples = 1000;
  static const bench::quadratic_fit quadratic(samples);
  static const bench::exp_decay decay(samples);
  static const bench::polynomial_family polynomial(samples);
  static const bench::sigmoid_network network(samples);
  static const bench::relu_neuron neuron;
  static const bench::digits_network<100> digits(CTDIFF_DIGITS_CSV);
  static const bench::digits_network<1> digit(CTDIFF_DIGITS_CSV);
  // The models that are DAGs, over the sample count of issue 9's table.
  constexpr std::size_t shared_samples = 64;
  static const bench::dense_network<2, 3, 2> dense_2_3_2(shared_samples);
  static const bench::dense_network<2, 3, 4> dense_2_3_4(shared_samples);
  static const bench::dense_network<4, 8, 4> dense_4_8_4(shared_samples);
  static const bench::spring_particle spring(shared_samples);
  bench::register_rows(quadratic);
  bench::register_rows(decay);
  bench::register_rows(polynomial);
  bench::register_rows(network);
  bench::register_rows(neuron);
  bench::register_rows(digits);
  bench::register_rows(digit);
  bench::register_rows(dense_2_3_2);
  bench::register_rows(dense_2_3_4);
  bench::register_rows(dense_4_8_4);
  bench::register_rows(spring);
#ifdef CTDIFF_BENCH_SIMD
  // Every function of the packs' accuracy sweep, over the same domains.
#define CTDIFF_FUNCTION_ROWS(name, low, high)                                                                       \
  bench::register_function_rows(                                                                                    \
      "function/" #name, [](const auto& v) { return ctdiff::name(v); }, [](double v) { return std::name(v); }, low, \
      high)
  CTDIFF_FUNCTION_ROWS(exp, -30, 30);
  CTDIFF_FUNCTION_ROWS(log, 1e-30, 1e6);
  CTDIFF_FUNCTION_ROWS(sqrt, 0, 1e6);
  CTDIFF_FUNCTION_ROWS(sin, -100, 100);
  CTDIFF_FUNCTION_ROWS(cos, -100, 100);
  CTDIFF_FUNCTION_ROWS(tanh, -20, 20);
  CTDIFF_FUNCTION_ROWS(log1p, -0.999, 100);
  CTDIFF_FUNCTION_ROWS(expm1, -30, 30);
  CTDIFF_FUNCTION_ROWS(atan, -100, 100);
  CTDIFF_FUNCTION_ROWS(erf, -6, 6);
#undef CTDIFF_FUNCTION_ROWS
  bench::register_function_rows(
      "function/pow", [](const auto& v) { return ctdiff::pow(v, 2.5); }, [](double v) { return std::pow(v, 2.5); }, 0,
      100);
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
