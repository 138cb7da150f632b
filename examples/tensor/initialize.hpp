// Starting weights for the tensor examples: uniform in +-1/sqrt(fan-in) per
// layer (so sigmoid units start in their steep middle), from a fixed seed so
// every run trains the same way. Biases start at 0.
#pragma once

#include <cmath>
#include <cstdint>
#include <ctdiff/ctdiff.hpp>
#include <random>
#include <span>

namespace example {

template <class Tensors, class... Layers>
void initialize(const Tensors& parameters, std::uint64_t seed, Layers... weight_matrices) {
  std::mt19937_64 generator(seed);
  const auto fill = [&](auto weights) {
    const double bound = 1 / std::sqrt(double(decltype(weights)::dims.cols));
    std::uniform_real_distribution<double> uniform(-bound, bound);
    for (double& value : parameters[weights]) value = uniform(generator);
  };
  (fill(weight_matrices), ...);
}

}  // namespace example
