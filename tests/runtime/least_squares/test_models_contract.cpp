// Issue 19's contract, written as the issue spells it: conditions, users'
// functions, a family with a compile-time sum, several residuals per sample
// and a Jacobian, each in the front ends it names, with the values it implies.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
#include <stdexcept>
#include <vector>

#include "close_to.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

namespace contract {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;

constexpr auto J1 = function<"J1">([](auto t) { return std::cyl_bessel_j(1, t); });
constexpr auto J0 =
    function<"J0">([](auto t) { return std::cyl_bessel_j(0, t); }, [](const auto& u) { return -J1(u); });
constexpr auto softsign = function<"softsign">([](auto t) { return t / (1 + std::abs(t)); },
                                               [](const auto& u) { return 1 / pow<2>(1 + abs(u)); });

constexpr auto theta = vars<"θ", 9>;
constexpr auto poly = sum<9>([](auto i) { return theta[i] * pow<i>(x); });
}  // namespace contract

namespace {

using namespace contract;

TEST_CASE("issue 19's contract: conditions") {
  const auto e = clamp(x, -1.0, 1.0) + min(a, b) + max(a, 2.0);
  CHECK(eval(e, at(x = 3.0, a = 1.0, b = 0.5)) == 1.0 + 0.5 + 2.0);
  CHECK(eval(where(x > 0, x, 0.1 * x), at(x = -1.0)) == close_to(-0.1, 1e-15));
  CHECK(eval(where(abs(x) <= 1.0, 0.5 * x * x, abs(x) - 0.5), at(x = 3.0)) == 2.5);
  CHECK(to_string(where(x > 0, x, 0.1 * x)) == "where(x > 0, x, 0.1*x)");
  CHECK(to_string(d(where(x > 0, x, 0.1 * x), x)) == "where(x > 0, 1, 0.1)");
}

TEST_CASE("issue 19's contract: users' functions") {
  CHECK(to_string(J0(a * x)) == "J0(a*x)");
  CHECK(to_string(softsign(x - b)) == "softsign(x - b)");
  CHECK(eval(d(J0(a * x), x), at(a = 2.0, x = 0.5)) == close_to(-2 * std::cyl_bessel_j(1, 1.0), 1e-15));
  const auto h = eval(hessian(softsign(x - b), wrt(x, b)), at(x = 0.75, b = 0.25));
  CHECK(h[0][0] == close_to(-2 / std::pow(1.5, 3), 1e-14));  // softsign''(t) = -2 sign(t)/(1 + |t|)^3
  CHECK(h[0][1] == close_to(2 / std::pow(1.5, 3), 1e-14));
}

TEST_CASE("issue 19's contract: families of parameters and compile-time sums") {
  std::vector<double> xs, ys;
  for (int i = 0; i <= 40; ++i) {
    xs.push_back(-1 + 0.05 * i);
    ys.push_back(2 - xs.back() + 3 * std::pow(xs.back(), 4) - std::pow(xs.back(), 8));
  }
  auto r = fit(0.5 * pow<2>(poly - y), params(theta = std::array<double, 9>{}), data(x = xs, y = ys),
               {.method = optimizer::lbfgs, .max_epochs = 20000, .gradient_tolerance = 1e-14});
  const std::array<double, 9> expected{2, -1, 0, 0, 3, 0, 0, 0, -1};
  const std::array<double, 9> fitted = r[theta];
  for (std::size_t i = 0; i != 9; ++i) CHECK(fitted[i] == close_to(expected[i], 1e-6, 1e-6));
  CHECK(r[theta[int_c<2>]] == fitted[2]);
  const std::array<double, 9> coefficients{1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(eval(poly, at(theta = coefficients, x = 0.5)) == close_to(2 - std::pow(0.5, 8), 1e-15));
  const auto g = eval(gradient(poly, wrt(theta, a)), at(theta = coefficients, x = 0.5, a = 1.0));
  CHECK(g.size() == 10);
  CHECK(g[3] == 0.125);
  CHECK(g[9] == 0.0);
}

TEST_CASE("issue 19's contract: several residuals per sample, and Jacobians") {
  auto j = eval(jacobian(residuals(a * x - y, b * y * x), wrt(a, b)), at(a = 1.0, b = 2.0, x = 3.0, y = 4.0));
  CHECK(j == std::array{std::array{3.0, 0.0}, std::array{0.0, 12.0}});
  constexpr auto t = var<"t">;
  constexpr auto px = var<"px">;
  constexpr auto py = var<"py">;
  constexpr auto vx = var<"vx">;
  constexpr auto vy = var<"vy">;
  constexpr auto x0 = var<"x0">;
  constexpr auto y0 = var<"y0">;
  std::vector<double> ts, xs, ys;
  for (int i = 0; i != 12; ++i) {
    ts.push_back(0.1 * i);
    xs.push_back(2 * ts.back() - 1);
    ys.push_back(5 * ts.back() - 4.905 * ts.back() * ts.back() + 3);
  }
  auto path = least_squares(residuals(px - (vx * t + x0), py - (vy * t - 4.905 * t * t + y0)),
                            params(vx = 1.0, vy = 1.0, x0 = 0.0, y0 = 0.0), data(t = ts, px = xs, py = ys));
  CHECK(path[vx] == close_to(2, 1e-10));
  CHECK(path[vy] == close_to(5, 1e-10));
  CHECK(path[x0] == close_to(-1, 1e-10, 1e-10));
  CHECK(path[y0] == close_to(3, 1e-10));
  CHECK(path.standard_errors[vx] < 1e-10);  // exact data: no residual left to estimate a spread from
  // Columns of different lengths are named, as fit names them.
  const std::vector<double> short_column(5, 0.0);
  CHECK_THROWS_AS(least_squares(residuals(px - vx * t, py - vy * t), params(vx = 1.0, vy = 1.0),
                                data(t = ts, px = short_column, py = ys)),
                  std::invalid_argument);
}

}  // namespace
