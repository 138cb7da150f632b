// fit's own cost: batch gradient descent over 100,000 samples for 50 epochs
// (51 passes over the data: fit evaluates the loss and gradient at the start
// of every epoch and once more at the end), three ways side by side:
//   hand_written  the loss and its gradient written out, in a plain loop;
//   kernel_loop   ctdiff's eval_with_value(gradient(...)) in the same plain loop;
//   fit           ctdiff::fit with {.method = gradient_descent, .max_epochs = 50};
//   kernel_loop_simd, fit_simd  the same on packs of samples (<ctdiff/simd.hpp>),
//                 where xsimd is found;
//   newton/...    fit_newton and simd::fit_newton, 8 steps from the same start,
//                 where Eigen is found too (gradient and Hessian sums);
//   least_squares/...  least_squares and simd::least_squares of the exp model
//                 to convergence (residuals and Jacobian rows), likewise;
//   minibatches/...  fit and simd::fit on shuffled mini-batches of 64, 5 epochs
//                 (simd::fit gathers each pack's samples).
// fit / kernel_loop is what the front end costs; kernel_loop / hand_written
// what the gradient costs. Every row checks its parameters against the
// hand-written row's before timing.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctdiff/ctdiff.hpp>
#include <random>
#ifdef CTDIFF_BENCH_SIMD
#include <ctdiff/simd.hpp>
#endif
#ifdef CTDIFF_BENCH_PACKED_NEWTON
#include <ctdiff/fit/packed_newton.hpp>
#endif
#ifdef CTDIFF_BENCH_PACKED_LEAST_SQUARES
#include <ctdiff/fit/packed_least_squares.hpp>
#endif
#include <vector>

#include "models/fit_loop.hpp"

namespace {

using namespace fit_loop_models;
constexpr std::size_t sample_count = 100'000;
constexpr std::size_t epochs = 50;
constexpr double rate = 0.1;

constexpr std::array<double, 3> start{1.0, 1.0, 0.0};

template <class Model>
const samples& data_of() {
  static const samples data(&Model::truth, sample_count);
  return data;
}

// One descent step per pass on the mean gradient; the last pass only evaluates.
template <class AddGradient>
std::array<double, 3> descend(AddGradient&& add_gradient) {
  std::array<double, 3> p = start;
  for (std::size_t epoch = 0; epoch <= epochs; ++epoch) {
    std::array<double, 3> g{};
    double loss = 0;
    add_gradient(p, g, loss);
    benchmark::DoNotOptimize(loss);
    if (epoch == epochs) break;
    for (std::size_t i = 0; i != 3; ++i) p[i] -= rate * g[i] / static_cast<double>(sample_count);
  }
  return p;
}

template <class Model>
std::array<double, 3> hand_written() {
  const samples& d = data_of<Model>();
  return descend([&](const std::array<double, 3>& p, std::array<double, 3>& g, double& loss) {
    for (std::size_t i = 0; i != sample_count; ++i) loss += Model::add_gradient(p, d.xs[i], d.ys[i], g);
  });
}

template <class Model>
std::array<double, 3> kernel_loop() {
  const samples& d = data_of<Model>();
  return descend([&](const std::array<double, 3>& p, std::array<double, 3>& g, double& loss) {
    auto point = at(a = p[0], b = p[1], c = p[2], x = 0.0, y = 0.0);
    constexpr auto loss_gradient = gradient(Model::loss, wrt(a, b, c));
    for (std::size_t i = 0; i != sample_count; ++i) {
      point[x] = d.xs[i];
      point[y] = d.ys[i];
      const auto [value, partials] = eval_with_value(loss_gradient, point);
      loss += value;
      for (std::size_t k = 0; k != 3; ++k) g[k] += partials[k];
    }
  });
}

template <class Model>
std::array<double, 3> through_fit() {
  const samples& d = data_of<Model>();
  const auto r = fit(Model::loss, params(a = start[0], b = start[1], c = start[2]), data(x = d.xs, y = d.ys),
                     {.method = optimizer::gradient_descent, .learning_rate = rate, .max_epochs = epochs});
  return {r[a], r[b], r[c]};
}

#ifdef CTDIFF_BENCH_SIMD
// kernel_loop on packs: the parameters in every lane, a pack of samples at a time.
template <class Model>
std::array<double, 3> kernel_loop_simd() {
  using lanes = pack<double>;
  const samples& d = data_of<Model>();
  return descend([&](const std::array<double, 3>& p, std::array<double, 3>& g, double& loss) {
    auto point = at(a = lanes(p[0]), b = lanes(p[1]), c = lanes(p[2]), x = lanes(0.0), y = lanes(0.0));
    constexpr auto loss_gradient = gradient(Model::loss, wrt(a, b, c));
    lanes loss_lanes(0.0);
    std::array<lanes, 3> sums{lanes(0.0), lanes(0.0), lanes(0.0)};
    for (std::size_t i = 0; i != sample_count; i += lanes::size) {
      point[x] = lanes::load_unaligned(&d.xs[i]);
      point[y] = lanes::load_unaligned(&d.ys[i]);
      const auto [value, partials] = eval_with_value(loss_gradient, point);
      loss_lanes += value;
      for (std::size_t k = 0; k != 3; ++k) sums[k] += partials[k];
    }
    loss += xsimd::hadd(loss_lanes);
    for (std::size_t k = 0; k != 3; ++k) g[k] += xsimd::hadd(sums[k]);
  });
}

template <class Model>
std::array<double, 3> through_simd_fit() {
  const samples& d = data_of<Model>();
  const auto r = simd::fit(Model::loss, params(a = start[0], b = start[1], c = start[2]), data(x = d.xs, y = d.ys),
                           {.method = optimizer::gradient_descent, .learning_rate = rate, .max_epochs = epochs});
  return {r[a], r[b], r[c]};
}
#endif

#ifdef CTDIFF_BENCH_SIMD
// A solver's run from the start over a model's 100,000 samples, scalar or on
// packs: Solver::solve<Packs>(expression, params, data) on the Model's
// expression that Solver takes (Solver::of<Model>()).
template <class Model, class Solver, bool Packs>
std::array<double, 3> solve(const samples& d) {
  const auto r = Solver::template solve<Packs>(
      Solver::template of<Model>(), params(a = start[0], b = start[1], c = start[2]), data(x = d.xs, y = d.ys));
  return {r[a], r[b], r[c]};
}

// The packed row is checked against the scalar one (to 1e-8: a solver stops
// where the cost is flat, so a last-bit difference in the cost moves its last
// point by about the square root of that).
template <class Model, class Solver, bool Packs>
void solver_row(benchmark::State& state) {
  const samples& d = data_of<Model>();
  const auto reference = solve<Model, Solver, false>(d);
  const auto mine = solve<Model, Solver, Packs>(d);
  for (std::size_t i = 0; i != 3; ++i) {
    if (std::abs(mine[i] - reference[i]) > 1e-8 * std::max(1.0, std::abs(reference[i]))) {
      state.SkipWithError("the parameters on packs differ from the scalar solver's");
      return;
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(solve<Model, Solver, Packs>(d));
}

// Gradient descent on shuffled mini-batches of 64, 5 epochs: simd::fit gathers each pack's samples.
struct shuffled_minibatches {
  template <class Model>
  static constexpr const auto& of() {
    return Model::loss;
  }
  template <bool Packs>
  static auto solve(const auto& loss, const auto& parameters, const auto& samples) {
    const options o{.method = optimizer::gradient_descent, .learning_rate = rate, .max_epochs = 5, .batch_size = 64};
    if constexpr (Packs)
      return simd::fit(loss, parameters, samples, o);
    else
      return fit(loss, parameters, samples, o);
  }
};
#endif

#ifdef CTDIFF_BENCH_PACKED_NEWTON
// Newton's steps, each summing 100,000 gradients and Hessians.
struct newton_steps {
  template <class Model>
  static constexpr const auto& of() {
    return Model::loss;
  }
  template <bool Packs>
  static auto solve(const auto& loss, const auto& parameters, const auto& samples) {
    if constexpr (Packs)
      return simd::fit_newton(loss, parameters, samples, options{.max_epochs = 8});
    else
      return fit_newton(loss, parameters, samples, options{.max_epochs = 8});
  }
};
#endif

#ifdef CTDIFF_BENCH_PACKED_LEAST_SQUARES
// Levenberg–Marquardt to convergence, each iteration 100,000 residuals and Jacobian rows.
struct levenberg_marquardt {
  template <class Model>
  static constexpr const auto& of() {
    return Model::residual;
  }
  template <bool Packs>
  static auto solve(const auto& residual, const auto& parameters, const auto& samples) {
    if constexpr (Packs)
      return simd::least_squares(residual, parameters, samples);
    else
      return least_squares(residual, parameters, samples);
  }
};
#endif

template <class Model, std::array<double, 3> (*Run)()>
void row(benchmark::State& state) {
  const auto reference = hand_written<Model>();
  const auto mine = Run();
  for (std::size_t i = 0; i != 3; ++i) {
    if (std::abs(mine[i] - reference[i]) > 1e-9 * std::max(1.0, std::abs(reference[i]))) {
      state.SkipWithError("the parameters differ from the hand-written descent's");
      return;
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(Run());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * (epochs + 1) * sample_count));
}

}  // namespace

BENCHMARK(row<quadratic, hand_written<quadratic>>)
    ->Name("fit_loop/quadratic/hand_written")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(row<quadratic, kernel_loop<quadratic>>)
    ->Name("fit_loop/quadratic/kernel_loop")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(row<quadratic, through_fit<quadratic>>)->Name("fit_loop/quadratic/fit")->Unit(benchmark::kMillisecond);
BENCHMARK(row<decay, hand_written<decay>>)->Name("fit_loop/decay/hand_written")->Unit(benchmark::kMillisecond);
BENCHMARK(row<decay, kernel_loop<decay>>)->Name("fit_loop/decay/kernel_loop")->Unit(benchmark::kMillisecond);
BENCHMARK(row<decay, through_fit<decay>>)->Name("fit_loop/decay/fit")->Unit(benchmark::kMillisecond);

#ifdef CTDIFF_BENCH_SIMD
BENCHMARK(row<quadratic, kernel_loop_simd<quadratic>>)
    ->Name("fit_loop/quadratic/kernel_loop_simd")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(row<quadratic, through_simd_fit<quadratic>>)
    ->Name("fit_loop/quadratic/fit_simd")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(row<decay, kernel_loop_simd<decay>>)->Name("fit_loop/decay/kernel_loop_simd")->Unit(benchmark::kMillisecond);
BENCHMARK(row<decay, through_simd_fit<decay>>)->Name("fit_loop/decay/fit_simd")->Unit(benchmark::kMillisecond);
#endif

#ifdef CTDIFF_BENCH_SIMD
BENCHMARK(solver_row<quadratic, shuffled_minibatches, false>)
    ->Name("minibatches/quadratic/fit")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(solver_row<quadratic, shuffled_minibatches, true>)
    ->Name("minibatches/quadratic/fit_simd")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(solver_row<decay, shuffled_minibatches, false>)->Name("minibatches/decay/fit")->Unit(benchmark::kMillisecond);
BENCHMARK(solver_row<decay, shuffled_minibatches, true>)
    ->Name("minibatches/decay/fit_simd")
    ->Unit(benchmark::kMillisecond);
#endif

#ifdef CTDIFF_BENCH_PACKED_NEWTON
BENCHMARK(solver_row<decay, newton_steps, false>)->Name("newton/decay/fit_newton")->Unit(benchmark::kMillisecond);
BENCHMARK(solver_row<decay, newton_steps, true>)->Name("newton/decay/fit_newton_simd")->Unit(benchmark::kMillisecond);
#endif

#ifdef CTDIFF_BENCH_PACKED_LEAST_SQUARES
BENCHMARK(solver_row<decay, levenberg_marquardt, false>)
    ->Name("least_squares/decay/least_squares")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(solver_row<decay, levenberg_marquardt, true>)
    ->Name("least_squares/decay/least_squares_simd")
    ->Unit(benchmark::kMillisecond);
#endif

BENCHMARK_MAIN();
