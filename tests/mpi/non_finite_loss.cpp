// Run with mpirun -np P: gradient descent on P ranks where only the last
// rank's samples make the loss non-finite, a few epochs in. Every rank must
// stop at the same epoch with stop_reason::non_finite_loss and the same last
// finite parameters, those of the single-process run on all samples, rather
// than the last rank stopping while the others wait for it in the next
// epoch's collective (CTest's timeout catches that). Prints "PASS on P
// ranks" on rank 0 and exits 0, or prints what differs and exits 1.
#include <boost/mpi/collectives/all_gather.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cmath>
#include <cstdio>
#include <ctdiff/mpi.hpp>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace {

constexpr std::size_t sample_count = 10;

// Sample g: x = 1 + g/10 on the line y = 2x, loss (w x - y)². Sample `undefined`
// has no loss past w = 1 (as a log(1 - w) term would not), its gradient unchanged.
struct line_objective {
  const std::vector<double>& w;
  std::function<std::size_t(std::size_t)> global;  // the global index of a sample of this objective
  std::size_t undefined;

  double operator()(std::span<const std::size_t> samples, std::span<double> gradient) const {
    double loss = 0;
    for (const std::size_t sample : samples) {
      const std::size_t g = global(sample);
      const double x = 1 + double(g) / 10, residual = w[0] * x - 2 * x;
      loss += g == undefined && w[0] > 1 ? std::numeric_limits<double>::quiet_NaN() : residual * residual;
      if (!gradient.empty()) gradient[0] += 2 * residual * x;
    }
    return loss;
  }
};

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment environment(argc, argv);
  const boost::mpi::communicator world;
  const std::size_t last_rank = static_cast<std::size_t>(world.size()) - 1;
  // Global sample P - 1 lives on the last rank, by the sharding rule.
  const std::size_t undefined = last_rank;
  const ctdiff::options o{.learning_rate = 0.02, .max_epochs = 100};

  std::vector<double> single{0};
  const auto single_result =
      ctdiff::minimize(line_objective{single, [](std::size_t g) { return g; }, undefined}, single, sample_count, o);

  const ctdiff::mpi::shard mine(world, sample_count);
  std::vector<double> distributed{0};
  line_objective local{distributed, [&mine](std::size_t local) { return mine.global_index(local); }, undefined};
  const auto result = ctdiff::mpi::minimize(world, local, distributed, sample_count, o);

  int failures = 0;
  const auto fail = [&](const char* what) {
    std::printf("FAIL on rank %d: %s\n", world.rank(), what);
    ++failures;
  };
  // By hand: the mean gradient is 2 (w - 2) mean(x²) = 4.37 (w - 2), so w_k = 2 (1 - 0.9126^k):
  // w_7 = 0.94563 is the last below 1, and the loss of epoch 8 is NaN.
  if (single_result.stop != ctdiff::stop_reason::non_finite_loss || single_result.epochs != 7) {
    fail("the single-process run does not stop at epoch 8 on a non-finite loss");
  }
  if (!(std::abs(single[0] - 2 * (1 - std::pow(0.9126, 7))) <= 1e-13)) fail("the single-process w is not w_7");
  if (result.stop != single_result.stop || result.epochs != single_result.epochs) {
    fail("the ranks stopped otherwise than the single-process run");
  }
  // The ranks add their sums in rank order, the single process in sample order: 1e-12 relative.
  if (!(std::abs(distributed[0] - single[0]) <= 1e-12 * std::abs(single[0]))) {
    fail("the ranks' last finite w is not the single-process run's");
  }
  std::vector<double> every_rank(static_cast<std::size_t>(world.size()));
  boost::mpi::all_gather(world, distributed[0], every_rank);
  for (const double w : every_rank) {
    if (w != distributed[0]) fail("the ranks hold different w");
  }
  if (world.rank() == 0) {
    std::printf("stopped after %zu epochs with w = %.17g (single process: %.17g)\n", result.epochs, distributed[0],
                single[0]);
    if (failures == 0) std::printf("PASS on %d ranks\n", world.size());
  }
  return failures == 0 ? 0 : 1;
}
