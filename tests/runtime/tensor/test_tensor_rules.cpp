// Every tensor rule against central finite differences, element by element,
// at random points. A rule is tested inside a 1x1 loss: contracting its
// result with a random tensor C reaches every element of its adjoint.
#include <ctdiff/ctdiff.hpp>

#include "tensor_checks.hpp"

using namespace ctdiff;
using tensor_checks::random_points;
using tensor_checks::require_gradient_matches_finite_differences;

namespace {
constexpr auto W = matrix<"W", 3, 4>;
constexpr auto A = matrix<"A", 2, 3>;
constexpr auto B = matrix<"B", 3, 4>;
constexpr auto Z = matrix<"Z", 4, 3>;
constexpr auto C = matrix<"C", 2, 4>;
constexpr auto x = ctdiff::vector<"x", 4>;
constexpr auto a = ctdiff::vector<"a", 3>;
constexpr auto b = ctdiff::vector<"b", 3>;
constexpr auto c = ctdiff::vector<"c", 3>;
}  // namespace

TEST_CASE("matrix-vector product: dW = delta x^T, dx = W^T delta") {
  constexpr auto w = wrt(W, x, c);
  auto flat = GENERATE_COPY(random_points(flat_size(w)));
  require_gradient_matches_finite_differences(dot(c, W * x), w, flat);
}

TEST_CASE("matrix-matrix product") {
  constexpr auto w = wrt(A, B, C);
  auto flat = GENERATE_COPY(random_points(flat_size(w)));
  require_gradient_matches_finite_differences(dot(C, A * B), w, flat);
}

TEST_CASE("sum, difference and Hadamard product of equal shapes") {
  constexpr auto w = wrt(a, b, c);
  auto flat = GENERATE_COPY(random_points(flat_size(w)));
  require_gradient_matches_finite_differences(dot(c, a + b), w, flat);
  require_gradient_matches_finite_differences(dot(c, a - b), w, flat);
  require_gradient_matches_finite_differences(dot(c, hadamard(a, b)), w, flat);
  require_gradient_matches_finite_differences(dot(c, -a), w, flat);
  require_gradient_matches_finite_differences(dot(c, 2.5 * a) + dot(c, b / 4), w, flat);
}

TEST_CASE("elementwise functions: sigmoid, tanh, relu, exp, square") {
  constexpr auto w = wrt(a, c);
  auto flat = GENERATE_COPY(random_points(flat_size(w), -2.0, 2.0));
  require_gradient_matches_finite_differences(dot(c, sigmoid(a)), w, flat);
  require_gradient_matches_finite_differences(dot(c, tanh(a)), w, flat);
  require_gradient_matches_finite_differences(dot(c, relu(a)), w, flat);
  require_gradient_matches_finite_differences(dot(c, exp(a)), w, flat);
  require_gradient_matches_finite_differences(dot(c, square(a)), w, flat);
}

TEST_CASE("log, on positive values") {
  constexpr auto w = wrt(a, c);
  auto flat = GENERATE_COPY(random_points(flat_size(w), 0.2, 3.0));
  require_gradient_matches_finite_differences(dot(c, log(a)), w, flat);
}

TEST_CASE("transpose, broadcast, sum and mean") {
  constexpr auto w = wrt(A, b, Z);
  auto flat = GENERATE_COPY(random_points(flat_size(w)));
  constexpr auto D = matrix<"D", 3, 2>;
  constexpr auto with_D = wrt(A, D);
  auto flat_D = GENERATE_COPY(random_points(flat_size(with_D)));
  require_gradient_matches_finite_differences(dot(D, transpose(A)), with_D, flat_D);
  require_gradient_matches_finite_differences(dot(transpose(Z), sigmoid(broadcast<4>(b))) + sum(A) * 0.5, w, flat);
  require_gradient_matches_finite_differences(mean(hadamard(Z, Z)) + mean(tanh(A)), w, flat);
}

TEST_CASE("softmax and log-sum-exp, column by column") {
  constexpr auto E = matrix<"E", 1, 3>;
  constexpr auto w = wrt(Z, B, E);
  auto flat = GENERATE_COPY(random_points(flat_size(w), -3.0, 3.0));
  require_gradient_matches_finite_differences(dot(transpose(B), softmax(Z)), w, flat);
  require_gradient_matches_finite_differences(dot(E, log_sum_exp(Z)), w, flat);
}

TEST_CASE("cross-entropy of softmax and mean squared error") {
  constexpr auto Y = matrix<"Y", 4, 3>;
  constexpr auto w = wrt(Z, Y);
  auto flat = GENERATE_COPY(random_points(flat_size(w), -3.0, 3.0));
  require_gradient_matches_finite_differences(cross_entropy(Z, Y), w, flat);
  require_gradient_matches_finite_differences(mean_squared_error(sigmoid(Z), Y), w, flat);
}

TEST_CASE("the seed's two-layer network on a batch: E(f(W2 f(W1 X + B1) + B2), Y)") {
  constexpr auto X = matrix<"X", 2, 4>;
  constexpr auto Y = matrix<"Y", 1, 4>;
  constexpr auto W1 = matrix<"W1", 3, 2>;
  constexpr auto b1 = ctdiff::vector<"b1", 3>;
  constexpr auto W2 = matrix<"W2", 1, 3>;
  constexpr auto b2 = ctdiff::vector<"b2", 1>;
  constexpr auto y_hat = sigmoid(W2 * tanh(W1 * X + broadcast<4>(b1)) + broadcast<4>(b2));
  constexpr auto w = wrt(W1, b1, W2, b2, X, Y);
  auto flat = GENERATE_COPY(random_points(flat_size(w), -2.0, 2.0));
  require_gradient_matches_finite_differences(mean_squared_error(y_hat, Y), w, flat);
}
