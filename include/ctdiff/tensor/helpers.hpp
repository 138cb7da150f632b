// What training a network needs around the model: labels as one-hot rows,
// the predicted class of each sample and the accuracy, and seeded starting
// weights (Glorot and He, uniform and normal).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ctdiff/core/random.hpp>
#include <ctdiff/tensor/nodes.hpp>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace ctdiff {

namespace detail {

template <class Label>
bool is_class_number(Label label, std::size_t classes) {
  if constexpr (std::is_floating_point_v<Label>) {
    return label >= 0 && label < Label(classes) && std::floor(label) == label;
  } else if constexpr (std::is_signed_v<Label>) {
    return label >= 0 && static_cast<std::size_t>(label) < classes;
  } else {
    return static_cast<std::size_t>(label) < classes;
  }
}

}  // namespace detail

// A label column (class numbers 0, 1, ..., classes - 1, of any number type)
// as one row of `classes` values per label: 1 at the label's class, else 0.
template <class T = double, class Labels>
std::vector<T> one_hot(const Labels& labels, std::size_t classes) {
  std::vector<T> rows(classes * std::size(labels), T(0));
  std::size_t n = 0;
  for (const auto label : labels) {
    if (!detail::is_class_number(label, classes)) {
      throw std::invalid_argument("ctdiff: one_hot: the label " + std::to_string(label) +
                                  " is not a class number 0 to " + std::to_string(classes - 1));
    }
    rows[classes * n++ + static_cast<std::size_t>(label)] = T(1);
  }
  return rows;
}

// The position of the largest of each sample's `width` values (a sample's
// scores, one sample after another, as predict gives them): its predicted class.
template <class T>
std::vector<std::size_t> argmax(std::span<const T> values, std::size_t width) {
  if (width == 0 || values.size() % width != 0) {
    throw std::invalid_argument("ctdiff: argmax: " + std::to_string(values.size()) +
                                " values are not a whole number of samples of " + std::to_string(width));
  }
  std::vector<std::size_t> classes(values.size() / width);
  for (std::size_t n = 0; n != classes.size(); ++n) {
    const T* const sample = values.data() + width * n;
    for (std::size_t k = 1; k != width; ++k)
      if (sample[k] > sample[classes[n]]) classes[n] = k;
  }
  return classes;
}
template <class T>
std::vector<std::size_t> argmax(const std::vector<T>& values, std::size_t width) {
  return argmax(std::span<const T>(values), width);
}

// The fraction of predictions equal to their label.
template <class Labels>
double accuracy(const std::vector<std::size_t>& predicted, const Labels& labels) {
  if (predicted.size() != std::size(labels) || predicted.empty()) {
    throw std::invalid_argument("ctdiff: accuracy: " + std::to_string(predicted.size()) + " predictions for " +
                                std::to_string(std::size(labels)) + " labels");
  }
  std::size_t correct = 0, n = 0;
  for (const auto label : labels) correct += static_cast<double>(predicted[n++]) == static_cast<double>(label);
  return double(correct) / double(predicted.size());
}

namespace detail {

enum class initial_distribution { uniform, normal };

// Values for the weight matrix of `symbol` (rows: the layer's outputs, its
// fan-out; columns: its inputs, the fan-in), with variance `variance`, drawn
// from `seed` alone. Uniform values come from core/random.hpp, the same with every
// standard library; normal values from std::normal_distribution, the same
// wherever the same standard library is used.
template <class T, fixed_string Name, shape S>
std::vector<T> initial_weights(tensor_symbol<Name, S>, double variance, initial_distribution distribution,
                               std::uint64_t seed) {
  static_assert(std::is_floating_point_v<T>, "ctdiff: initial weights are floating values (double or float)");
  std::mt19937_64 generator(seed);
  std::vector<T> values(S.size());
  if (distribution == initial_distribution::uniform) {
    const double bound = std::sqrt(3 * variance);  // U(-a, a) has variance a^2 / 3
    for (T& value : values) value = T(uniform_between(generator, -bound, bound));
  } else {
    std::normal_distribution<double> normal(0, std::sqrt(variance));
    for (T& value : values) value = T(normal(generator));
  }
  return values;
}

}  // namespace detail

// Glorot (Xavier) starting weights for a layer W of shape fan_out x fan_in:
// variance 2 / (fan_in + fan_out), for sigmoid and tanh layers.
// params(W1 = glorot_uniform(W1, seed), ...).
template <class T = double, fixed_string Name, shape S>
std::vector<T> glorot_uniform(tensor_symbol<Name, S> weights, std::uint64_t seed) {
  return detail::initial_weights<T>(weights, 2.0 / double(S.rows + S.cols), detail::initial_distribution::uniform,
                                    seed);
}
template <class T = double, fixed_string Name, shape S>
std::vector<T> glorot_normal(tensor_symbol<Name, S> weights, std::uint64_t seed) {
  return detail::initial_weights<T>(weights, 2.0 / double(S.rows + S.cols), detail::initial_distribution::normal, seed);
}

// He (Kaiming) starting weights: variance 2 / fan_in, for ReLU layers.
template <class T = double, fixed_string Name, shape S>
std::vector<T> he_uniform(tensor_symbol<Name, S> weights, std::uint64_t seed) {
  return detail::initial_weights<T>(weights, 2.0 / double(S.cols), detail::initial_distribution::uniform, seed);
}
template <class T = double, fixed_string Name, shape S>
std::vector<T> he_normal(tensor_symbol<Name, S> weights, std::uint64_t seed) {
  return detail::initial_weights<T>(weights, 2.0 / double(S.cols), detail::initial_distribution::normal, seed);
}

// Zeros for a bias (or any tensor) of the symbol's shape.
template <class T = double, fixed_string Name, shape S>
std::vector<T> zeros(tensor_symbol<Name, S>) {
  return std::vector<T>(S.size(), T(0));
}

}  // namespace ctdiff
