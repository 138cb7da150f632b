// Several residuals per sample, and Jacobians: jacobian(residuals(...)) by
// hand and against central differences; a projectile's two coordinates fitted
// at once, its parameters and standard errors against the closed form of
// this model, which is linear in them.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
#include <vector>

#include "close_to.hpp"

namespace {

using ctdiff_test::close_to;

namespace model {
using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto t = var<"t">;
constexpr auto px = var<"px">;
constexpr auto py = var<"py">;
constexpr auto vx = var<"vx">;
constexpr auto vy = var<"vy">;
constexpr auto x0 = var<"x0">;
constexpr auto y0 = var<"y0">;
}  // namespace model

using namespace model;

TEST_CASE("a Jacobian has a row per residual, each its gradient") {
  const auto j = eval(jacobian(residuals(a * x - y, b * y * x), wrt(a, b)), at(a = 1.0, b = 2.0, x = 3.0, y = 4.0));
  STATIC_REQUIRE(std::is_same_v<decltype(j), const std::array<std::array<double, 2>, 2>>);
  CHECK(j == std::array{std::array{3.0, 0.0}, std::array{0.0, 12.0}});  // [x, 0], [0, y x]
  // A nonlinear one against central differences of eval(residuals(...)).
  const auto r = residuals(exp(a * x) * b, sin(a - b * y), a * b);
  const auto point = at(a = 0.3, b = -1.1, x = 0.7, y = 2.0);
  const auto rows = eval(jacobian(r, wrt(a, b)), point);
  const double h = 1e-6;
  for (std::size_t column = 0; column != 2; ++column) {
    auto above = point, below = point;
    if (column == 0) {
      above[a] += h;
      below[a] -= h;
    } else {
      above[b] += h;
      below[b] -= h;
    }
    const auto up = eval(r, above), down = eval(r, below);
    for (std::size_t row = 0; row != 3; ++row)
      CHECK(rows[row][column] == close_to((up[row] - down[row]) / (2 * h), 1e-8, 1e-8));
  }
}

// Simple linear regression of v on u: slope, intercept, residual sum of squares, Sxx, mean of u.
struct regression {
  double slope, intercept, rss, sxx, mean;
};
regression regress(const std::vector<double>& u, const std::vector<double>& v) {
  const double n = double(u.size());
  double mu = 0, mv = 0;
  for (std::size_t i = 0; i != u.size(); ++i) {
    mu += u[i] / n;
    mv += v[i] / n;
  }
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i != u.size(); ++i) {
    sxx += (u[i] - mu) * (u[i] - mu);
    sxy += (u[i] - mu) * (v[i] - mv);
  }
  regression fitted{sxy / sxx, mv - sxy / sxx * mu, 0, sxx, mu};
  for (std::size_t i = 0; i != u.size(); ++i) fitted.rss += std::pow(v[i] - fitted.intercept - fitted.slope * u[i], 2);
  return fitted;
}

TEST_CASE("a projectile's two coordinates fitted at once recover its parameters and standard errors") {
  std::vector<double> ts, xs, ys, ys_lifted;
  for (int i = 0; i != 25; ++i) {
    const double time = 0.08 * i;
    ts.push_back(time);
    xs.push_back(3 * time + 1 + 0.02 * std::sin(5.0 * i));
    ys.push_back(8 * time - 4.905 * time * time + 2 + 0.02 * std::cos(3.0 * i));
    ys_lifted.push_back(ys.back() + 4.905 * time * time);
  }
  const auto path = least_squares(residuals(px - (vx * t + x0), py - (vy * t - 4.905 * t * t + y0)),
                                  params(vx = 1.0, vy = 1.0, x0 = 0.0, y0 = 0.0), data(t = ts, px = xs, py = ys));
  // The two coordinates decouple into two regressions on t sharing one variance s² = RSS/(2n - 4).
  const regression horizontal = regress(ts, xs), vertical = regress(ts, ys_lifted);
  const double n = double(ts.size());
  const double variance = (horizontal.rss + vertical.rss) / (2 * n - 4);
  CHECK(path[vx] == close_to(horizontal.slope, 1e-10));
  CHECK(path[x0] == close_to(horizontal.intercept, 1e-10));
  CHECK(path[vy] == close_to(vertical.slope, 1e-10));
  CHECK(path[y0] == close_to(vertical.intercept, 1e-10));
  CHECK(path.standard_errors[vx] == close_to(std::sqrt(variance / horizontal.sxx), 1e-8));
  CHECK(path.standard_errors[vy] == close_to(std::sqrt(variance / vertical.sxx), 1e-8));
  CHECK(path.standard_errors[x0] ==
        close_to(std::sqrt(variance * (1 / n + horizontal.mean * horizontal.mean / horizontal.sxx)), 1e-8));
  CHECK(std::abs(path[vx] - 3) < 0.05);
  CHECK(std::abs(path[vy] - 8) < 0.05);
}

}  // namespace
