// Numbers and scalar symbols inside tensor expressions: each operation's
// gradient against central differences (a scalar symbol as a parameter of
// wrt(...) too), the value with a scalar symbol bound to a number against
// hand-computed values, and printing.
#include <array>
#include <ctdiff/ctdiff.hpp>
#include <string>

#include "close_to.hpp"
#include "tensor_checks.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;
using tensor_checks::random_points;
using tensor_checks::require_gradient_matches_finite_differences;

namespace {
constexpr auto W = matrix<"W", 2, 3>;
constexpr auto a = ctdiff::vector<"a", 3>;
constexpr auto c = ctdiff::vector<"c", 3>;
constexpr auto lambda = var<"lambda">;
}  // namespace

TEST_CASE("a number on either side of +, -, * and / of a tensor") {
  constexpr auto w = wrt(a, c);
  auto flat = GENERATE_COPY(random_points(flat_size(w), 0.5, 2.0));  // away from 0: a divides
  require_gradient_matches_finite_differences(dot(c, 1.0 - a), w, flat);
  require_gradient_matches_finite_differences(dot(c, a - 1.5), w, flat);
  require_gradient_matches_finite_differences(dot(c, a + 1), w, flat);
  require_gradient_matches_finite_differences(dot(c, 2 + a), w, flat);
  require_gradient_matches_finite_differences(dot(c, 2.5 * a), w, flat);
  require_gradient_matches_finite_differences(dot(c, a * -3), w, flat);
  require_gradient_matches_finite_differences(dot(c, a / 4), w, flat);
  require_gradient_matches_finite_differences(dot(c, 3.0 / a), w, flat);
}

TEST_CASE("a scalar symbol as a parameter: lambda * sum(square(W)), lambda + a, a / lambda") {
  constexpr auto w = wrt(W, a, lambda);
  REQUIRE(flat_size(w) == 10);
  auto flat = GENERATE_COPY(random_points(flat_size(w), 0.5, 2.0));
  require_gradient_matches_finite_differences(lambda * sum(square(W)), w, flat);
  require_gradient_matches_finite_differences(sum(W * (lambda - a)) + sum(a / lambda), w, flat);
  require_gradient_matches_finite_differences(sum(square(lambda * a)) + sum(W * lambda), w, flat);
}

TEST_CASE("a 1x1 tensor scales or shifts every element of another") {
  constexpr auto w = wrt(W, a, c);
  auto flat = GENERATE_COPY(random_points(flat_size(w), 0.5, 2.0));
  require_gradient_matches_finite_differences(sum(sum(a) * W) + dot(c, sum(W) + a), w, flat);
  require_gradient_matches_finite_differences(sum(W * sum(c)) + dot(c, a - sum(W)) + sum(a / sum(c)), w, flat);
}

TEST_CASE("a scalar symbol bound to a number: the value and the gradient by hand") {
  // W = [1 2 3; 4 5 6], a = (0.1, 0.2, 0.3), lambda = 0.1:
  // sum(square(W)) = 91, W a = (1.4, 3.2), 1 - W a / 2 = (0.3, -0.6).
  constexpr auto loss = lambda * sum(square(W)) + sum(square(1.0 - W * a / 2));
  const std::array<double, 6> weights{1, 2, 3, 4, 5, 6};
  const std::array<double, 3> values{0.1, 0.2, 0.3};
  const auto b = at(W = weights, a = values, lambda = 0.1);
  REQUIRE(eval(loss, b) == close_to(9.1 + 0.09 + 0.36, 1e-14));
  const auto g = eval(gradient(loss, wrt(lambda, W)), b);
  REQUIRE(g[lambda] == close_to(91, 1e-14));
  // d/dW(0, 0) = 2 lambda W(0, 0) + 2 (0.3) (-1/2) a(0) = 0.2 - 0.03.
  REQUIRE(g[W](0, 0) == close_to(0.17, 1e-14));
  // A number bound to lambda in float: converted to the tensors' type.
  const std::array<float, 6> float_weights{1, 2, 3, 4, 5, 6};
  const std::array<float, 3> float_values{0.1f, 0.2f, 0.3f};
  const float value = eval(loss, at(lambda = 0.1, W = float_weights, a = float_values));
  REQUIRE(value == close_to(9.55, 1e-6));
}

TEST_CASE("numbers and scalar symbols print where they stand") {
  REQUIRE(to_string(1.0 - a) == "1 - a");
  REQUIRE(to_string(a + 1) == "a + 1");
  REQUIRE(to_string(2.5 * W) == "2.5*W");
  REQUIRE(to_string(W / 2) == "W/2");
  REQUIRE(to_string(3.0 / (a + c)) == "3/(a + c)");
  REQUIRE(to_string(2 - (a - c)) == "2 - (a - c)");
  REQUIRE(to_string(lambda * sum(square(W))) == "lambda*sum(square(W))");
  REQUIRE(to_string(W * (lambda - a)) == "W*(lambda - a)");
  REQUIRE(to_string(sum(a) * W + W / lambda) == "sum(a)*W + W/lambda");
  REQUIRE(to_string(hadamard(a, c)) == "hadamard(a, c)");
  // A sign stands in front of a term, never after + or - (a + -2).
  REQUIRE(to_string(a + -2.0) == "a - 2");
  REQUIRE(to_string(a - -2.0) == "a + 2");
  REQUIRE(to_string(-2.0 - a) == "-2 - a");
  REQUIRE(to_string(a + -c) == "a - c");
  REQUIRE(to_string(a - -c) == "a + c");
  REQUIRE(to_string(a - -2.0 * c) == "a + 2*c");
  REQUIRE(to_string(a * -2.0) == "a*(-2)");
}
