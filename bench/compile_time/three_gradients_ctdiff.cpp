// The gradients of three_models.hpp's three models with ctdiff, as a user
// writes them: compiled with -c beside three_gradients_dual.cpp (Ceres's
// Jet, Eigen's AutoDiff) by bench/compile_time.py --suite.
#include <array>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>

using namespace ctdiff;

constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto c = var<"c">;
constexpr auto x = var<"x">;
constexpr auto x1 = var<"x1">;
constexpr auto x2 = var<"x2">;
constexpr auto x3 = var<"x3">;
constexpr auto y = var<"y">;
constexpr auto w = vars<"w", 17>;

void quadratic_gradient(const double* p, const double* xs, const double* ys, std::size_t n, double* g) {
  constexpr auto gradient_of = gradient(0.5 * pow<2>(a * pow<2>(x) + b * x + c - y), wrt(a, b, c));
  auto point = at(a = p[0], b = p[1], c = p[2], x = 0.0, y = 0.0);
  for (std::size_t i = 0; i != n; ++i) {
    point[x] = xs[i];
    point[y] = ys[i];
    const auto partials = eval(gradient_of, point);
    for (std::size_t k = 0; k != 3; ++k) g[k] += partials[k];
  }
}

// Unit j's weights and bias are w[3j] ... w[3j + 2], its output weight w[12 + j].
constexpr auto hidden_unit = [](auto j) {
  return w[int_c<12 + j>] * sigmoid(w[int_c<3 * j>] * x1 + w[int_c<3 * j + 1>] * x2 + w[int_c<3 * j + 2>]);
};

void network_gradient(const double* p, const double* x1s, const double* x2s, const double* ys, std::size_t n,
                      double* g) {
  constexpr auto gradient_of = gradient(0.5 * pow<2>(w[int_c<16>] + sum<4>(hidden_unit) - y), wrt(w));
  std::array<double, 17> parameters;
  for (std::size_t k = 0; k != 17; ++k) parameters[k] = p[k];
  auto point = at(w = parameters, x1 = 0.0, x2 = 0.0, y = 0.0);
  for (std::size_t i = 0; i != n; ++i) {
    point[x1] = x1s[i];
    point[x2] = x2s[i];
    point[y] = ys[i];
    const auto partials = eval(gradient_of, point);
    for (std::size_t k = 0; k != 17; ++k) g[k] += partials[k];
  }
}

void relu_neuron_gradient(const double* p, const double* xs, double* g) {
  const auto partials = eval(
      gradient(relu(w[int_c<0>] * x1 + w[int_c<1>] * x2 + w[int_c<2>] * x3 + b),
               wrt(w[int_c<0>], w[int_c<1>], w[int_c<2>], b)),
      at(w[int_c<0>] = p[0], w[int_c<1>] = p[1], w[int_c<2>] = p[2], b = p[3], x1 = xs[0], x2 = xs[1], x3 = xs[2]));
  for (std::size_t k = 0; k != 4; ++k) g[k] = partials[k];
}
