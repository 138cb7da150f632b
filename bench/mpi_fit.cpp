// Data-parallel fit on packs of samples against one sample at a time
// (ctdiff/fit/packed_mpi.hpp against ctdiff/fit/mpi.hpp): batch gradient
// descent of a·exp(−b·x) + c over 1,000,000 samples (the fit-loop
// benchmarks' model and data), sharded over the ranks, 20 epochs. Run with mpirun -np P; rank 0 prints milliseconds per
// epoch, the median of 5 runs of each, alternated.
#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/timer.hpp>
#include <cstdio>
#include <ctdiff/fit/packed_mpi.hpp>
#include <ctdiff/mpi.hpp>
#include <vector>

#include "models/fit_loop.hpp"

namespace {

using namespace fit_loop_models;
constexpr const auto& loss = decay::loss;
constexpr std::size_t sample_count = 1'000'000;
constexpr std::size_t epochs = 20;

// Milliseconds per epoch of one run, the same on every rank (rank 0's clock).
template <class Fit>
double milliseconds_per_epoch(const boost::mpi::communicator& world, Fit&& fit) {
  world.barrier();
  const boost::mpi::timer clock;
  const auto result = fit();
  if (result.epochs != epochs) std::printf("rank %d: %zu epochs, not %zu\n", world.rank(), result.epochs, epochs);
  return 1e3 * clock.elapsed() / epochs;
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment environment(argc, argv);
  const boost::mpi::communicator world;
  const samples all(&decay::truth, sample_count);
  const mpi::shard mine(world, sample_count);
  const auto local_xs = mine.keep(all.xs);
  const auto local_ys = mine.keep(all.ys);
  const options o{.method = optimizer::gradient_descent, .learning_rate = 0.1, .max_epochs = epochs};
  std::vector<double> scalar, packed;
  for (int run = 0; run != 5; ++run) {
    scalar.push_back(milliseconds_per_epoch(world, [&] {
      return mpi::fit(world, loss, params(a = 1.0, b = 1.0, c = 0.0), data(x = local_xs, y = local_ys), o);
    }));
    packed.push_back(milliseconds_per_epoch(world, [&] {
      return mpi::simd::fit(world, loss, params(a = 1.0, b = 1.0, c = 0.0), data(x = local_xs, y = local_ys), o);
    }));
  }
  std::ranges::sort(scalar);
  std::ranges::sort(packed);
  if (world.rank() == 0) {
    std::printf("%d ranks, ms per epoch: mpi::fit %.2f, mpi::simd::fit %.2f, ratio %.2f\n", world.size(), scalar[2],
                packed[2], packed[2] / scalar[2]);
  }
}
