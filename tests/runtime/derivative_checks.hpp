// Shared assertions: a symbolic derivative against central finite differences.
#pragma once

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>

#include "close_to.hpp"

namespace ctdiff_test {

// The gradient agrees with central differences and with d(e, v) per symbol.
template <class E, class... Symbols, class B>
void require_first_derivatives(const E& e, ctdiff::wrt_list<Symbols...> w, const B& b, double tolerance = 1e-6) {
  auto check = ctdiff::check_gradient(e, w, b);
  std::array<double, sizeof...(Symbols)> by_d{static_cast<double>(ctdiff::eval(ctdiff::d(e, Symbols{}), b))...};
  INFO("e = " << ctdiff::to_string(e));
  for (std::size_t i = 0; i != sizeof...(Symbols); ++i) {
    INFO("partial " << i << ": gradient " << check.symbolic[i] << ", d " << by_d[i] << ", finite difference "
                    << check.finite_difference[i]);
    REQUIRE(std::abs(check.symbolic[i] - check.finite_difference[i]) <=
            tolerance * std::max(1.0, std::abs(check.symbolic[i])));
    REQUIRE(by_d[i] == close_to(check.symbolic[i], 1e-12, 1e-12));
  }
  REQUIRE(check.max_relative_error <= tolerance);
}

// The Hessian agrees with central differences of the gradient, with
// d(d(e, v), w), and is symmetric.
template <class E, class... Symbols, class B>
void require_second_derivatives(const E& e, ctdiff::wrt_list<Symbols...> w, const B& b, double tolerance = 1e-5) {
  constexpr std::size_t n = sizeof...(Symbols);
  auto hessian = ctdiff::eval(ctdiff::hessian(e, w), b);
  INFO("e = " << ctdiff::to_string(e));
  std::size_t row = 0;
  auto check_row = [&](auto row_symbol) {
    auto check = ctdiff::check_gradient(ctdiff::d(e, row_symbol), w, b);
    for (std::size_t column = 0; column != n; ++column) {
      INFO("second partial " << row << "," << column);
      REQUIRE(hessian[row][column] == close_to(check.symbolic[column], 1e-12, 1e-12));
      REQUIRE(std::abs(hessian[row][column] - check.finite_difference[column]) <=
              tolerance * std::max(1.0, std::abs(hessian[row][column])));
      REQUIRE(hessian[row][column] == close_to(hessian[column][row], 1e-9, 1e-12));
    }
    ++row;
  };
  (check_row(Symbols{}), ...);
}

}  // namespace ctdiff_test
