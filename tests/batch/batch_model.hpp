// The model the batch tests share: two layers, a softmax cross-entropy, a
// mean squared error of another branch, and a weight penalty that does not
// depend on the sample (so a node of the batch is shared by every sample).
#pragma once

#include <cstddef>
#include <ctdiff/batch.hpp>
#include <random>
#include <span>
#include <vector>

namespace batch_model {

constexpr std::size_t inputs = 6, hidden = 5, classes = 3;
constexpr auto x = ctdiff::vector<"x", inputs>;
constexpr auto y = ctdiff::vector<"y", classes>;
constexpr auto W1 = ctdiff::matrix<"W1", hidden, inputs>;
constexpr auto b1 = ctdiff::vector<"b1", hidden>;
constexpr auto W2 = ctdiff::matrix<"W2", classes, hidden>;
constexpr auto b2 = ctdiff::vector<"b2", classes>;
constexpr auto parameters = ctdiff::wrt(W1, b1, W2, b2);
constexpr auto data = ctdiff::per_sample(x, y);
constexpr auto loss = ctdiff::cross_entropy(W2 * ctdiff::sigmoid(W1 * x + b1) + b2, y) +
                      ctdiff::mean_squared_error(ctdiff::softmax(W2 * ctdiff::tanh(W1 * x)), y) +
                      0.01 * ctdiff::sum(ctdiff::square(W1));

// Random parameters, inputs and one-hot targets (one sample a row), seeded.
struct problem {
  std::vector<double> flat = std::vector<double>(ctdiff::flat_size(parameters));
  std::vector<double> features, targets;
  explicit problem(std::size_t samples) : features(inputs * samples), targets(classes * samples) {
    std::mt19937_64 generator(12);
    std::uniform_real_distribution<double> uniform(-1, 1);
    for (double& value : flat) value = uniform(generator);
    for (double& value : features) value = uniform(generator);
    for (std::size_t n = 0; n != samples; ++n) targets[classes * n + generator() % classes] = 1;
  }
  auto parameter_bindings() const { return ctdiff::tensors_in(parameters, std::span<const double>(flat)).bindings(); }
  // Samples [first, first + count) bound as one batch.
  auto batch(std::size_t first, std::size_t count) const {
    return ctdiff::combine(
        parameter_bindings(),
        ctdiff::at(ctdiff::samples(x, std::span(features).subspan(inputs * first, inputs * count)),
                   ctdiff::samples(y, std::span(targets).subspan(classes * first, classes * count))));
  }
  // Sample n bound alone, for the per-sample path of <ctdiff/tensor.hpp>.
  auto sample(std::size_t n) const {
    return ctdiff::combine(parameter_bindings(),
                           ctdiff::at(x = std::span<const double, inputs>(features.data() + inputs * n, inputs),
                                      y = std::span<const double, classes>(targets.data() + classes * n, classes)));
  }
};

}  // namespace batch_model
