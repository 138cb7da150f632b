// Every operator with a plain number of every arithmetic type on either side:
// eval, d (first and second), gradient, hessian and the printed derivative
// re-evaluated, against derivatives written out by hand here and against
// central differences. A user's integers never fold by integer division:
// d(x / 2, x) is 0.5.
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <string>

#include "formula_reader.hpp"

namespace {

using namespace ctdiff;
constexpr auto x = var<"x">;

// f and its first two derivatives at x0, written by hand in long double.
struct by_hand {
  long double value, first, second;
};

void require_close(long double actual, long double expected, const char* what) {
  INFO(what << ": " << static_cast<double>(actual) << ", by hand " << static_cast<double>(expected));
  REQUIRE(std::fabs(actual - expected) <= 1e-12L * std::max(1.0L, std::fabs(expected)));
}

template <class E>
void require_derivatives(const E& f, double x0, by_hand expected) {
  const auto point = at(x = x0);
  INFO("f = " << to_string(f) << ", f' = " << to_string(d(f, x)) << ", f'' = " << to_string(d(f, x, x))
              << ", x = " << x0);
  require_close(eval(f, point), expected.value, "eval(f)");
  require_close(eval(d(f, x), point), expected.first, "eval(d(f, x))");
  require_close(eval(d(f, x, x), point), expected.second, "eval(d(f, x, x))");
  require_close(eval(gradient(f, wrt(x)), point)[0], expected.first, "gradient");
  require_close(eval(hessian(f, wrt(x)), point)[0][0], expected.second, "hessian");
  const std::map<std::string, long double> values{{"x", x0}};
  require_close(ctdiff_test::formula_value(to_string(d(f, x)), values), expected.first, "to_string(d(f, x))");
  require_close(ctdiff_test::formula_value(to_string(d(f, x, x)), values), expected.second, "to_string(d(f, x, x))");
  const double h = 1e-5 * std::max(1.0, std::fabs(x0));
  const double central = (eval(f, at(x = x0 + h)) - eval(f, at(x = x0 - h))) / (2 * h);
  REQUIRE(std::fabs(central - static_cast<double>(expected.first)) <= 1e-6 * std::max(1.0L, std::fabs(expected.first)));
}

TEMPLATE_TEST_CASE("a number of any arithmetic type on either side of an operator", "[numbers]", int, long, unsigned,
                   float, double, long double) {
  using C = TestType;
  // 2 and 3 divide 1 to the integer 0; -3 is a negative divisor.
  const C c = std::is_signed_v<C> ? GENERATE(C(2), C(3), C(-3)) : GENERATE(C(2), C(3));
  const double x0 = GENERATE(1.7, 0.6);
  const long double k = static_cast<long double>(c), X = x0;
  INFO("c = " << k);

  SECTION("+ and -") {
    require_derivatives(x + c, x0, {X + k, 1, 0});
    require_derivatives(c + x, x0, {k + X, 1, 0});
    require_derivatives(x - c, x0, {X - k, 1, 0});
    require_derivatives(c - x, x0, {k - X, -1, 0});
    require_derivatives(-(c * x), x0, {-k * X, -k, 0});
  }
  SECTION("* and /") {
    require_derivatives(x * c, x0, {X * k, k, 0});
    require_derivatives(c * x, x0, {k * X, k, 0});
    require_derivatives(x / c, x0, {X / k, 1 / k, 0});
    require_derivatives(c / x, x0, {k / X, -k / (X * X), 2 * k / (X * X * X)});
    require_derivatives(x * x / c, x0, {X * X / k, 2 * X / k, 2 / k});
    require_derivatives(c * x / c, x0, {X, 1, 0});
  }
  SECTION("pow<N> of a number and a symbol") {
    require_derivatives(pow<2>(x / c), x0, {X * X / (k * k), 2 * X / (k * k), 2 / (k * k)});
    require_derivatives(pow<-1>(x / c), x0, {k / X, -k / (X * X), 2 * k / (X * X * X)});
    require_derivatives(pow<-2>(c * x), x0,
                        {1 / (k * k * X * X), -2 / (k * k * X * X * X), 6 / (k * k * X * X * X * X)});
  }
  SECTION("pow(e, f) with a number for e or f") {
    require_derivatives(pow(x, c), x0, {std::pow(X, k), k * std::pow(X, k - 1), k * (k - 1) * std::pow(X, k - 2)});
    if (c > 0) {
      const long double log_c = std::log(k);
      require_derivatives(pow(c, x), x0, {std::pow(k, X), std::pow(k, X) * log_c, std::pow(k, X) * log_c * log_c});
    }
  }
}

TEST_CASE("the derivatives of the issue's examples") {
  CHECK(eval(d(x / 2, x), at(x = 3.0)) == 0.5);
  CHECK(eval(d(x / (-3), x), at(x = 3.0)) == 1.0 / -3.0);
  CHECK(eval(hessian(x * x / 2, wrt(x)), at(x = 3.0))[0][0] == 1.0);
  CHECK(to_string(d(x / 2, x)) == "1/2");
  CHECK(to_string(d(x / (-3), x)) == "-1/3");
  CHECK(to_latex(d(x / 2, x)) == "\\frac{1}{2}");
  CHECK(to_string(d(-(2u * x), x)) == "-2");  // -(2u) is -2, not 4294967294
  CHECK(eval(d(x / 2, x), at(x = 3.0f)) == 0.5f);
  CHECK(eval(d(x / 3, x), at(x = 3.0L)) == 1.0L / 3.0L);  // converted as 1/3 in long double, not via double
}

}  // namespace
