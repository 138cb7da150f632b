// Families of symbols and compile-time sums: members by compile-time index,
// binding to arrays, wrt of a family, fitting a degree-8 polynomial against
// its normal equations, solved here apart from the library.
#include <array>
#include <cmath>
#include <vector>

#include "derivative_checks.hpp"
#include "polynomial_reference.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
using ctdiff_test::require_first_derivatives;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto a = var<"a">;
constexpr auto theta = vars<"θ", 9>;
constexpr auto poly = sum<9>([](auto i) { return theta[i] * pow<i>(x); });

TEST_CASE("a family's members are symbols named by index, and a sum of terms prints as written") {
  STATIC_REQUIRE(std::is_same_v<decltype(theta[int_c<0>]), symbol<"θ0">>);
  STATIC_REQUIRE(std::is_same_v<decltype(vars<"w", 12>[std::integral_constant<int, 11>{}]), symbol<"w11">>);
  // pow<0> and pow<1> fold: the first two terms are θ0 and θ1*x.
  CHECK(to_string(poly) == "θ0 + θ1*x + θ2*x^2 + θ3*x^3 + θ4*x^4 + θ5*x^5 + θ6*x^6 + θ7*x^7 + θ8*x^8");
  CHECK(to_string(d(poly, x)) == "θ1 + 2*θ2*x + 3*θ3*x^2 + 4*θ4*x^3 + 5*θ5*x^4 + 6*θ6*x^5 + 7*θ7*x^6 + 8*θ8*x^7");
  STATIC_REQUIRE(eval(sum<4>([](auto i) { return (i + 1) * theta[i]; }),
                      at(theta = std::array<double, 9>{1, 1, 1, 1, 5, 5, 5, 5, 5})) == 10.0);
}

TEST_CASE("a family binds to an array, and a gradient with respect to it lists its members in order") {
  const std::array<double, 9> coefficients{0.5, -1, 2, 0.25, -3, 1.5, 0.75, -0.125, 1};
  const double at_x = 0.8;
  double expected = 0, power = 1;
  for (double c : coefficients) {
    expected += c * power;
    power *= at_x;
  }
  const auto point = at(theta = coefficients, x = at_x, a = 2.0);
  CHECK(eval(poly, point) == close_to(expected, 1e-15));
  CHECK(point[theta] == coefficients);
  const auto g = eval(gradient(a * poly, wrt(theta, a)), point);
  STATIC_REQUIRE(g.size() == 10);
  for (std::size_t i = 0; i != 9; ++i) CHECK(g[i] == close_to(2 * std::pow(at_x, double(i)), 1e-15));
  CHECK(g[9] == close_to(expected, 1e-15));
  require_first_derivatives(a * poly + pow<2>(theta[int_c<3>] - a), wrt(theta, a, x), point);
}

TEST_CASE("fit of a degree-8 polynomial family agrees with the normal equations") {
  const ctdiff_test::polynomial_samples samples;
  const auto& [xs, ys] = samples;
  const auto expected = ctdiff_test::normal_equations_solution(xs, ys);
  const auto r = fit(0.5 * pow<2>(poly - y), params(theta = std::array<double, 9>{}), data(x = xs, y = ys),
                     {.method = optimizer::lbfgs, .max_epochs = 20000, .gradient_tolerance = 1e-14});
  INFO(to_string(r.stop) << " after " << r.epochs << " epochs");
  const std::array<double, 9> fitted = r[theta];
  for (std::size_t i = 0; i != 9; ++i) CHECK(fitted[i] == close_to(expected[i], 1e-6, 1e-6));
  CHECK(r[theta[int_c<2>]] == fitted[2]);
}

}  // namespace
