// Run with mpirun -np P (P >= 2): the last rank fails while the others are
// already training, and the whole job must end with that rank's message on
// stderr and a non-zero exit instead of waiting for it. Which failure comes
// from the argument: "csv", a shard that does not parse (before training),
// or "objective", a sample the objective throws on (inside an epoch).
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <ctdiff/io/csv.hpp>
#include <ctdiff/mpi.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  boost::mpi::environment environment(argc, argv);
  const boost::mpi::communicator world;
  const std::string failure = argc > 1 ? argv[1] : "csv";
  const bool failing_rank = world.rank() == world.size() - 1;
  const auto local = ctdiff::mpi::abort_on_exception(world, [&] {
    std::istringstream shard(failing_rank && failure == "csv" ? "x,y\n1,2\n3,oops\n" : "x,y\n1,2\n3,6\n");
    return ctdiff::read_csv(shard, "shard-" + std::to_string(world.rank()) + ".csv");
  });
  const std::vector<double>& xs = local["x"];
  const std::vector<double>& ys = local["y"];
  std::vector<double> flat{0.0};
  auto objective = [&](std::span<const std::size_t> samples, std::span<double> gradient) {
    double sum = 0;
    for (std::size_t i : samples) {
      if (failing_rank && failure == "objective" && i == 1) throw std::runtime_error("sample 1 is unreadable");
      const double residual = flat[0] * xs[i] - ys[i];
      sum += residual * residual;
      if (!gradient.empty()) gradient[0] += 2 * residual * xs[i];
    }
    return sum;
  };
  const auto result =
      ctdiff::mpi::minimize(world, objective, flat, 2 * static_cast<std::size_t>(world.size()), {.max_epochs = 100000});
  std::printf("rank %d finished: w = %g after %zu epochs (a failure was expected)\n", world.rank(), flat[0],
              result.epochs);
  return 0;
}
