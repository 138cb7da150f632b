// options.threads measured: the batch gradient of the quadratic fit and of
// the 2->4->1 network over 10^6 samples (the sum fit() runs once per epoch),
// and one epoch of the digits network (minimize, Adam, mini-batches of 32),
// each at 1 and 2 threads. Rows at 10^4 and 10^3 samples give the cost
// model's fixed part: time(n, P) = fixed(P) + n * per_sample / P.
#include <benchmark/benchmark.h>

#include <array>
#include <ctdiff/ctdiff.hpp>
#ifdef CTDIFF_BENCH_SIMD
#include <ctdiff/simd.hpp>
#endif
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "models.hpp"

namespace {

using ctdiff::detail::fit_problem;
using ctdiff::detail::sample_sum;

// The sum of the gradient over the first state.range(0) samples on
// state.range(1) threads, as an epoch runs it: the objective's copies and the
// partial sums made once, before timing. Every call is split over the
// threads (the mechanism itself; fit's rows below decide per call).
template <class Objective>
void summed_gradient(benchmark::State& state, Objective& objective, std::size_t width) {
  const auto count = static_cast<std::size_t>(state.range(0));
  sample_sum<double, Objective> sum(objective, width, static_cast<std::size_t>(state.range(1)),
                                    ctdiff::splitting::always);
  std::vector<std::size_t> indices(count);
  std::iota(indices.begin(), indices.end(), std::size_t(0));
  std::vector<double> gradient(width);
  for (auto _ : state) {
    benchmark::DoNotOptimize(sum(indices, gradient));
    benchmark::DoNotOptimize(gradient.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

// fit's objective over data columns.
template <class Loss, class ParameterBindings, class Dataset>
void batch_gradient(benchmark::State& state, const Loss& loss, const ctdiff::parameter_list<ParameterBindings>& start,
                    const Dataset& samples) {
  using problem_type = fit_problem<Loss, ParameterBindings, Dataset>;
  const auto flat = problem_type::flatten(start.initial);
  problem_type problem(loss, flat, start.initial, samples);
  summed_gradient(state, problem, flat.size());
}

std::vector<double> uniform(std::mt19937_64& generator, std::size_t count) {
  std::uniform_real_distribution<double> distribution(-1, 1);
  std::vector<double> values(count);
  for (double& value : values) value = distribution(generator);
  return values;
}

constexpr std::size_t million = 1'000'000;

struct columns {
  std::vector<double> x1, x2, y;
  columns() {
    std::mt19937_64 generator(4);
    x1 = uniform(generator, million);
    x2 = uniform(generator, million);
    y = uniform(generator, million);
  }
};

void quadratic_fit(benchmark::State& state) {
  using namespace ctdiff;
  static const columns data;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto a = var<"a">;
  constexpr auto b = var<"b">;
  constexpr auto c = var<"c">;
  batch_gradient(state, pow<2>(a * pow<2>(x) + b * x + c - y), params(a = 0.7, b = -0.3, c = 1.2),
                 ctdiff::data(x = data.x1, y = data.y));
}

void sigmoid_network(benchmark::State& state) {
  using net = bench::sigmoid_network;
  static const columns data;
  constexpr auto loss = ctdiff::pow<2>(net::output(std::make_index_sequence<net::hidden_units>{}) - net::y) / 2;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    batch_gradient(state, loss, ctdiff::params((net::parameter<I> = 0.1 * double(I % 5) - 0.2)...),
                   ctdiff::data(net::x1 = data.x1, net::x2 = data.x2, net::y = data.y));
  }
  (std::make_index_sequence<net::parameter_count>{});
}

using digits_network = bench::digits_network<1797>;

auto digits_sample(const digits_network& digits) {
  return [&digits](std::size_t n) {
    using net = digits_network;
    return ctdiff::at(
        net::x = std::span<const double, net::pixels>(digits.image(n), net::pixels),
        net::y = std::span<const double, net::classes>(digits.one_hot.data() + net::classes * n, net::classes));
  };
}

// The digits network's gradient over a mini-batch of 32 and over all 1797 images.
void digits_gradient(benchmark::State& state) {
  static const digits_network digits(CTDIFF_DIGITS_CSV);
  std::vector<double> flat(digits.parameters.begin(), digits.parameters.end());
  ctdiff::tensor_objective objective(ctdiff::gradient(digits_network::cross_entropy, digits_network::weights), flat,
                                     digits_sample(digits));
  summed_gradient(state, objective, flat.size());
}

// One epoch of examples/tensor/digits.cpp's training (all 1797 images, Adam,
// mini-batches of 32): the loss over all samples, 57 steps, the loss again.
void digits_epoch(benchmark::State& state) {
  using net = digits_network;
  static const net digits(CTDIFF_DIGITS_CSV);
  std::vector<double> flat(digits.parameters.begin(), digits.parameters.end());
  ctdiff::tensor_objective objective(ctdiff::gradient(net::cross_entropy, net::weights), flat, digits_sample(digits));
  const ctdiff::options o{.method = ctdiff::optimizer::adam,
                          .learning_rate = 0.01,
                          .max_epochs = 1,
                          .batch_size = 32,
                          .threads = static_cast<std::size_t>(state.range(0)),
                          .seed = 7};
  for (auto _ : state) {
    std::copy(digits.parameters.begin(), digits.parameters.end(), flat.begin());
    benchmark::DoNotOptimize(ctdiff::minimize(objective, flat, digits.labels.size(), o).loss_per_epoch.back());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1797);
}

// What a user runs: fit of a*exp(-k*x) + c to 200,000 samples by Adam, 5
// epochs, mini-batches of state.range(0) (0: the whole batch), on
// state.range(1) threads with the default splitting. bench/scale.sh runs it
// on a quiet machine and beside two busy processes.
void decay_fit(benchmark::State& state) {
  using namespace ctdiff;
  static const columns data;
  constexpr std::size_t count = 200'000;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto a = var<"a">;
  constexpr auto k = var<"k">;
  constexpr auto c = var<"c">;
  const auto samples = ctdiff::data(x = std::span(data.x1).first(count), y = std::span(data.y).first(count));
  const options o{.method = optimizer::adam,
                  .learning_rate = 0.01,
                  .max_epochs = 5,
                  .batch_size = static_cast<std::size_t>(state.range(0)),
                  .threads = static_cast<std::size_t>(state.range(1))};
  for (auto _ : state) {
    const auto r = fit(pow<2>(a * exp(-k * x) + c - y), params(a = 1.0, k = 1.0, c = 0.0), samples, o);
    benchmark::DoNotOptimize(r.loss_per_epoch.back());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 5 * count));
}

// fit, or simd::fit (packs of samples), by gradient descent over 10^6
// samples: 20 epochs of whole batches on state.range(0) threads with the
// default splitting (its first call timed on one thread for its first
// 50 microseconds and then split, its second a timed trial split). Whether
// threads stack on packs: the two rows of one kind side by side.
namespace descent {
using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto c = var<"c">;
constexpr auto quadratic = pow<2>(a * pow<2>(x) + b * x + c - y);
constexpr auto decay = pow<2>(a * exp(-b * x) + c - y);
}  // namespace descent

template <const auto& Loss, bool Packs, ctdiff::splitting Split = ctdiff::splitting::measured>
void descent_on_million(benchmark::State& state) {
  using namespace descent;
  static const columns data;
  const auto samples = ctdiff::data(x = data.x1, y = data.y);
  const options o{.method = optimizer::gradient_descent,
                  .learning_rate = 0.1,
                  .max_epochs = 20,
                  .threads = static_cast<std::size_t>(state.range(0)),
                  .split = Split};
  const auto start = params(a = 1.0, b = 1.0, c = 0.0);
  for (auto _ : state) {
#ifdef CTDIFF_BENCH_SIMD
    if constexpr (Packs) {
      benchmark::DoNotOptimize(simd::fit(Loss, start, samples, o).loss_per_epoch.back());
      continue;
    }
#endif
    benchmark::DoNotOptimize(fit(Loss, start, samples, o).loss_per_epoch.back());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 21 * million));
}

#ifdef CTDIFF_BENCH_SIMD
// What this machine gives a second thread, the ceilings of the descent rows
// above, measured in the same run: multiply-adds on packs with no memory
// traffic (ten independent chains, as a pack's exp is mostly multiply-adds),
// and the quadratic's two columns of 10^6 doubles read 21 times, as its
// packed descent reads them. Google Benchmark's threads, each doing
// 1/threads of the work: compare items_per_second (the time column is per
// thread's share).
void ceiling_multiply_adds(benchmark::State& state) {
  using lanes = ctdiff::pack<double>;
  const std::size_t steps = 6'000'000 / static_cast<std::size_t>(state.threads());
  for (auto _ : state) {
    std::array<lanes, 10> chains;
    for (std::size_t i = 0; i != chains.size(); ++i) chains[i] = lanes(1.0 + 1e-9 * static_cast<double>(i));
    const lanes factor(0.999999999), offset(1e-9);
    for (std::size_t step = 0; step != steps; ++step) {
      for (lanes& chain : chains) chain = xsimd::fma(chain, factor, offset);
    }
    for (const lanes& chain : chains) benchmark::DoNotOptimize(chain);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * steps * 10 * lanes::size));
}

void ceiling_stream(benchmark::State& state) {
  using lanes = ctdiff::pack<double>;
  static const columns data;
  const std::size_t share = million / static_cast<std::size_t>(state.threads()) / lanes::size * lanes::size;
  const std::size_t first = share * static_cast<std::size_t>(state.thread_index());
  for (auto _ : state) {
    lanes sum(0.0);
    for (std::size_t pass = 0; pass != 21; ++pass) {
      for (std::size_t i = first; i != first + share; i += lanes::size) {
        sum = xsimd::fma(lanes::load_unaligned(&data.x1[i]), lanes::load_unaligned(&data.y[i]), sum);
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 21 * share));
}
#endif

void one_and_two_threads(benchmark::internal::Benchmark* b) {
  b->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

BENCHMARK(descent_on_million<descent::quadratic, false>)
    ->Name("descent_on_million/quadratic/fit")
    ->Apply(one_and_two_threads);
BENCHMARK(descent_on_million<descent::decay, false>)->Name("descent_on_million/decay/fit")->Apply(one_and_two_threads);
#ifdef CTDIFF_BENCH_SIMD
BENCHMARK(descent_on_million<descent::quadratic, true>)
    ->Name("descent_on_million/quadratic/simd_fit")
    ->Apply(one_and_two_threads);
BENCHMARK(descent_on_million<descent::decay, true>)
    ->Name("descent_on_million/decay/simd_fit")
    ->Apply(one_and_two_threads);
// Every call split, the first one included: what the default's measuring costs.
BENCHMARK(descent_on_million<descent::quadratic, true, ctdiff::splitting::always>)
    ->Name("descent_on_million/quadratic/simd_fit_always_split")
    ->Apply(one_and_two_threads);
BENCHMARK(descent_on_million<descent::decay, true, ctdiff::splitting::always>)
    ->Name("descent_on_million/decay/simd_fit_always_split")
    ->Apply(one_and_two_threads);
BENCHMARK(ceiling_multiply_adds)->Name("machine_ceiling/multiply_adds")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(ceiling_stream)->Name("machine_ceiling/stream_two_columns")->Threads(1)->Threads(2)->UseRealTime();
#endif
BENCHMARK(decay_fit)
    ->ArgNames({"batch", "threads"})
    ->ArgsProduct({{1000, 0}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(quadratic_fit)
    ->ArgNames({"samples", "threads"})
    ->ArgsProduct({{1000, 10'000, million}, {1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(sigmoid_network)
    ->ArgNames({"samples", "threads"})
    ->ArgsProduct({{1000, 10'000, million}, {1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(digits_gradient)
    ->ArgNames({"samples", "threads"})
    ->ArgsProduct({{32, 1797}, {1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(digits_epoch)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
