// The tests' own finite-difference check (derivative_checks.hpp) can fail:
// a derivative rule that is wrong in one partial is caught there, and only
// there. And the library's check_gradient computes the same differences.
#include <array>
#include <cmath>

#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

// x^2 with a deliberately wrong rule, d/dx x^2 = x (the factor 2 forgotten),
// and the same function with the right one.
struct wrong_square_op {
  static auto apply(auto value) { return value * value; }
  static constexpr auto derivative(const auto& argument, const auto&) { return argument; }
};
struct square_op {
  static auto apply(auto value) { return value * value; }
  static constexpr auto derivative(const auto& argument, const auto&) { return int_c<2> * argument; }
};

TEST_CASE("a wrong derivative rule is caught by the central differences, in the partial it gets wrong") {
  const auto point = at(x = 1.5, y = -0.75);
  // sin(y) + x^2: the wrong rule gives d/dx = 1.5, the differences 3.
  const auto wrong = ctdiff_test::first_derivative_check(sin(y) + make_call<wrong_square_op>(x), wrt(x, y), point);
  INFO(wrong);
  CHECK_FALSE(wrong.within(1e-6));
  CHECK(wrong.derivative[0] == 1.5);
  CHECK(wrong.central_difference[0] == close_to(3, 1e-9));
  CHECK(wrong.error[0] == close_to(1, 1e-9));  // |1.5 - 3| / max(1, 1.5)
  CHECK(wrong.error[1] <= 1e-9);

  const auto right = ctdiff_test::first_derivative_check(sin(y) + make_call<square_op>(x), wrt(x, y), point);
  INFO(right);
  CHECK(right.within(1e-9));
}

TEST_CASE("a gradient off in one component, or not finite, fails the comparison") {
  // f(p) = p0^2 p1, gradient (2 p0 p1, p0^2) at (2, 3): (12, 4).
  const auto f = [](const std::array<double, 2>& p) { return p[0] * p[0] * p[1]; };
  const std::array<double, 2> point{2, 3};
  const auto right = ctdiff_test::compare_with_central_differences(
      f,
      [](const std::array<double, 2>& p) {
        return std::array<double, 2>{2 * p[0] * p[1], p[0] * p[0]};
      },
      point);
  INFO(right);
  CHECK(right.within(1e-9));
  const auto off = ctdiff_test::compare_with_central_differences(
      f,
      [](const std::array<double, 2>& p) {
        return std::array<double, 2>{2 * p[0] * p[1], p[0] * p[0] + 1e-4};
      },
      point);
  CHECK_FALSE(off.within(1e-6));
  CHECK(off.error[0] <= 1e-9);
  CHECK(off.error[1] == close_to(1e-4 / (4 + 1e-4), 1e-4));
  const auto not_finite = ctdiff_test::compare_with_central_differences(
      f,
      [](const std::array<double, 2>& p) {
        return std::array<double, 2>{2 * p[0] * p[1], std::nan("")};
      },
      point);
  CHECK_FALSE(not_finite.within(1e-6));
}

TEST_CASE("the library's check_gradient takes the central differences the tests take") {
  const auto point = at(x = 0.3, y = 2.5);
  const auto e = atan(x * y) + exp(x) / (1 + y * y);
  const auto library = check_gradient(e, wrt(x, y), point);
  const auto own = ctdiff_test::first_derivative_check(e, wrt(x, y), point);
  for (std::size_t i = 0; i != 2; ++i) {
    CHECK(library.symbolic[i] == own.derivative[i]);
    CHECK(library.finite_difference[i] == close_to(own.central_difference[i], 1e-12, 1e-12));  // the same step
  }
  CHECK(library.max_relative_error <= 1e-9);
  // The wrong rule's d/dx at x = 0.3 is 0.3, not 0.6: an error of 0.3 / max(1, 0.3).
  CHECK(check_gradient(sin(y) + make_call<wrong_square_op>(x), wrt(x, y), point).max_relative_error ==
        close_to(0.3, 1e-9));
}

}  // namespace
