// The seed tutorials' worked examples, with the numbers they print.
#include <array>

#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;

TEST_CASE("J = (y - w*x)^2: dJ/dw = -2x(y - wx), and descent converges to w = y/x") {
  constexpr auto J = pow<2>(y - w * x);
  constexpr auto dJ_dw = d(J, w);
  CHECK(to_string(dJ_dw) == "-2*(y - w*x)*x");
  auto p = GENERATE(take(20, chunk(3, random(-3.0, 3.0))));
  // y - w*x may cancel: its rounding, an ulp of |y| + |w*x| <= 12 times 2|x| <= 6, is absolute.
  CHECK(eval(dJ_dw, at(x = p[0], y = p[1], w = p[2])) == close_to(-2 * p[0] * (p[1] - p[2] * p[0]), 1e-14, 2e-14));

  auto b = at(x = 2.0, y = 7.0, w = 0.0);
  for (int step = 0; step != 100; ++step) b[w] -= 0.05 * eval(dJ_dw, b);
  CHECK(b[w] == close_to(7.0 / 2.0, 1e-12));
}

TEST_CASE("(x^2+x)^3 -> 3(x^2+x)^2(2x+1); 3x^4+2x^2 -> 12x^3+4x; 8x -> 8; 2x+5y+8 -> 2") {
  CHECK(to_string(d(pow<3>(x * x + x), x)) == "3*(x^2 + x)^2*(2*x + 1)");
  CHECK(to_string(d(3 * pow<4>(x) + 2 * pow<2>(x), x)) == "12*x^3 + 4*x");
  CHECK(to_string(d(int_c<3> * pow<4>(x) + int_c<2> * pow<2>(x), x)) == "12*x^3 + 4*x");
  CHECK(to_string(d(8 * x, x)) == "8");
  CHECK(to_string(d(2 * x + 5 * y + 8, x)) == "2");
  double v = GENERATE(take(10, random(-2.0, 2.0)));
  CHECK(eval(d(pow<3>(x * x + x), x), at(x = v)) == close_to(3 * (v * v + v) * (v * v + v) * (2 * v + 1), 1e-12));
  CHECK(eval(d(3 * pow<4>(x) + 2 * pow<2>(x), x), at(x = v)) == close_to(12 * v * v * v + 4 * v, 1e-12));
}

// Samples (-1,3), (0,0), (1,3) of y = 3x^2, model theta*x^2 at theta = 0.
constexpr auto theta = var<"θ">;
constexpr std::array<std::array<double, 2>, 3> parabola_samples{{{-1, 3}, {0, 0}, {1, 3}}};

template <class E>
std::array<double, 3> per_sample_derivatives(const E& error) {
  std::array<double, 3> result{};
  for (std::size_t i = 0; i != 3; ++i) {
    result[i] = eval(d(error, theta), at(theta = 0.0, x = parabola_samples[i][0], y = parabola_samples[i][1]));
  }
  return result;
}

TEST_CASE("theta*x^2 with E = (theta*x^2 - y)^2: derivatives -6, 0, -6, mean -4, one step of rate 1 gives 4") {
  auto slopes = per_sample_derivatives(pow<2>(theta * pow<2>(x) - y));
  CHECK(slopes == std::array<double, 3>{-6, 0, -6});
  double mean = (slopes[0] + slopes[1] + slopes[2]) / 3;
  CHECK(mean == close_to(-4, 1e-14));
  CHECK(0.0 - 1.0 * mean == close_to(4, 1e-14));
}

TEST_CASE("theta*x^2 with E = 1/2 (theta*x^2 - y)^2: derivatives -3, 0, -3") {
  auto slopes = per_sample_derivatives(0.5 * pow<2>(theta * pow<2>(x) - y));
  CHECK(slopes == std::array<double, 3>{-3, 0, -3});
}

TEST_CASE("theta0 x^2 + theta1 x + theta2 at [1,1,1]: mean gradient [31/3, -17/3, 7/3]") {
  constexpr auto t0 = var<"θ0">;
  constexpr auto t1 = var<"θ1">;
  constexpr auto t2 = var<"θ2">;
  constexpr auto E = 0.5 * pow<2>(t0 * pow<2>(x) + t1 * x + t2 - y);
  constexpr std::array<std::array<double, 2>, 3> samples{{{-2, -5}, {0, 1}, {1, 4}}};
  std::array<double, 3> mean{};
  for (auto [xi, yi] : samples) {
    auto g = eval(gradient(E, wrt(t0, t1, t2)), at(t0 = 1.0, t1 = 1.0, t2 = 1.0, x = xi, y = yi));
    for (std::size_t k = 0; k != 3; ++k) mean[k] += g[k] / 3;
  }
  CHECK(mean[0] == close_to(31.0 / 3, 1e-14));
  CHECK(mean[1] == close_to(-17.0 / 3, 1e-14));
  CHECK(mean[2] == close_to(7.0 / 3, 1e-14));
}

TEST_CASE("the ReLU neuron: output 6, gradient x and 1, one step of rate 0.01 gives 5.85") {
  constexpr auto x0 = var<"x0">;
  constexpr auto x1 = var<"x1">;
  constexpr auto x2 = var<"x2">;
  constexpr auto w0 = var<"w0">;
  constexpr auto w1 = var<"w1">;
  constexpr auto w2 = var<"w2">;
  constexpr auto b = var<"b">;
  constexpr auto neuron = relu(w0 * x0 + w1 * x1 + w2 * x2 + b);
  double bias = GENERATE(1.0, 2.0);  // dz/db = 1 whatever b is
  auto point = at(x0 = 1.0, x1 = -2.0, x2 = 3.0, w0 = -3.0, w1 = -1.0, w2 = 2.0, b = bias);
  CHECK(eval(neuron, point) == close_to(5 + bias, 1e-14));
  auto g = eval(gradient(neuron, wrt(w0, w1, w2, b)), point);
  CHECK(g == std::array<double, 4>{1, -2, 3, 1});

  if (bias == 1.0) {
    CHECK(eval(neuron, point) == 6.0);
    // Gradient ascent on the output, as the tutorial does: each weight moves by rate * its partial.
    point[w0] += 0.01 * g[0];
    point[w1] += 0.01 * g[1];
    point[w2] += 0.01 * g[2];
    point[b] += 0.01 * g[3];
    CHECK(eval(neuron, point) == close_to(6.15, 1e-14));
    // ...and descent, the tutorial's figure: 6 - 0.01 * (1 + 4 + 9 + 1) = 5.85.
    point[w0] -= 0.02 * g[0];
    point[w1] -= 0.02 * g[1];
    point[w2] -= 0.02 * g[2];
    point[b] -= 0.02 * g[3];
    CHECK(eval(neuron, point) == close_to(5.85, 1e-14));
  }
}

TEST_CASE("the sigmoid hidden-layer net z1(a0(z0(x))) with E = 1/2 (z1 - y)^2: every partial") {
  constexpr auto x0 = var<"x0">;
  constexpr auto x1 = var<"x1">;
  constexpr auto w00 = var<"w00">;
  constexpr auto w01 = var<"w01">;
  constexpr auto w10 = var<"w10">;
  constexpr auto w11 = var<"w11">;
  constexpr auto b0 = var<"b0">;
  constexpr auto b1 = var<"b1">;
  constexpr auto v0 = var<"v0">;
  constexpr auto v1 = var<"v1">;
  constexpr auto c = var<"c">;
  constexpr auto a00 = sigmoid(w00 * x0 + w01 * x1 + b0);
  constexpr auto a01 = sigmoid(w10 * x0 + w11 * x1 + b1);
  constexpr auto z1 = v0 * a00 + v1 * a01 + c;
  constexpr auto E = 0.5 * pow<2>(z1 - y);
  auto p = GENERATE(take(10, chunk(12, random(-2.0, 2.0))));
  auto point = at(x0 = p[0], x1 = p[1], y = p[2], w00 = p[3], w01 = p[4], w10 = p[5], w11 = p[6], b0 = p[7], b1 = p[8],
                  v0 = p[9], v1 = p[10], c = p[11]);
  ctdiff_test::require_first_derivatives(E, wrt(w00, w01, w10, w11, b0, b1, v0, v1, c, x0, x1), point);
}

}  // namespace
