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

constexpr ctdiff::two_layer_model<6, 5, 3> net{};
constexpr std::size_t inputs = net.inputs, classes = net.outputs;
constexpr auto parameters = net.parameters;
constexpr auto data = ctdiff::per_sample(net.x, net.y);
constexpr auto loss = ctdiff::cross_entropy(net.logits, net.y) +
                      ctdiff::mean_squared_error(ctdiff::softmax(net.W2 * ctdiff::tanh(net.W1 * net.x)), net.y) +
                      0.01 * ctdiff::sum(ctdiff::square(net.W1));

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
        ctdiff::at(ctdiff::samples(net.x, std::span(features).subspan(inputs * first, inputs * count)),
                   ctdiff::samples(net.y, std::span(targets).subspan(classes * first, classes * count))));
  }
  // Sample n bound alone, for the per-sample path of <ctdiff/tensor.hpp>.
  auto sample(std::size_t n) const {
    return ctdiff::combine(parameter_bindings(),
                           ctdiff::at(net.x = std::span<const double, inputs>(features.data() + inputs * n, inputs),
                                      net.y = std::span<const double, classes>(targets.data() + classes * n, classes)));
  }
};

}  // namespace batch_model
