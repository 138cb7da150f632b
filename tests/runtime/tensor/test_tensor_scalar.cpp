// The tensor gradient against the scalar differentiator: the same small
// models written once with matrix and vector symbols and once with one
// scalar symbol per weight give the same loss and the same partials.
#include <array>
#include <catch2/catch.hpp>
#include <ctdiff/ctdiff.hpp>

#include "close_to.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

TEST_CASE("a 2-2-1 sigmoid network with squared error: tensor and scalar gradients agree") {
  auto point = GENERATE(take(5, chunk(12, random(-2.0, 2.0))));
  // Weights, flat in wrt order: W1 (2x2, row-major), b1, W2 (1x2), b2; then x, y.
  constexpr auto W1 = matrix<"W1", 2, 2>;
  constexpr auto b1 = ctdiff::vector<"b1", 2>;
  constexpr auto W2 = matrix<"W2", 1, 2>;
  constexpr auto b2 = ctdiff::vector<"b2", 1>;
  constexpr auto x = ctdiff::vector<"x", 2>;
  constexpr auto y = ctdiff::vector<"y", 1>;
  constexpr auto tensor_loss = mean_squared_error(sigmoid(W2 * sigmoid(W1 * x + b1) + b2), y);
  const std::span<const double> flat(point);
  const auto g = eval(gradient(tensor_loss, wrt(W1, b1, W2, b2)),
                      at(W1 = flat.subspan<0, 4>(), b1 = flat.subspan<4, 2>(), W2 = flat.subspan<6, 2>(),
                         b2 = flat.subspan<8, 1>(), x = flat.subspan<9, 2>(), y = flat.subspan<11, 1>()));

  constexpr auto w11 = var<"w11">;
  constexpr auto w12 = var<"w12">;
  constexpr auto w21 = var<"w21">;
  constexpr auto w22 = var<"w22">;
  constexpr auto c1 = var<"c1">;
  constexpr auto c2 = var<"c2">;
  constexpr auto v1 = var<"v1">;
  constexpr auto v2 = var<"v2">;
  constexpr auto c = var<"c">;
  constexpr auto x1 = var<"x1">;
  constexpr auto x2 = var<"x2">;
  constexpr auto t = var<"t">;
  constexpr auto h1 = sigmoid(w11 * x1 + w12 * x2 + c1);
  constexpr auto h2 = sigmoid(w21 * x1 + w22 * x2 + c2);
  constexpr auto scalar_loss = pow<2>(sigmoid(v1 * h1 + v2 * h2 + c) - t);
  const auto b = at(w11 = point[0], w12 = point[1], w21 = point[2], w22 = point[3], c1 = point[4], c2 = point[5],
                    v1 = point[6], v2 = point[7], c = point[8], x1 = point[9], x2 = point[10], t = point[11]);
  const auto expected = eval(gradient(scalar_loss, wrt(w11, w12, w21, w22, c1, c2, v1, v2, c)), b);

  REQUIRE(g.value == close_to(eval(scalar_loss, b), 1e-12));
  for (std::size_t k = 0; k != expected.size(); ++k) {
    INFO("parameter " << k);
    REQUIRE(g.flat[k] == close_to(expected[k], 1e-12, 1e-15));
  }
}

TEST_CASE("softmax cross-entropy over 3 classes: tensor and scalar gradients agree") {
  auto point = GENERATE(take(5, chunk(11, random(-2.0, 2.0))));
  const auto label = GENERATE(0, 1, 2);
  constexpr auto W = matrix<"W", 3, 2>;
  constexpr auto b = ctdiff::vector<"b", 3>;
  constexpr auto x = ctdiff::vector<"x", 2>;
  constexpr auto y = ctdiff::vector<"y", 3>;
  std::array<double, 3> one_hot{};
  one_hot[static_cast<std::size_t>(label)] = 1;
  const std::span<const double> flat(point);
  const auto g = eval(gradient(cross_entropy(W * x + b, y), wrt(W, b, x)),
                      at(W = flat.subspan<0, 6>(), b = flat.subspan<6, 3>(), x = flat.subspan<9, 2>(), y = one_hot));

  constexpr auto w11 = var<"w11">;
  constexpr auto w12 = var<"w12">;
  constexpr auto w21 = var<"w21">;
  constexpr auto w22 = var<"w22">;
  constexpr auto w31 = var<"w31">;
  constexpr auto w32 = var<"w32">;
  constexpr auto c1 = var<"c1">;
  constexpr auto c2 = var<"c2">;
  constexpr auto c3 = var<"c3">;
  constexpr auto x1 = var<"x1">;
  constexpr auto x2 = var<"x2">;
  constexpr auto z1 = w11 * x1 + w12 * x2 + c1;
  constexpr auto z2 = w21 * x1 + w22 * x2 + c2;
  constexpr auto z3 = w31 * x1 + w32 * x2 + c3;
  constexpr auto log_partition = log(exp(z1) + exp(z2) + exp(z3));
  const auto bound = at(w11 = point[0], w12 = point[1], w21 = point[2], w22 = point[3], w31 = point[4], w32 = point[5],
                        c1 = point[6], c2 = point[7], c3 = point[8], x1 = point[9], x2 = point[10]);
  const auto partials = [&](const auto& loss) {
    return std::pair(eval(loss, bound),
                     eval(gradient(loss, wrt(w11, w12, w21, w22, w31, w32, c1, c2, c3, x1, x2)), bound));
  };
  const auto [value, expected] = label == 0   ? partials(log_partition - z1)
                                 : label == 1 ? partials(log_partition - z2)
                                              : partials(log_partition - z3);
  REQUIRE(g.value == close_to(value, 1e-12));
  for (std::size_t k = 0; k != expected.size(); ++k) {
    INFO("parameter " << k);
    REQUIRE(g.flat[k] == close_to(expected[k], 1e-12, 1e-15));
  }
}
