// The 64 -> 32 -> 10 digits network of examples/tensor/digits.cpp, trained
// data-parallel: run it with mpirun -np P. Every rank reads the CSV and keeps
// its shard of the training images (training sample g on rank g % P); the
// steps, and so the result, are those of the single-process run with the
// same options and seed, up to the rounding of the ranks' sums.
//   mpirun -np 2 examples/mpi/digits_mpi [epochs] [threads per rank]
#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/timer.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/io/csv.hpp>
#include <ctdiff/mpi.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "../tensor/digits_model.hpp"

namespace {

using namespace example::digits_model;

// Some rows of the table: images scaled to [0, 1], labels one-hot.
struct images {
  std::vector<double> pixels_of;
  std::vector<double> one_hot;
  std::vector<std::size_t> labels;

  images(const ctdiff::csv_table& table, const std::vector<std::size_t>& rows) {
    std::vector<const std::vector<double>*> columns;
    for (std::size_t p = 0; p != pixels; ++p) {
      std::string name(1, 'p');  // not "p" + to_string(p), which trips g++ 12's -Wrestrict false positive
      name.append(std::to_string(p));
      columns.push_back(&table[name]);
    }
    for (std::size_t row : rows) {
      for (const std::vector<double>* column : columns) pixels_of.push_back((*column)[row] / 16);
      labels.push_back(static_cast<std::size_t>(table["digit"][row]));
      one_hot.resize(one_hot.size() + classes);
      one_hot[one_hot.size() - classes + labels.back()] = 1;
    }
  }

  auto sample(std::size_t n) const {
    return ctdiff::at(net.x = std::span<const double, pixels>(pixels_of.data() + pixels * n, pixels),
                      net.y = std::span<const double, classes>(one_hot.data() + classes * n, classes));
  }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace ctdiff;
  // Threads sum a rank's samples; only the main thread calls MPI.
  boost::mpi::environment environment(argc, argv, boost::mpi::threading::funneled);
  const boost::mpi::communicator world;
  const std::size_t epochs = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 30;
  const std::size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
  const bool root = world.rank() == 0;

  // The split of examples/tensor/digits.cpp: shuffled from seed 1, the last 20% held out.
  const csv_table table = mpi::abort_on_exception(world, [] { return read_csv(CTDIFF_DATA_DIR "/digits.csv"); });
  std::vector<std::size_t> order(table.rows());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::mt19937_64 shuffler(1);
  fisher_yates_shuffle(order, shuffler);
  const std::size_t train_count = order.size() - order.size() / 5;
  const mpi::shard mine(world, train_count);
  const images train(table, mine.keep(std::span<const std::size_t>(order.data(), train_count)));
  if (root) {
    std::printf("%zu training images on %d ranks (rank 0 holds %zu), %zu threads per rank\n", train_count, world.size(),
                train.labels.size(), threads);
  }

  std::vector<double> flat(flat_size(parameters), 0.0);
  const auto weights = tensors_in(parameters, std::span<double>(flat));
  std::ranges::copy(glorot_uniform(net.W1, 1), weights[net.W1].begin());
  std::ranges::copy(glorot_uniform(net.W2, 2), weights[net.W2].begin());
  tensor_objective objective(gradient(cross_entropy(net.logits, net.y), parameters), flat,
                             [&](std::size_t local) { return train.sample(local); });
  const options o{.method = optimizer::adam,
                  .learning_rate = 0.01,
                  .max_epochs = epochs,
                  .batch_size = 32,
                  .threads = threads,
                  .seed = 7};
  const boost::mpi::timer clock;
  const auto result = mpi::minimize(world, objective, flat, train_count, o);
  const double seconds = clock.elapsed();
  if (!root) return 0;
  std::printf("%zu epochs in %.3f s (%.2f ms per epoch), training loss %.4f\n", result.epochs, seconds,
              1e3 * seconds / double(result.epochs), result.loss_per_epoch.back());

  const images test(table,
                    std::vector<std::size_t>(order.begin() + static_cast<std::ptrdiff_t>(train_count), order.end()));
  std::size_t correct = 0;
  for (std::size_t n = 0; n != test.labels.size(); ++n) {
    const auto scores = eval(net.logits, combine(weights.bindings(), test.sample(n)));
    correct +=
        static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin()) == test.labels[n];
  }
  const double accuracy = 100.0 * double(correct) / double(test.labels.size());
  std::printf("test accuracy %.1f%% (%zu of %zu)\n", accuracy, correct, test.labels.size());
  if (accuracy < 95 && epochs >= 30) {
    std::printf("FAIL: test accuracy below 95%%\n");
    return 1;
  }
  return 0;
}
