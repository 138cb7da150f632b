// A 64 -> 32 -> 10 network on the digits data (1797 8x8 images): a sigmoid
// hidden layer and a softmax output, trained by fit on 80% of the images
// (split by the seed 1 below, fixed before any run) with mini-batch Adam on
// the cross-entropy from Glorot starting weights, then tested on the held-out
// 20%. The model is written for one image; fit runs it over a mini-batch at a
// time, as matrix products (<ctdiff/batch.hpp>).
#include <array>
#include <chrono>
#include <cstdio>
#include <ctdiff/batch.hpp>
#include <ctdiff/io/csv.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "digits_model.hpp"

namespace {

using namespace example::digits_model;

// Some of the images, one a row scaled to [0, 1], and their labels, one-hot.
struct digits {
  std::vector<double> images, one_hot;
  std::vector<std::size_t> labels;
};

// The images of `rows`, in that order.
digits read_digits(const ctdiff::csv_table& table, std::span<const std::size_t> rows) {
  digits data;
  data.images.resize(pixels * rows.size());
  for (std::size_t p = 0; p != pixels; ++p) {
    // Appended rather than "p" + to_string(p), which trips g++ 12's -Wrestrict false positive.
    std::string name(1, 'p');
    name.append(std::to_string(p));
    const std::vector<double>& column = table[name];
    for (std::size_t n = 0; n != rows.size(); ++n) data.images[pixels * n + p] = column[rows[n]] / 16;
  }
  for (std::size_t n : rows) data.labels.push_back(static_cast<std::size_t>(table["digit"][n]));
  data.one_hot = ctdiff::one_hot(data.labels, classes);
  return data;
}

}  // namespace

int main() {
  using namespace ctdiff;
  const csv_table table = read_csv(CTDIFF_DATA_DIR "/digits.csv");

  // A deterministic split: shuffle the row indices from a seed, hold out the last 20%.
  std::vector<std::size_t> order(table.rows());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::mt19937_64 shuffler(1);
  fisher_yates_shuffle(order, shuffler);
  const std::size_t train_count = order.size() - order.size() / 5;
  const digits train = read_digits(table, std::span(order).first(train_count));
  const digits test = read_digits(table, std::span(order).subspan(train_count));
  std::printf("%zu images: %zu for training, %zu held out\n", order.size(), train.labels.size(), test.labels.size());

  const auto loss = cross_entropy(net.logits, net.y);
  std::printf("E = %s\n", to_string(loss).c_str());
  const auto clock_start = std::chrono::steady_clock::now();
  const auto result =
      fit(loss,
          params(net.W1 = glorot_uniform(net.W1, 1), net.b1 = zeros(net.b1), net.W2 = glorot_uniform(net.W2, 2),
                 net.b2 = zeros(net.b2)),
          data(samples(net.x, train.images), samples(net.y, train.one_hot)),
          {.method = optimizer::adam, .learning_rate = 0.01, .max_epochs = 30, .batch_size = 32, .seed = 7});
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - clock_start;
  std::printf("%zu parameters, %zu epochs in %.2f s, training loss %.4f\n", result.flat.size(), result.epochs,
              seconds.count(), result.loss_per_epoch.back());

  const std::vector<std::size_t> predicted =
      argmax(predict(net.logits, result, data(samples(net.x, test.images))), classes);
  std::array<std::array<std::size_t, classes>, classes> confusion{};
  for (std::size_t n = 0; n != predicted.size(); ++n) ++confusion[test.labels[n]][predicted[n]];
  std::size_t correct = 0;
  for (std::size_t k = 0; k != classes; ++k) correct += confusion[k][k];
  const double percent = 100 * accuracy(predicted, test.labels);
  std::printf("test accuracy %.1f%% (%zu of %zu)\n\nconfusion matrix (rows: true digit, columns: predicted)\n    ",
              percent, correct, predicted.size());
  for (std::size_t k = 0; k != classes; ++k) std::printf("%4zu", k);
  for (std::size_t t = 0; t != classes; ++t) {
    std::printf("\n%4zu", t);
    for (std::size_t k = 0; k != classes; ++k) std::printf("%4zu", confusion[t][k]);
  }
  std::printf("\n");
  if (percent < 97) {
    std::printf("FAIL: test accuracy below 97%%\n");
    return 1;
  }
  return 0;
}
