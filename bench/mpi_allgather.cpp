// The communication of one data-parallel step (ctdiff/mpi.hpp): every rank
// sends its loss and gradient, parameter count + 1 doubles, and receives
// every rank's. Timed for the models of bench/: 3 parameters (quadratic
// fit), 17 (2->4->1 network), 2410 (digits network), 101770 (784->128->10).
// Run with mpirun -np P; rank 0 prints microseconds per step.
#include <boost/mpi/collectives/all_gather.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/timer.hpp>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  boost::mpi::environment environment(argc, argv);
  const boost::mpi::communicator world;
  if (world.rank() == 0) std::printf("%d ranks\nparameters  bytes sent  us per step\n", world.size());
  for (const std::size_t parameters : {3, 17, 2410, 101770}) {
    const std::size_t length = parameters + 1;
    std::vector<double> sent(length, 1.0), received(length * static_cast<std::size_t>(world.size()));
    const int steps = parameters > 10000 ? 200 : 2000;
    boost::mpi::all_gather(world, sent.data(), static_cast<int>(length), received.data());  // warm-up
    world.barrier();
    const boost::mpi::timer clock;
    for (int step = 0; step != steps; ++step) {
      boost::mpi::all_gather(world, sent.data(), static_cast<int>(length), received.data());
    }
    const double microseconds = 1e6 * clock.elapsed() / steps;
    if (world.rank() == 0) std::printf("%10zu  %10zu  %11.2f\n", parameters, 8 * length, microseconds);
  }
}
