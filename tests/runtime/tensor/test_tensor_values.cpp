// Tensor values and the closed forms of their gradients: row-major layout,
// softmax, the stable cross-entropy and its gradient p - y, and the shape of
// a gradient.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <span>
#include <vector>

#include "close_to.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

namespace {
constexpr auto W = matrix<"W", 2, 3>;
constexpr auto x = ctdiff::vector<"x", 3>;
constexpr auto z = ctdiff::vector<"z", 3>;
constexpr auto y = ctdiff::vector<"y", 3>;
}  // namespace

TEST_CASE("storage is row-major: W(i, j) is element i*cols + j") {
  const std::array<double, 6> w{1, 2, 3, 4, 5, 6};
  const std::array<double, 3> xs{1, 10, 100};
  const auto product = eval(W * x, at(W = w, x = xs));
  REQUIRE(product == std::array<double, 2>{321, 654});
  const auto transposed = eval(transpose(W), at(W = w));
  REQUIRE(transposed == std::array<double, 6>{1, 4, 2, 5, 3, 6});
}

TEST_CASE("std::array, std::span and std::vector bind alike") {
  const std::array<double, 6> w{1, 2, 3, 4, 5, 6};
  const std::vector<double> xs{1, 10, 100};
  const auto from_vector = eval(sum(W * x), at(W = w, x = xs));
  const auto from_span = eval(sum(W * x), at(W = std::span(w), x = std::span(xs)));
  const auto from_fixed_span = eval(sum(W * x), at(W = std::span<const double, 6>(w), x = std::span(xs)));
  REQUIRE(from_vector == 975.0);
  REQUIRE(from_span == 975.0);
  REQUIRE(from_fixed_span == 975.0);
}

TEST_CASE("storage of the wrong size is refused where it is bound") {
  const std::vector<double> too_short{1, 2};
  REQUIRE_THROWS_AS(x = too_short, std::length_error);
  REQUIRE_THROWS_WITH(x = std::span(too_short), Catch::Contains("'x'") && Catch::Contains("has 2"));
}

TEST_CASE("the gradient with respect to a matrix has its shape: dW = delta x^T") {
  const std::array<double, 6> w{0.5, -1, 2, 0, 1, -0.5};
  const std::array<double, 3> xs{1, 2, 3};
  const std::array<double, 2> c{3, -2};
  constexpr auto weights = ctdiff::vector<"c", 2>;
  const auto g = eval(gradient(dot(weights, W * x), wrt(W, x)), at(W = w, x = xs, weights = c));
  for (std::size_t i = 0; i != 2; ++i)
    for (std::size_t j = 0; j != 3; ++j) REQUIRE(g[W](i, j) == c[i] * xs[j]);
  for (std::size_t j = 0; j != 3; ++j) REQUIRE(g[x][j] == w[j] * c[0] + w[3 + j] * c[1]);
  REQUIRE(g.flat.size() == 9);
}

TEST_CASE("softmax sums to one and cross-entropy is stable for large logits") {
  const std::array<double, 3> logits{1000, 1001, 999};
  const std::array<double, 3> one_hot{0, 1, 0};
  const auto p = eval(softmax(z), at(z = logits));
  // softmax is exp(z - lse(z)), and lse(z) = 1001.4076... is rounded to half an ulp
  // of 1001, 1.1e-13: each p and their sum carry that much relative error, the
  // loss lse(z) - z as much absolute error.
  REQUIRE(p[0] + p[1] + p[2] == close_to(1.0, 3e-13));
  REQUIRE(p[1] == close_to(std::exp(1.0) / (1 + std::exp(1.0) + std::exp(-1.0)), 3e-13));
  const double loss = eval(cross_entropy(z, y), at(z = logits, y = one_hot));
  REQUIRE(std::isfinite(loss));
  REQUIRE(loss == close_to(-std::log(p[1]), 1e-14, 3e-13));
  // d/dz of -log softmax(z)[label] is p - onehot, its p computed apart from the one above, with
  // its own rounding of lse(z).
  const auto g = eval(gradient(cross_entropy(z, y), wrt(z)), at(z = logits, y = one_hot));
  for (std::size_t i = 0; i != 3; ++i) REQUIRE(g[z][i] == close_to(p[i] - one_hot[i], 0, 3e-13));
}

TEST_CASE("cross-entropy over a batch is the mean over its columns") {
  constexpr auto Z = matrix<"Z", 2, 2>;
  constexpr auto Y = matrix<"Y", 2, 2>;
  const std::array<double, 4> logits{0, 2, 1, 0};  // columns (0, 1) and (2, 0)
  const std::array<double, 4> labels{1, 0, 0, 1};  // classes 0 and 1
  const double first = std::log(1 + std::exp(1.0));
  const double second = std::log(std::exp(2.0) + 1);
  REQUIRE(eval(cross_entropy(Z, Y), at(Z = logits, Y = labels)) == close_to((first + second) / 2, 1e-14));
  // dL/dY = -log softmax(Z) / cols: read from what the forward pass keeps of each column, not from column 0's.
  const auto g = eval(gradient(cross_entropy(Z, Y), wrt(Z, Y)), at(Z = logits, Y = labels));
  const std::array<double, 4> expected{first - 0, second - 2, first - 1, second - 0};
  for (std::size_t i = 0; i != 4; ++i) REQUIRE(g[Y][i] == close_to(expected[i] / 2, 1e-14, 2e-15));
}

TEST_CASE("mean squared error and sigmoid' = s(1 - s)") {
  const std::array<double, 3> values{0.5, -1, 2};
  const std::array<double, 3> targets{1, 0, 1};
  double expected = 0;
  for (std::size_t i = 0; i != 3; ++i) expected += (values[i] - targets[i]) * (values[i] - targets[i]) / 3;
  REQUIRE(eval(mean_squared_error(z, y), at(z = values, y = targets)) == close_to(expected, 1e-14));
  const auto g = eval(gradient(sum(sigmoid(z)), wrt(z)), at(z = values));
  for (std::size_t i = 0; i != 3; ++i) {
    const double s = 1 / (1 + std::exp(-values[i]));
    REQUIRE(g[z][i] == close_to(s * (1 - s), 1e-14));
  }
}

TEST_CASE("float tensors evaluate in float") {
  const std::array<float, 3> values{0.5f, -1.0f, 2.0f};
  const auto total = eval(sum(2.0 * z), at(z = values));
  STATIC_REQUIRE(std::is_same_v<decltype(total), const float>);
  REQUIRE(total == 3.0f);
}

TEST_CASE("a workspace is reused across evaluations with the same results") {
  constexpr auto loss = cross_entropy(W * x, ctdiff::vector<"y", 2>);
  constexpr auto target = ctdiff::vector<"y", 2>;
  workspace<double, decltype(loss)> state;
  std::array<double, 6> w{0.1, 0.2, 0.3, -0.4, 0.5, -0.6};
  const std::array<double, 3> xs{1, 2, 3};
  const std::array<double, 2> label{0, 1};
  const auto b = at(W = w, x = xs, target = label);
  const auto first = eval(gradient(loss, wrt(W)), b, state);
  const auto second = eval(gradient(loss, wrt(W)), b, state);
  REQUIRE(first.flat == second.flat);
  std::array<double, 6> accumulated{};
  const double value = add_gradient(gradient(loss, wrt(W)), b, state, std::span<double>(accumulated));
  add_gradient(gradient(loss, wrt(W)), b, state, std::span<double>(accumulated));
  REQUIRE(value == first.value);
  for (std::size_t k = 0; k != 6; ++k) REQUIRE(accumulated[k] == 2 * first.flat[k]);
}

TEST_CASE("to_string prints a tensor expression with the fewest parentheses") {
  constexpr auto W1 = matrix<"W1", 4, 3>;
  constexpr auto b1 = ctdiff::vector<"b1", 4>;
  constexpr auto W2 = matrix<"W2", 2, 4>;
  constexpr auto b2 = ctdiff::vector<"b2", 2>;
  REQUIRE(to_string(W2 * sigmoid(W1 * x + b1) + b2) == "W2*sigmoid(W1*x + b1) + b2");
  REQUIRE(to_string(z - (y - z)) == "z - (y - z)");
  REQUIRE(to_string(-(z + y)) == "-(z + y)");
  REQUIRE(to_string(transpose(W) * (W * x)) == "transpose(W)*(W*x)");
  REQUIRE(to_string(broadcast<5>(b1)) == "broadcast<5>(b1)");
  REQUIRE(to_string(0.5 * sum(square(z - y))) == "0.5*sum(square(z - y))");
  REQUIRE(to_string(mean_squared_error(z, y)) == "mean(square(z - y))");
  REQUIRE(to_string(cross_entropy(W * x, b2)) == "cross_entropy(W*x, b2)");
  REQUIRE(to_string(dot(softmax(z), relu(tanh(exp(log(y)))))) == "sum(hadamard(softmax(z), relu(tanh(exp(log(y))))))");
}
