// options.threads changes who sums, not what is summed: fit (fit_newton in tests/newton/) and
// a tensor model's minimize give bitwise the same loss history and parameters
// on 1, 2, 3 and 8 threads (the sum's order is fixed by optimize/detail/parallel_sum.hpp's chunks).
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <random>
#include <vector>

using namespace ctdiff;

namespace {

constexpr auto a = var<"a">;
constexpr auto k = var<"k">;
constexpr auto c = var<"c">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto decay_loss = pow<2>(a * exp(-k * x) + c - y);

struct noisy_decay {
  std::vector<double> xs, ys;
  explicit noisy_decay(std::size_t count) {
    std::mt19937_64 generator(3);
    std::uniform_real_distribution<double> uniform(0, 4), noise(-0.05, 0.05);
    for (std::size_t i = 0; i != count; ++i) {
      xs.push_back(uniform(generator));
      ys.push_back(2.5 * std::exp(-1.3 * xs.back()) + 0.5 + noise(generator));
    }
  }
};

template <class Result>
void require_same_run(const Result& run, const Result& reference) {
  REQUIRE(run.stop == reference.stop);
  REQUIRE(run.epochs == reference.epochs);
  REQUIRE(run.loss_per_epoch == reference.loss_per_epoch);  // every epoch, bit for bit
  REQUIRE(run[a] == reference[a]);
  REQUIRE(run[k] == reference[k]);
  REQUIRE(run[c] == reference[c]);
}

}  // namespace

TEST_CASE("fit's trajectory is bitwise the same on 1, 2, 3 and 8 threads") {
  const noisy_decay samples(3001);  // 188 chunks
  // Every call split over the threads: with measured splitting these small batches would stay on one.
  options o{.method = optimizer::adam, .learning_rate = 0.05, .max_epochs = 60, .split = splitting::always, .seed = 11};
  o.batch_size = GENERATE(0, 500);
  CAPTURE(o.batch_size);
  const auto run_on = [&](std::size_t threads) {
    o.threads = threads;
    return fit(decay_loss, params(a = 1.0, k = 1.0, c = 0.0), data(x = samples.xs, y = samples.ys), o);
  };
  const auto reference = run_on(1);
  REQUIRE(reference.loss_per_epoch.back() < reference.loss_per_epoch.front());
  for (std::size_t threads : {2, 3, 8}) {
    CAPTURE(threads);
    require_same_run(run_on(threads), reference);
  }
}

TEST_CASE("threads = 0 uses every processor and gives the same bits") {
  const noisy_decay samples(400);
  const auto run_on = [&](std::size_t threads) {
    return fit(decay_loss, params(a = 1.0, k = 1.0, c = 0.0), data(x = samples.xs, y = samples.ys),
               {.learning_rate = 0.1, .max_epochs = 20, .threads = threads, .split = splitting::always});
  };
  require_same_run(run_on(0), run_on(1));
}

TEST_CASE("a tensor model's minimize is bitwise the same on 1, 2, 3 and 8 threads") {
  constexpr auto W1 = matrix<"W1", 6, 4>;
  constexpr auto b1 = ctdiff::vector<"b1", 6>;
  constexpr auto W2 = matrix<"W2", 3, 6>;
  constexpr auto b2 = ctdiff::vector<"b2", 3>;
  constexpr auto input = ctdiff::vector<"input", 4>;
  constexpr auto label = ctdiff::vector<"label", 3>;
  constexpr auto parameters = wrt(W1, b1, W2, b2);
  constexpr std::size_t count = 700;
  std::vector<double> inputs(4 * count), labels(3 * count, 0.0);
  std::mt19937_64 generator(5);
  std::uniform_real_distribution<double> uniform(-1, 1);
  for (double& value : inputs) value = uniform(generator);
  for (std::size_t n = 0; n != count; ++n) labels[3 * n + (inputs[4 * n] > 0) + (inputs[4 * n + 1] > 0)] = 1;
  const auto sample = [&](std::size_t n) {
    return at(input = std::span<const double, 4>(inputs.data() + 4 * n, 4),
              label = std::span<const double, 3>(labels.data() + 3 * n, 3));
  };
  const std::size_t batch_size = GENERATE(0, 64);
  const auto run_on = [&](std::size_t threads) {
    std::vector<double> flat(flat_size(parameters));
    for (std::size_t i = 0; i != flat.size(); ++i) flat[i] = 0.3 * std::sin(double(i));
    tensor_objective objective(gradient(cross_entropy(W2 * tanh(W1 * input + b1) + b2, label), parameters), flat,
                               sample);
    auto record = minimize(objective, flat, count,
                           {.method = optimizer::adam,
                            .learning_rate = 0.02,
                            .max_epochs = 15,
                            .batch_size = batch_size,
                            .threads = threads,
                            .split = splitting::always,
                            .seed = 2});
    return std::pair(record.loss_per_epoch, flat);
  };
  const auto reference = run_on(1);
  REQUIRE(reference.first.back() < reference.first.front());
  for (std::size_t threads : {2, 3, 8}) {
    CAPTURE(batch_size, threads);
    REQUIRE(run_on(threads) == reference);
  }
}
