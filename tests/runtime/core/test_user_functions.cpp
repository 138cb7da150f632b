// A user's own functions, declared here, outside the library: value and
// derivative from the user's lambdas, the chain rule, higher derivatives as
// far as the derivatives given allow, printing, every number type.
#include <cmath>

#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
using ctdiff_test::require_first_derivatives;
using ctdiff_test::require_second_derivatives;
constexpr auto x = var<"x">;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;

constexpr auto J1 = function<"J1">([](auto t) { return std::cyl_bessel_j(decltype(t)(1), t); });
constexpr auto J0 =
    function<"J0">([](auto t) { return std::cyl_bessel_j(decltype(t)(0), t); }, [](const auto& u) { return -J1(u); });
constexpr auto softsign = function<"softsign">([](auto t) { return t / (1 + std::abs(t)); },
                                               [](const auto& u) { return 1 / pow<2>(1 + abs(u)); });
// A derivative in terms of the function itself, as d/du lgamma(u) = digamma(u) cannot be written in the library:
// the logistic function, written by hand, with σ' = σ(1 - σ).
constexpr auto logistic_value = [](auto t) { return 1 / (1 + std::exp(-t)); };
constexpr auto logistic =
    function<"logistic">(logistic_value, [](const auto& u) { return exp(-u) / pow<2>(1 + exp(-u)); });

TEST_CASE("a user's function differentiates by the chain rule, matching central differences") {
  const auto p = GENERATE(take(20, chunk(3, random(-2.0, 2.0))));
  const auto point = at(a = p[0], b = p[1], x = p[2]);
  // std::cyl_bessel_j is defined for arguments >= 0.
  require_first_derivatives(J0(a * x) + b, wrt(a, b), at(a = std::abs(p[0]), b = p[1], x = std::abs(p[2])));
  require_first_derivatives(softsign(x - b) * a, wrt(a, b, x), point);
  require_first_derivatives(logistic(a * x + b), wrt(a, b), point);
  require_second_derivatives(softsign(a * x - b), wrt(a, b), point);
  require_second_derivatives(logistic(a * x + b) * a, wrt(a, b), point);
}

TEST_CASE("a user's function agrees with its closed forms") {
  // d/dx J0(a x) = -a J1(a x); softsign'(t) = 1/(1 + |t|)^2; softsign''(t) = -2 sign(t)/(1 + |t|)^3.
  const auto point = at(a = 2.0, x = 0.7, b = 0.1);
  CHECK(eval(J0(a * x), point) == std::cyl_bessel_j(0.0, 1.4));
  CHECK(eval(d(J0(a * x), x), point) == close_to(-2 * std::cyl_bessel_j(1.0, 1.4), 1e-15));
  CHECK(eval(gradient(J0(a * x), wrt(x)), point)[0] == close_to(-2 * std::cyl_bessel_j(1.0, 1.4), 1e-15));
  CHECK(eval(d(softsign(x - b), x), point) == close_to(1 / std::pow(1.6, 2), 1e-15));
  CHECK(eval(hessian(softsign(x - b), wrt(x)), point)[0][0] == close_to(-2 / std::pow(1.6, 3), 1e-14));
  CHECK(J0(1.4) == std::cyl_bessel_j(0.0, 1.4));  // called with a number, the value
}

TEMPLATE_TEST_CASE("a user's function computes in the number type of the bindings", "", float, double, long double) {
  using T = TestType;
  const auto point = at(a = T(1.5), x = T(0.25));
  static_assert(std::is_same_v<decltype(eval(J0(a * x), point)), T>);
  CHECK(eval(J0(a * x), point) == std::cyl_bessel_j(T(0), T(0.375)));
  const auto g = eval(gradient(softsign(a * x), wrt(a)), point);
  const T expected = T(0.25) / ((1 + T(0.375)) * (1 + T(0.375)));
  CHECK(double(g[0]) == close_to(double(expected), 4 * std::numeric_limits<T>::epsilon()));
}

TEST_CASE("a user's function prints by its name") {
  CHECK(to_string(J0(a * x)) == "J0(a*x)");
  CHECK(to_string(d(J0(a * x), a)) == "-J1(a*x)*x");
  CHECK(to_latex(softsign(x)) == "\\operatorname{softsign}\\left(x\\right)");
  CHECK(to_dot(J0(x)).find("label=\"J0\"") != std::string::npos);
}

}  // namespace
