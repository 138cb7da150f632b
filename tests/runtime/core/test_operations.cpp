// Every operation and rule against central finite differences at random points.
#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
using ctdiff_test::require_first_derivatives;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

// Random points in [-2, 2]^2; positive ones shift away from 0 for sqrt, log and real powers.
auto random_point() { return GENERATE(take(25, chunk(2, random(-2.0, 2.0)))); }

TEST_CASE("arithmetic operators match finite differences") {
  auto p = random_point();
  auto b = at(x = p[0], y = p[1] + (p[1] < 0 ? -0.5 : 0.5));  // y away from 0: it divides
  require_first_derivatives(x + y, wrt(x, y), b);
  require_first_derivatives(x - y, wrt(x, y), b);
  require_first_derivatives(x * y, wrt(x, y), b);
  require_first_derivatives(x / y, wrt(x, y), b);
  require_first_derivatives(-x * y, wrt(x, y), b);
  require_first_derivatives(x * x * y - x / (y * y), wrt(x, y), b);
}

TEST_CASE("numbers on either side of an operator match finite differences") {
  auto p = random_point();
  auto b = at(x = p[0] + (p[0] < 0 ? -0.5 : 0.5), y = p[1]);
  require_first_derivatives(2.5 * x + 1, wrt(x), b);
  require_first_derivatives(x * 3 - 0.25, wrt(x), b);
  require_first_derivatives(1 / x + y / 4.0, wrt(x, y), b);
  require_first_derivatives(3 - x * y, wrt(x, y), b);
  require_first_derivatives(0.5f * x + 2L, wrt(x), b);
}

TEST_CASE("integer powers of every sign match finite differences") {
  auto p = random_point();
  auto b = at(x = p[0] + (p[0] < 0 ? -0.5 : 0.5));
  require_first_derivatives(pow<0>(x), wrt(x), b);
  require_first_derivatives(pow<1>(x), wrt(x), b);
  require_first_derivatives(pow<2>(x), wrt(x), b);
  require_first_derivatives(pow<3>(x), wrt(x), b);
  require_first_derivatives(pow<7>(x), wrt(x), b);
  require_first_derivatives(pow<-1>(x), wrt(x), b);
  require_first_derivatives(pow<-3>(x), wrt(x), b);
}

TEST_CASE("real powers match finite differences") {
  auto p = random_point();
  auto b = at(x = 0.2 + std::abs(p[0]), y = p[1]);
  require_first_derivatives(pow(x, y), wrt(x, y), b);
  require_first_derivatives(pow(x, 2.5), wrt(x), b);
  require_first_derivatives(pow(2.0, y), wrt(y), b);
  require_first_derivatives(pow(x * x + 1, y * x), wrt(x, y), b);
}

TEST_CASE("elementary functions match finite differences") {
  auto p = random_point();
  double away_from_zero = p[0] + (p[0] < 0 ? -0.1 : 0.1);  // relu and abs have a kink at 0
  auto b = at(x = away_from_zero, y = 0.1 + std::abs(p[1]));
  require_first_derivatives(sqrt(y), wrt(y), b);
  require_first_derivatives(exp(x), wrt(x), b);
  require_first_derivatives(log(y), wrt(y), b);
  require_first_derivatives(sin(x), wrt(x), b);
  require_first_derivatives(cos(x), wrt(x), b);
  require_first_derivatives(tanh(x), wrt(x), b);
  require_first_derivatives(sigmoid(x), wrt(x), b);
  require_first_derivatives(relu(x), wrt(x), b);
  require_first_derivatives(abs(x), wrt(x), b);
  require_first_derivatives(sin(x * y) + exp(-y) * log(y + x * x), wrt(x, y), b);
}

TEST_CASE("relu and abs have derivative 0 at 0, as PyTorch") {
  auto b = at(x = 0.0);
  CHECK(eval(d(relu(x), x), b) == 0.0);
  CHECK(eval(d(abs(x), x), b) == 0.0);
  CHECK(eval(gradient(relu(x) + abs(x), wrt(x)), b)[0] == 0.0);
  CHECK(eval(d(relu(x), x), at(x = 1e-300)) == 1.0);
  CHECK(eval(d(abs(x), x), at(x = -1e-300)) == -1.0);
}

TEST_CASE("sigmoid is 1/(1+exp(-z)) and its derivative is sigmoid*(1-sigmoid)") {
  double z = GENERATE(take(10, random(-6.0, 6.0)));
  double s = 1 / (1 + std::exp(-z));
  CHECK(eval(sigmoid(x), at(x = z)) == close_to(s, 1e-15));
  CHECK(eval(d(sigmoid(x), x), at(x = z)) == close_to(s * (1 - s), 1e-14));
}

TEST_CASE("the derivative of a symbol with respect to another symbol is 0") {
  CHECK(eval(d(y, x), at(y = 3.0)) == 0.0);
  CHECK(to_string(d(y * y, x)) == "0");
}

}  // namespace
