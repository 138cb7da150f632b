// The finite-difference checker: the symbolic gradient beside a central
// difference gradient, and their largest disagreement.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/engine/gradient.hpp>
#include <limits>

namespace ctdiff {

template <class T, std::size_t N>
struct gradient_check {
  std::array<T, N> symbolic;
  std::array<T, N> finite_difference;
  T max_absolute_error;
  // |symbolic - finite_difference| / max(1, |symbolic|): relative for large
  // derivatives, absolute near zero, where a relative error means nothing.
  T max_relative_error;
};

namespace detail {

// Central difference in one symbol, with a step scaled to its value:
// h = cbrt(epsilon) * max(1, |value|) balances truncation against rounding.
template <class S, class E, class B>
auto central_difference(const E& e, const B& b) {
  using T = typename B::value_type;
  T value = static_cast<T>(b[S{}]);
  T step = std::cbrt(std::numeric_limits<T>::epsilon()) * std::max(T(1), std::abs(value));
  B above = b;
  B below = b;
  above[S{}] = value + step;
  below[S{}] = value - step;
  // Divide by the step actually taken after rounding value +- step.
  return (eval(e, above) - eval(e, below)) / (static_cast<T>(above[S{}]) - static_cast<T>(below[S{}]));
}

}  // namespace detail

template <Expression E, class... Symbols, Bindings B>
auto check_gradient(const E& e, wrt_list<Symbols...> w, const B& b) {
  using T = typename B::value_type;
  static_assert((detail::is_bound_v<B, Symbols::name> && ...),
                "ctdiff: check_gradient needs a value for every symbol of wrt(...) in at(...)");
  gradient_check<T, sizeof...(Symbols)> result{
      eval(gradient(e, w), b), {detail::central_difference<Symbols>(e, b)...}, T(0), T(0)};
  for (std::size_t i = 0; i != sizeof...(Symbols); ++i) {
    T error = std::abs(result.symbolic[i] - result.finite_difference[i]);
    result.max_absolute_error = std::max(result.max_absolute_error, error);
    result.max_relative_error =
        std::max(result.max_relative_error, error / std::max(T(1), std::abs(result.symbolic[i])));
  }
  return result;
}

}  // namespace ctdiff
