// Shared assertions: symbolic derivatives against central differences
// computed here, apart from the library (its check_gradient is under test
// like the rest of it), and against d(e, v) per symbol.
#pragma once

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <limits>
#include <ostream>

#include "close_to.hpp"

namespace ctdiff_test {

// Derivatives of a function at a point beside central differences of its values there.
template <std::size_t N>
struct difference_check {
  std::array<double, N> derivative{};
  std::array<double, N> central_difference{};
  // |derivative - central difference| / max(1, |derivative|): relative for
  // large derivatives, absolute near zero, where a relative error means nothing.
  std::array<double, N> error{};

  bool within(double tolerance) const {
    return std::ranges::all_of(error, [tolerance](double e) { return e <= tolerance; });  // a NaN is not
  }
};

template <std::size_t N>
std::ostream& operator<<(std::ostream& out, const difference_check<N>& check) {
  for (std::size_t i = 0; i != N; ++i) {
    out << "\n  partial " << i << ": " << check.derivative[i] << ", central difference " << check.central_difference[i]
        << ", error " << check.error[i];
  }
  return out;
}

// value(point) and derivative(point) take a std::array<double, N>; derivative
// returns N partials. The step h = cbrt(epsilon) * max(1, |coordinate|)
// balances the truncation error h^2 f'''/6 against the rounding error
// epsilon |f| / h, both about 4e-11 of f's scale.
template <std::size_t N, class Value, class Derivative>
difference_check<N> compare_with_central_differences(Value&& value, Derivative&& derivative,
                                                     const std::array<double, N>& point) {
  difference_check<N> check;
  const auto partials = derivative(point);
  for (std::size_t i = 0; i != N; ++i) {
    std::array<double, N> above = point, below = point;
    const double step = std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(point[i]));
    above[i] += step;
    below[i] -= step;
    check.derivative[i] = static_cast<double>(partials[i]);
    // Divided by the step actually taken, after rounding point[i] +- step.
    check.central_difference[i] = (value(above) - value(below)) / (above[i] - below[i]);
    check.error[i] =
        std::abs(check.derivative[i] - check.central_difference[i]) / std::max(1.0, std::abs(check.derivative[i]));
  }
  return check;
}

// The values of the symbols of w in b, in w's order, and b with them replaced.
template <class B, class... Symbols>
std::array<double, sizeof...(Symbols)> values_of(const B& b, ctdiff::wrt_list<Symbols...>) {
  return {static_cast<double>(b[Symbols{}])...};
}
template <class B, class... Symbols>
B with_values(B b, ctdiff::wrt_list<Symbols...>, const std::array<double, sizeof...(Symbols)>& point) {
  std::size_t i = 0;
  ((b[Symbols{}] = point[i++]), ...);
  return b;
}

// The gradient of e in the symbols of w at b beside central differences of e.
template <class E, class W, class B>
auto first_derivative_check(const E& e, W w, const B& b) {
  return compare_with_central_differences(
      [&](const auto& point) { return static_cast<double>(ctdiff::eval(e, with_values(b, w, point))); },
      [&](const auto& point) { return ctdiff::eval(ctdiff::gradient(e, w), with_values(b, w, point)); },
      values_of(b, w));
}

// The gradient agrees with central differences and with d(e, v) per symbol.
template <class E, class... Symbols, class B>
void require_first_derivatives(const E& e, ctdiff::wrt_list<Symbols...> w, const B& b, double tolerance = 1e-6) {
  const auto check = first_derivative_check(e, w, b);
  const std::array<double, sizeof...(Symbols)> by_d{static_cast<double>(ctdiff::eval(ctdiff::d(e, Symbols{}), b))...};
  INFO("e = " << ctdiff::to_string(e) << check);
  REQUIRE(check.within(tolerance));
  // The same derivative two ways, in a different order of roundings.
  for (std::size_t i = 0; i != by_d.size(); ++i) REQUIRE(by_d[i] == close_to(check.derivative[i], 1e-12, 1e-12));
}

// The Hessian agrees with central differences of the gradient, with
// d(d(e, v), w), and is symmetric.
template <class E, class... Symbols, class B>
void require_second_derivatives(const E& e, ctdiff::wrt_list<Symbols...> w, const B& b, double tolerance = 1e-5) {
  const auto hessian = ctdiff::eval(ctdiff::hessian(e, w), b);
  INFO("e = " << ctdiff::to_string(e));
  std::size_t row = 0;
  auto check_row = [&](auto row_symbol) {
    const auto first = ctdiff::d(e, row_symbol);
    const auto check = compare_with_central_differences(
        [&](const auto& point) { return static_cast<double>(ctdiff::eval(first, with_values(b, w, point))); },
        [&](const auto& point) { return ctdiff::eval(ctdiff::hessian(e, w), with_values(b, w, point))[row]; },
        values_of(b, w));
    const auto by_d = ctdiff::eval(ctdiff::gradient(first, w), b);
    INFO("row " << row << " of the Hessian" << check);
    REQUIRE(check.within(tolerance));
    for (std::size_t column = 0; column != by_d.size(); ++column) {
      INFO("column " << column);
      REQUIRE(hessian[row][column] == close_to(by_d[column], 1e-12, 1e-12));
      REQUIRE(hessian[row][column] == close_to(hessian[column][row], 1e-9, 1e-12));
    }
    ++row;
  };
  (check_row(Symbols{}), ...);
}

}  // namespace ctdiff_test
