// The ways of computing a model's gradient that every model shares: central
// finite differences, and forward-mode automatic differentiation with each
// library's dual numbers, written once over the model's generic loss.
#pragma once

#include <algorithm>
#include <array>
#include <boost/math/differentiation/autodiff.hpp>
#include <cmath>
#include <cstddef>
#include <limits>

namespace bench {

// Central differences, each step scaled to its parameter: 2n evaluations of the loss.
template <class Model>
auto finite_difference_gradient(const Model& model) {
  std::array<double, Model::parameter_count> gradient;
  auto parameters = model.parameters;
  for (std::size_t i = 0; i != Model::parameter_count; ++i) {
    const double original = parameters[i];
    const double step = std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(original));
    parameters[i] = original + step;
    const double above = model.loss(parameters);
    parameters[i] = original - step;
    const double below = model.loss(parameters);
    parameters[i] = original;
    gradient[i] = (above - below) / (2 * step);
  }
  return gradient;
}

// One evaluation of the loss with dual numbers that carry all n derivatives
// (Eigen's AutoDiffScalar, Ceres' Jet, Sacado's Fad). Library describes them:
// scalar<n>, seed(value, i, n) and derivative(result, i).
template <class Library, class Model>
auto dual_number_gradient(const Model& model) {
  constexpr std::size_t n = Model::parameter_count;
  using scalar = typename Library::template scalar<n>;
  std::array<scalar, n> parameters;
  for (std::size_t i = 0; i != n; ++i) parameters[i] = Library::template seed<n>(model.parameters[i], i);
  const scalar loss = model.loss(parameters);
  std::array<double, n> gradient;
  for (std::size_t i = 0; i != n; ++i) gradient[i] = Library::derivative(loss, i);
  return gradient;
}

// Boost.Math's autodiff carries one derivative: one evaluation of the loss per parameter.
template <class Model>
auto boost_autodiff_gradient(const Model& model) {
  using boost::math::differentiation::autodiff_fvar;
  constexpr std::size_t n = Model::parameter_count;
  std::array<autodiff_fvar<double, 1>, n> parameters;
  std::array<double, n> gradient;
  for (std::size_t i = 0; i != n; ++i) {
    for (std::size_t j = 0; j != n; ++j) parameters[j] = autodiff_fvar<double, 1>(model.parameters[j], i == j);
    gradient[i] = static_cast<double>(model.loss(parameters).derivative(1));
  }
  return gradient;
}

}  // namespace bench
