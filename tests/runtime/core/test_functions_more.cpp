// atan, atan2, log1p, expm1, softplus and erf: values, rules against central
// differences and hand-derived values, and how they print.
#include <numbers>

#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
using ctdiff_test::require_first_derivatives;
using ctdiff_test::require_second_derivatives;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

auto random_point() { return GENERATE(take(25, chunk(2, random(-2.0, 2.0)))); }

TEST_CASE("the new functions match finite differences at random points") {
  auto p = random_point();
  auto b = at(x = p[0], y = p[1]);
  auto above_minus_one = at(x = std::abs(p[0]) - 0.5, y = p[1]);  // log1p needs x > -1
  require_first_derivatives(atan(x * y), wrt(x, y), b);
  require_first_derivatives(log1p(x * x + y), wrt(x, y), at(x = p[0], y = std::abs(p[1]) - 0.5));
  require_first_derivatives(log1p(x), wrt(x), above_minus_one);
  require_first_derivatives(expm1(x * y), wrt(x, y), b);
  require_first_derivatives(softplus(3 * x - y), wrt(x, y), b);
  require_first_derivatives(erf(x * y), wrt(x, y), b);
  require_second_derivatives(atan(x * y) + erf(x) * softplus(y) + expm1(x) * log1p(y * y), wrt(x, y), b);
}

TEST_CASE("atan2 matches finite differences in every quadrant") {
  auto p = random_point();
  auto b = at(x = p[0] + (p[0] < 0 ? -0.25 : 0.25), y = p[1] + (p[1] < 0 ? -0.25 : 0.25));  // away from (0, 0)
  require_first_derivatives(atan2(x, y), wrt(x, y), b);
  require_first_derivatives(atan2(x * y, y - 3.0), wrt(x, y), b);
  require_first_derivatives(atan2(2.0, x) + atan2(y, 1), wrt(x, y), b);
  require_second_derivatives(atan2(x, y), wrt(x, y), b);
  CHECK(eval(atan2(x, y), b) == std::atan2(b[x], b[y]));
}

TEST_CASE("hand-derived values of the new functions and their derivatives") {
  const double pi = std::numbers::pi;
  // A libm call, or a hand formula of a few operations, is within a few ulps:
  // 1e-14 relative (log(1 + e^-30) and e^-30 differ by 4.7e-14 of it).
  CHECK(eval(atan(x), at(x = 1.0)) == close_to(pi / 4, 1e-14));
  CHECK(eval(d(atan(x), x), at(x = 1.0)) == close_to(0.5, 1e-14));                // 1/(1 + 1)
  CHECK(eval(d(log1p(x), x), at(x = 3.0)) == close_to(0.25, 1e-14));              // 1/(1 + 3)
  CHECK(eval(log1p(x), at(x = 1e-20)) == 1e-20);                                  // log(1 + x) would give 0
  CHECK(eval(expm1(x), at(x = 1e-20)) == 1e-20);                                  // exp(x) - 1 would give 0
  CHECK(eval(d(expm1(x), x), at(x = 2.0)) == close_to(7.38905609893065, 1e-14));  // e^2
  CHECK(eval(softplus(x), at(x = 0.0)) == close_to(std::log(2.0), 1e-14));
  CHECK(eval(softplus(x), at(x = 1000.0)) == 1000.0);  // exp(1000) would overflow
  CHECK(eval(softplus(x), at(x = -1000.0)) == 0.0);
  CHECK(eval(softplus(x), at(x = -30.0)) == close_to(9.357622968839737e-14, 1e-14));  // log1p(e^-30), not e^-30
  CHECK(eval(d(softplus(x), x), at(x = 0.0)) == 0.5);                                 // sigmoid(0)
  CHECK(eval(erf(x), at(x = 0.5)) == close_to(0.5204998778130465, 1e-14));
  CHECK(eval(d(erf(x), x), at(x = 0.0)) == close_to(2 / std::sqrt(pi), 1e-14));
  CHECK(eval(d(erf(x), x), at(x = 1.0)) == close_to(2 / std::sqrt(pi) * std::exp(-1.0), 1e-14));
  CHECK(eval(atan2(y, x), at(x = -1.0, y = 0.0)) == close_to(pi, 1e-14));
  CHECK(eval(atan2(y, x), at(x = 0.0, y = -2.0)) == close_to(-pi / 2, 1e-14));
  auto g = eval(gradient(atan2(y, x), wrt(x, y)), at(x = 1.0, y = 1.0));
  CHECK(g[0] == close_to(-0.5, 1e-14));               // -y/(x^2 + y^2)
  CHECK(g[1] == close_to(0.5, 1e-14));                // x/(x^2 + y^2)
  CHECK(atan2(1.0, 1.0) == close_to(pi / 4, 1e-14));  // numbers only: std::atan2
  auto in_float = eval(d(atan(x), x), at(x = 1.0f));
  static_assert(std::is_same_v<decltype(in_float), float>);
}

TEST_CASE("the new functions print as calls, atan2 with two arguments") {
  CHECK(to_string(atan2(x, y)) == "atan2(x, y)");
  CHECK(to_string(atan2(x * y, 2.0) + 1) == "atan2(x*y, 2) + 1");
  CHECK(to_string(pow<2>(atan2(x, y))) == "atan2(x, y)^2");
  CHECK(to_string(d(atan2(x, y), x)) == "y/(x^2 + y^2)");
  CHECK(to_string(d(atan2(x, y), y)) == "-x/(x^2 + y^2)");
  CHECK(to_string(d(atan(x), x)) == "1/(1 + x^2)");
  CHECK(to_string(d(log1p(x), x)) == "1/(1 + x)");
  CHECK(to_string(d(expm1(x), x)) == "exp(x)");
  CHECK(to_string(d(softplus(x), x)) == "sigmoid(x)");
  CHECK(to_string(d(erf(x), x)) == "1.1283791670955126*exp(-x^2)");
  CHECK(to_latex(atan2(x, y)) == "\\operatorname{atan2}\\left(x, y\\right)");
  CHECK(to_latex(atan(x)) == "\\arctan\\left(x\\right)");
  CHECK(to_latex(erf(x)) == "\\operatorname{erf}\\left(x\\right)");
}

}  // namespace
