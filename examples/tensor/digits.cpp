// A 64 -> 32 -> 10 network on the digits data (1797 8x8 images): a sigmoid
// hidden layer and a softmax output, trained on a shuffled 80% with
// mini-batch Adam on the cross-entropy, then tested on the held-out 20%.
// The whole model is a handful of tensor nodes: its type and its compile time
// do not depend on the 2410 weights.
#include <array>
#include <chrono>
#include <cstdio>
#include <ctdiff/csv.hpp>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/train.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "digits_model.hpp"
#include "initialize.hpp"

namespace {

using namespace example::digits_model;

// The images row-major, scaled to [0, 1], and each label as a one-hot row.
struct digits {
  std::vector<double> images;
  std::vector<double> one_hot;
  std::vector<std::size_t> labels;

  auto sample(std::size_t n) const {
    using ctdiff::at;
    return at(x = std::span<const double, pixels>(images.data() + pixels * n, pixels),
              y = std::span<const double, classes>(one_hot.data() + classes * n, classes));
  }
};

digits read_digits(const char* path) {
  const ctdiff::csv_table table = ctdiff::read_csv(path);
  digits data;
  const std::size_t count = table.rows();
  data.images.resize(pixels * count);
  for (std::size_t p = 0; p != pixels; ++p) {
    // Appended rather than "p" + to_string(p), which trips g++ 12's -Wrestrict false positive.
    std::string name(1, 'p');
    name.append(std::to_string(p));
    const std::vector<double>& column = table[name];
    for (std::size_t n = 0; n != count; ++n) data.images[pixels * n + p] = column[n] / 16;
  }
  data.one_hot.resize(classes * count);
  for (double label : table["digit"]) {
    data.one_hot[classes * data.labels.size() + static_cast<std::size_t>(label)] = 1;
    data.labels.push_back(static_cast<std::size_t>(label));
  }
  return data;
}

}  // namespace

int main() {
  using namespace ctdiff;
  const digits data = read_digits(CTDIFF_DATA_DIR "/digits.csv");
  const std::size_t count = data.labels.size();

  // A deterministic split: shuffle the indices from a seed, hold out the last 20%.
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::mt19937_64 shuffler(1);
  fisher_yates_shuffle(order, shuffler);
  const std::size_t train_count = count - count / 5;
  const std::span<const std::size_t> train(order.data(), train_count);
  const std::span<const std::size_t> test(order.data() + train_count, count - train_count);
  std::printf("%zu images: %zu for training, %zu held out\n", count, train.size(), test.size());

  std::printf("E = %s\n", to_string(cross_entropy(logits, y)).c_str());
  std::vector<double> flat(flat_size(parameters), 0.0);
  const auto weights = tensors_in(parameters, std::span<double>(flat));
  example::initialize(weights, 1, W1, W2);
  tensor_objective objective(gradient(cross_entropy(logits, y), parameters), flat,
                             [&](std::size_t i) { return data.sample(train[i]); });
  options o;
  o.method = optimizer::adam;
  o.learning_rate = 0.01;
  o.batch_size = 32;
  o.max_epochs = 30;
  o.seed = 7;
  const auto start = std::chrono::steady_clock::now();
  const auto result = minimize(objective, flat, train.size(), o);
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  std::printf("%zu parameters, %zu epochs in %.2f s, training loss %.4f\n", flat.size(), result.epochs, seconds.count(),
              result.loss_per_epoch.back());

  std::array<std::array<std::size_t, classes>, classes> confusion{};
  std::size_t correct = 0;
  for (std::size_t n : test) {
    const auto scores = eval(logits, combine(weights.bindings(), data.sample(n)));
    const auto predicted = static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
    ++confusion[data.labels[n]][predicted];
    correct += predicted == data.labels[n];
  }
  const double accuracy = 100.0 * double(correct) / double(test.size());
  std::printf("test accuracy %.1f%% (%zu of %zu)\n\nconfusion matrix (rows: true digit, columns: predicted)\n    ",
              accuracy, correct, test.size());
  for (std::size_t k = 0; k != classes; ++k) std::printf("%4zu", k);
  for (std::size_t t = 0; t != classes; ++t) {
    std::printf("\n%4zu", t);
    for (std::size_t k = 0; k != classes; ++k) std::printf("%4zu", confusion[t][k]);
  }
  std::printf("\n");
  if (accuracy < 95) {
    std::printf("FAIL: test accuracy below 95%%\n");
    return 1;
  }
  return 0;
}
