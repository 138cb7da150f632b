// A family of parameters in least_squares and fit_newton: the degree-8
// polynomial against its normal equations.
#include <array>
#include <catch2/catch.hpp>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
#include <ctdiff/newton.hpp>

#include "close_to.hpp"
#include "polynomial_reference.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto theta = vars<"θ", 9>;
constexpr auto poly = sum<9>([](auto i) { return theta[i] * pow<i>(x); });

TEST_CASE("least_squares and fit_newton of a degree-8 polynomial family agree with the normal equations") {
  const ctdiff_test::polynomial_samples samples;
  const auto& [xs, ys] = samples;
  const auto expected = ctdiff_test::normal_equations_solution(xs, ys);
  const auto by_least_squares = least_squares(poly - y, params(theta = std::array<double, 9>{}), data(x = xs, y = ys));
  const auto by_newton = fit_newton(0.5 * pow<2>(poly - y), params(theta = std::array<double, 9>{}),
                                    data(x = xs, y = ys), {.max_epochs = 50, .gradient_tolerance = 1e-14});
  const std::array<double, 9> from_least_squares = by_least_squares[theta];
  const std::array<double, 9> from_newton = by_newton[theta];
  const std::array<double, 9> errors = by_least_squares.standard_errors[theta];
  for (std::size_t i = 0; i != 9; ++i) {
    CHECK(from_least_squares[i] == close_to(expected[i], 1e-8, 1e-8));
    CHECK(from_newton[i] == close_to(expected[i], 1e-8, 1e-8));
    CHECK(errors[i] > 0);
  }
}

}  // namespace
