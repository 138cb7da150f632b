// What every benchmark model uses: indexed symbols, sums of gradients over
// samples, and uniformly drawn data.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bench {

// θ3, p12: member Index of the family Prefix, so a model's parameters can be
// generated from an index sequence.
template <ctdiff::fixed_string Prefix, std::size_t Index>
inline constexpr auto indexed_symbol = ctdiff::vars<Prefix, Index + 1>[std::integral_constant<std::size_t, Index>{}];

template <std::size_t N>
void add_to(std::array<double, N>& total, const std::array<double, N>& term) {
  for (std::size_t i = 0; i != N; ++i) total[i] += term[i];
}

template <std::size_t N>
std::array<double, N> mean(std::array<double, N> total, std::size_t count) {
  for (double& component : total) component /= static_cast<double>(count);
  return total;
}

// The per-sample ctdiff gradient summed over the samples, then divided by
// their number: the data values are overwritten in place in one set of
// bindings, as a training loop does.
template <class Gradient, class Bindings, class Samples, class BindSample>
auto ctdiff_mean_gradient(const Gradient& gradient, Bindings bindings, const Samples& samples, BindSample bind_sample) {
  decltype(ctdiff::eval(gradient, bindings)) total{};
  for (const auto& sample : samples) {
    bind_sample(bindings, sample);
    add_to(total, ctdiff::eval(gradient, bindings));
  }
  return mean(total, samples.size());
}

inline std::vector<double> uniform_values(std::mt19937_64& generator, std::size_t count, double low, double high) {
  std::uniform_real_distribution<double> distribution(low, high);
  std::vector<double> values(count);
  for (double& value : values) value = distribution(generator);
  return values;
}

// T given explicitly: the argument may be another library's expression template.
template <class T>
T sigmoid(const T& z) {
  using std::exp;
  return 1.0 / (1.0 + exp(-z));
}

}  // namespace bench
