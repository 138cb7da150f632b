// Run with mpirun -np P: data-parallel training on P ranks against the
// single-process run of the same options, which every rank also computes
// on the whole data. Parameters and loss history agree to 1e-12 relative
// (the ranks' sums are added in rank order, not the single run's chunk
// order), every rank holds bitwise the same parameters, and 1 and 2 threads a
// rank give the same bits; the same for mpi::simd::fit against simd::fit
// where xsimd is found. Prints "PASS"
// on rank 0 and exits 0, or prints what differs and exits 1.
#include <algorithm>
#include <boost/mpi/collectives/all_gather.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cmath>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/mpi.hpp>
#ifdef CTDIFF_TEST_PACKS
#include <ctdiff/fit/packed_mpi.hpp>
#endif
#include <random>
#include <string>
#include <vector>

namespace {

int failures = 0;
double largest_relative_difference = 0;
std::size_t values_compared = 0, values_bitwise_equal = 0;

void check_close(const char* what, double distributed, double single) {
  const double difference = std::abs(distributed - single);
  largest_relative_difference = std::max(largest_relative_difference, difference / std::abs(single));
  ++values_compared;
  values_bitwise_equal += distributed == single;
  if (!(difference <= 1e-12 * std::abs(single))) {
    std::printf("FAIL %s: %.17g on the ranks, %.17g in one process\n", what, distributed, single);
    ++failures;
  }
}

void check_history(const char* what, const std::vector<double>& distributed, const std::vector<double>& single) {
  if (distributed.size() != single.size()) {
    std::printf("FAIL %s: %zu epochs on the ranks, %zu in one process\n", what, distributed.size(), single.size());
    ++failures;
    return;
  }
  for (std::size_t epoch = 0; epoch != single.size(); ++epoch) check_close(what, distributed[epoch], single[epoch]);
}

// Every rank holds the same values, bit for bit.
void check_same_on_every_rank(const boost::mpi::communicator& world, const char* what, std::vector<double> values) {
  std::vector<double> all(values.size() * static_cast<std::size_t>(world.size()));
  boost::mpi::all_gather(world, values.data(), static_cast<int>(values.size()), all.data());
  for (std::size_t i = 0; i != all.size(); ++i) {
    if (all[i] != values[i % values.size()]) {
      std::printf("FAIL %s: rank %zu differs from rank %d\n", what, i / values.size(), world.rank());
      ++failures;
      return;
    }
  }
}

// fit and mpi::fit, or with packs of samples simd::fit and mpi::simd::fit.
struct scalar_fits {
  static constexpr const char* name = "scalar fit";
  static auto single(const auto&... arguments) { return ctdiff::fit(arguments...); }
  static auto distributed(const auto&... arguments) { return ctdiff::mpi::fit(arguments...); }
};
#ifdef CTDIFF_TEST_PACKS
struct packed_fits {
  static constexpr const char* name = "fit on packs";
  static auto single(const auto&... arguments) { return ctdiff::simd::fit(arguments...); }
  static auto distributed(const auto&... arguments) { return ctdiff::mpi::simd::fit(arguments...); }
};
#endif

// Returns the distributed run's parameters.
template <class Fits>
std::vector<double> fit_exp_model(const boost::mpi::communicator& world, std::size_t batch_size, std::size_t threads) {
  using namespace ctdiff;
  constexpr auto a = var<"a">;
  constexpr auto k = var<"k">;
  constexpr auto c = var<"c">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto loss = pow<2>(a * exp(-k * x) + c - y);
  std::vector<double> xs, ys;
  std::mt19937_64 generator(9);
  std::uniform_real_distribution<double> uniform(0, 4), noise(-0.05, 0.05);
  for (std::size_t i = 0; i != 1003; ++i) {
    xs.push_back(uniform(generator));
    ys.push_back(2.5 * std::exp(-1.3 * xs.back()) + 0.5 + noise(generator));
  }
  const options o{.method = optimizer::adam,
                  .learning_rate = 0.05,
                  .max_epochs = 40,
                  .batch_size = batch_size,
                  .threads = threads,
                  .split = splitting::always,
                  .seed = 5};
  const auto single = Fits::single(loss, params(a = 1.0, k = 1.0, c = 0.0), data(x = xs, y = ys), o);
  const mpi::shard mine(world, xs.size());
  const auto local_xs = mine.keep(xs);
  const auto local_ys = mine.keep(ys);
  const auto distributed =
      Fits::distributed(world, loss, params(a = 1.0, k = 1.0, c = 0.0), data(x = local_xs, y = local_ys), o);
  const std::string label =
      std::string(Fits::name) + ", batch " + std::to_string(batch_size) + ", threads " + std::to_string(threads);
  check_history((label + ": loss").c_str(), distributed.loss_per_epoch, single.loss_per_epoch);
  check_close((label + ": a").c_str(), distributed[a], single[a]);
  check_close((label + ": k").c_str(), distributed[k], single[k]);
  check_close((label + ": c").c_str(), distributed[c], single[c]);
  check_same_on_every_rank(world, label.c_str(), {distributed[a], distributed[k], distributed[c]});
  if (distributed.epochs != single.epochs || distributed.stop != single.stop) {
    std::printf("FAIL %s: stopped differently\n", label.c_str());
    ++failures;
  }
  return {distributed[a], distributed[k], distributed[c]};
}

// The same bits on 1 and 2 threads a rank; returns them.
template <class Fits>
std::vector<double> fit_on_threads(const boost::mpi::communicator& world, std::size_t batch_size) {
  const auto one = fit_exp_model<Fits>(world, batch_size, 1);
  if (fit_exp_model<Fits>(world, batch_size, 2) != one) {
    std::printf("FAIL %s, batch %zu: 2 threads a rank give other bits than 1\n", Fits::name, batch_size);
    ++failures;
  }
  return one;
}

void tensor_minimize(const boost::mpi::communicator& world) {
  using namespace ctdiff;
  constexpr auto W1 = matrix<"W1", 5, 3>;
  constexpr auto b1 = ctdiff::vector<"b1", 5>;
  constexpr auto W2 = matrix<"W2", 2, 5>;
  constexpr auto b2 = ctdiff::vector<"b2", 2>;
  constexpr auto input = ctdiff::vector<"input", 3>;
  constexpr auto label = ctdiff::vector<"label", 2>;
  constexpr auto parameters = wrt(W1, b1, W2, b2);
  constexpr auto loss = cross_entropy(W2 * tanh(W1 * input + b1) + b2, label);
  constexpr std::size_t count = 401;
  std::vector<double> inputs(3 * count), labels(2 * count, 0.0);
  std::mt19937_64 generator(8);
  std::uniform_real_distribution<double> uniform(-1, 1);
  for (double& value : inputs) value = uniform(generator);
  for (std::size_t n = 0; n != count; ++n) labels[2 * n + (inputs[3 * n] * inputs[3 * n + 1] > 0)] = 1;
  const auto sample_of = [&](std::size_t n) {
    return at(input = std::span<const double, 3>(inputs.data() + 3 * n, 3),
              label = std::span<const double, 2>(labels.data() + 2 * n, 2));
  };
  const options o{.method = optimizer::momentum, .learning_rate = 0.1, .max_epochs = 25, .batch_size = 50, .seed = 3};
  const auto start = [&] {
    std::vector<double> flat(flat_size(parameters));
    for (std::size_t i = 0; i != flat.size(); ++i) flat[i] = 0.4 * std::cos(double(3 * i));
    return flat;
  };
  std::vector<double> single_flat = start();
  tensor_objective single_objective(gradient(loss, parameters), single_flat, sample_of);
  const auto single = minimize(single_objective, single_flat, count, o);

  // Local sample j of this rank is global sample shard.global_index(j).
  const mpi::shard mine(world, count);
  std::vector<double> flat = start();
  tensor_objective objective(gradient(loss, parameters), flat,
                             [&](std::size_t local) { return sample_of(mine.global_index(local)); });
  const auto distributed = mpi::minimize(world, objective, flat, count, o);
  check_history("tensor minimize: loss", distributed.loss_per_epoch, single.loss_per_epoch);
  for (std::size_t i = 0; i != flat.size(); ++i) check_close("tensor minimize: parameter", flat[i], single_flat[i]);
  check_same_on_every_rank(world, "tensor minimize", flat);
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment environment(argc, argv, boost::mpi::threading::funneled);
  const boost::mpi::communicator world;
  fit_exp_model<scalar_fits>(world, 0, 1);
  const auto scalar = fit_on_threads<scalar_fits>(world, 64);
#ifdef CTDIFF_TEST_PACKS
  fit_on_threads<packed_fits>(world, 0);
  // Lanes add in another order than one sample at a time: equal bits would mean the packs did not run.
  if (fit_on_threads<packed_fits>(world, 64) == scalar) {
    std::printf("FAIL mpi::simd::fit gives mpi::fit's bits: the packs did not run\n");
    ++failures;
  }
#endif
  tensor_minimize(world);
  if (world.rank() == 0) {
    std::printf("%zu values compared, %zu bitwise equal, largest relative difference %.3g\n", values_compared,
                values_bitwise_equal, largest_relative_difference);
    if (failures == 0) std::printf("PASS on %d ranks\n", world.size());
  }
  return failures == 0 ? 0 : 1;
}
