// where, the comparisons, min, max and clamp: values, derivatives against
// central differences and hand-derived forms, the conventions at ties and
// bounds, simplification, sharing and printing.
#include <cmath>
#include <limits>

#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
using ctdiff_test::require_first_derivatives;
using ctdiff_test::require_second_derivatives;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;

constexpr auto leaky_relu = where(x > 0, x, 0.1 * x);
constexpr auto huber = where(abs(x) <= 1.0, 0.5 * x * x, abs(x) - 0.5);
constexpr auto hinge = where(y * x < 1, 1 - y * x, 0);

// A point at least 0.05 from every tie and bound the models below have.
auto away_from_kinks() {
  auto p = GENERATE(take(25, chunk(2, random(-2.0, 2.0))));
  for (double& v : p) {
    for (double kink : {-1.0, 0.0, 1.0}) {
      if (std::abs(v - kink) < 0.05) v = kink + 0.05;
    }
  }
  if (std::abs(p[0] - p[1]) < 0.05) p[1] = p[0] + 0.1;
  if (std::abs(p[0] * p[1] - 1) < 0.05) p[1] += 0.2;
  return p;
}

TEST_CASE("where, min, max and clamp match central differences away from their kinks") {
  const auto p = away_from_kinks();
  const auto point = at(x = p[0], y = p[1], a = p[0], b = p[1]);
  require_first_derivatives(leaky_relu * y, wrt(x, y), point);
  require_first_derivatives(huber, wrt(x), point);
  require_first_derivatives(hinge, wrt(x, y), point);
  require_first_derivatives(where(x > 0 && y > 0, x * y, where(x < y || !(x > -0.5), sin(x), y)), wrt(x, y), point);
  require_first_derivatives(min(a, b) * max(a, 2.0) + clamp(a * b, -0.5, 0.5), wrt(a, b), point);
  require_first_derivatives(clamp(x, y, y + 1), wrt(x, y), point);
  require_second_derivatives(where(x > y, exp(x * y), x * x * y) + min(x, y) * max(x, y), wrt(x, y), point);
}

TEST_CASE("a condition picks the branch in value and derivative") {
  CHECK(eval(leaky_relu, at(x = 2.0)) == 2.0);
  CHECK(eval(leaky_relu, at(x = -2.0)) == close_to(-0.2, 1e-15));
  CHECK(eval(gradient(leaky_relu, wrt(x)), at(x = -2.0))[0] == close_to(0.1, 1e-15));
  CHECK(eval(huber, at(x = 3.0)) == 2.5);                         // |x| - 1/2
  CHECK(eval(gradient(huber, wrt(x)), at(x = -3.0))[0] == -1.0);  // sign(x)
  CHECK(eval(gradient(huber, wrt(x)), at(x = 0.5))[0] == 0.5);    // x
  CHECK(eval(hinge, at(x = 2.0, y = 1.0)) == 0.0);
  CHECK(eval(gradient(hinge, wrt(x, y)), at(x = 0.25, y = -1.0)) == std::array{1.0, -0.25});
  // The branch not taken is computed but passes nothing back: its adjoint is 0.
  CHECK(eval(gradient(where(x > 0, log(x), x), wrt(x)), at(x = -1.0))[0] == 1.0);
}

TEST_CASE("at a tie min and max share the derivative evenly; clamp passes it at its bounds (as PyTorch)") {
  const auto at_tie = at(a = 1.5, b = 1.5);
  CHECK(eval(gradient(min(a, b), wrt(a, b)), at_tie) == std::array{0.5, 0.5});
  CHECK(eval(gradient(max(a, b), wrt(a, b)), at_tie) == std::array{0.5, 0.5});
  CHECK(eval(d(min(a, b), a), at_tie) == 0.5);
  CHECK(eval(gradient(min(a, b), wrt(a, b)), at(a = 1.0, b = 2.0)) == std::array{1.0, 0.0});
  CHECK(eval(gradient(max(a, b), wrt(a, b)), at(a = 1.0, b = 2.0)) == std::array{0.0, 1.0});
  for (double bound : {-1.0, 1.0}) CHECK(eval(gradient(clamp(x, -1, 1), wrt(x)), at(x = bound))[0] == 1.0);
  CHECK(eval(gradient(clamp(x, -1, 1), wrt(x)), at(x = 1.5))[0] == 0.0);
  CHECK(eval(clamp(x, -1, 1), at(x = -4.0)) == -1.0);
}

TEMPLATE_TEST_CASE("conditions evaluate in the number type of the bindings", "", float, double, long double) {
  using T = TestType;
  const auto model = huber * min(y, 2) + where(x * y >= 0.5, y, x);
  for (const auto& [vx, vy] : {std::pair{0.3, 1.7}, std::pair{-2.5, 3.0}, std::pair{1.25, -0.75}}) {
    const auto point = at(x = T(vx), y = T(vy));
    const auto g = eval(gradient(model, wrt(x, y)), point);
    static_assert(std::is_same_v<decltype(eval(model, point)), T>);
    // The same model in double, rounded to T: within a few of T's ulps.
    const auto in_double = eval(gradient(model, wrt(x, y)), at(x = double(T(vx)), y = double(T(vy))));
    const double tolerance = 8 * std::numeric_limits<T>::epsilon();
    CHECK(double(g[0]) == close_to(in_double[0], tolerance, tolerance));
    CHECK(double(g[1]) == close_to(in_double[1], tolerance, tolerance));
  }
}

TEST_CASE("conditions print as written, and their derivatives as wheres of the branches'") {
  CHECK(to_string(leaky_relu) == "where(x > 0, x, 0.1*x)");
  CHECK(to_string(d(leaky_relu, x)) == "where(x > 0, 1, 0.1)");
  CHECK(to_string(d(huber, x)) == "where(abs(x) <= 1, x, sign(x))");
  CHECK(to_string(where((x > 0 || y < 1) && !(a >= b), x, y)) == "where((x > 0 || y < 1) && !(a >= b), x, y)");
  CHECK(to_string(min(a, b) + max(a, 2)) == "min(a, b) + max(a, 2)");
  CHECK(to_string(d(min(a, b), a)) == "where(a < b, 1, where(a == b, 1/2, 0))");
  CHECK(to_string(clamp(x, -1, 1)) == "where(x < -1, -1, where(x > 1, 1, x))");
  CHECK(to_latex(leaky_relu) == "\\begin{cases} x & \\text{if } x > 0 \\\\ 0.1 x & \\text{otherwise} \\end{cases}");
  CHECK(to_latex(where(x <= y, x, y)) == to_latex(where(x <= y, x, y)));
  CHECK(to_latex(where(x <= 1 && y >= 2, x, y)).find("x \\leq 1 \\land y \\geq 2") != std::string::npos);
  CHECK(to_dot(leaky_relu).find("label=\"where\"") != std::string::npos);
}

// The types show what simplification kept.
TEST_CASE("a condition known at compile time folds, equal branches fold, shared branches are computed once") {
  STATIC_REQUIRE(std::is_same_v<decltype(where(int_c<2> > int_c<1>, x, y)), symbol<"x">>);
  STATIC_REQUIRE(std::is_same_v<decltype(where(int_c<2> < int_c<1>, x, y)), symbol<"y">>);
  STATIC_REQUIRE(std::is_same_v<decltype(where(x > y, exp(x), exp(x))), std::remove_const_t<decltype(exp(x))>>);
  // d of a where whose branches do not hold the symbol is the compile-time 0.
  STATIC_REQUIRE(is_zero_v<decltype(d(where(x > 0, y, 2 * y), x))>);
  // exp(x) in both the condition and a branch is one entry of the schedule.
  const auto shared = where(exp(x) > 2, exp(x), x);
  STATIC_REQUIRE(schedule<std::remove_const_t<decltype(shared)>>::size ==
                 5);                                               // x, exp(x), 2, the comparison, the where
  STATIC_REQUIRE(eval(where(x > 0, x, -x), at(x = -3.0)) == 3.0);  // in a constant expression
  STATIC_REQUIRE(eval(clamp(x, 0, 1) + min(x, 0.25) + max(x, 0), at(x = 0.5)) == 1.25);
}

}  // namespace
