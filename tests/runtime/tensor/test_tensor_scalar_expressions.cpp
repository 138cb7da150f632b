// Scalar expressions over scalar symbols inside tensor expressions
// (exp(lambda) * sum(square(W))): the value against the formula written with
// std:: functions, the gradient with respect to the tensors and the scalar
// symbols against central differences computed here, and printing.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <span>
#include <string>
#include <vector>

#include "close_to.hpp"

using ctdiff_test::close_to;

using namespace ctdiff;

namespace {

constexpr auto W = matrix<"W", 2, 2>;
constexpr auto v = ctdiff::vector<"v", 2>;
constexpr auto lambda = var<"lambda">;
constexpr auto mu = var<"mu">;
constexpr auto parameters = wrt(W, v, lambda, mu);

// Every kind of scalar node: functions, a power, a real power, atan2, a
// quotient, numbers on either side, a let-named part used twice, and a
// constant part without symbols (int_c<2> * 0.25), on either side of the tensor.
constexpr auto shared = let<"s">(sigmoid(lambda * mu));
constexpr auto loss = exp(lambda) * sum(square(W)) + sum(W * v) / (1 + pow<2>(lambda - mu)) +
                      sum(v) * (pow<3>(mu) - atan2(lambda, mu)) + dot(v, v) * pow(mu, 1.5) + sum(W) * shared * log(mu) -
                      shared / 2 + (int_c<2> * 0.25) * sum(v) + sqrt(mu) / lambda;

// The same loss from the flat values in wrt order: W (row-major), v, lambda, mu.
double by_hand(std::span<const double, 8> p) {
  const double w11 = p[0], w12 = p[1], w21 = p[2], w22 = p[3], v1 = p[4], v2 = p[5], l = p[6], m = p[7];
  const double s = 1 / (1 + std::exp(-l * m));
  const double sum_w_v = w11 * v1 + w12 * v2 + w21 * v1 + w22 * v2;
  return std::exp(l) * (w11 * w11 + w12 * w12 + w21 * w21 + w22 * w22) + sum_w_v / (1 + (l - m) * (l - m)) +
         (v1 + v2) * (m * m * m - std::atan2(l, m)) + (v1 * v1 + v2 * v2) * std::pow(m, 1.5) +
         (w11 + w12 + w21 + w22) * s * std::log(m) - s / 2 + 0.5 * (v1 + v2) + std::sqrt(m) / l;
}

// Central differences with one Richardson step, (8 (f(x+h) - f(x-h)) -
// (f(x+2h) - f(x-2h))) / 12h: a truncation error of order h^4, about 1e-12
// at h = 1e-3, and a rounding error about 1e-13, so the gradient is checked
// to 1e-9.
template <class Value>
std::vector<double> central_differences(Value value, std::vector<double> point) {
  std::vector<double> partials(point.size());
  for (std::size_t k = 0; k != point.size(); ++k) {
    const double saved = point[k];
    const double h = 1e-3 * std::max(1.0, std::abs(saved));
    auto at_offset = [&](double offset) {
      point[k] = saved + offset;
      const double result = value(point);
      point[k] = saved;
      return result;
    };
    partials[k] = (8 * (at_offset(h) - at_offset(-h)) - (at_offset(2 * h) - at_offset(-2 * h))) / (12 * h);
  }
  return partials;
}

}  // namespace

TEST_CASE("a scalar expression inside a tensor expression: its value and gradient, central differences") {
  // lambda and mu positive, away from 0: log(mu), sqrt(mu), pow(mu, 1.5) and 1 / lambda.
  const std::vector<double> start = GENERATE(std::vector<double>{0.3, -1.2, 0.8, 2.0, -0.5, 1.5, 0.7, 1.3},
                                             std::vector<double>{-1.0, 0.4, 1.1, -0.6, 2.0, 0.25, 1.9, 0.6});
  std::vector<double> flat = start;
  const auto b = tensors_in(parameters, std::span<double>(flat)).bindings();
  const auto g = eval(gradient(loss, parameters), b);
  const double expected = by_hand(std::span<const double, 8>(start.data(), 8));
  REQUIRE(eval(loss, b) == close_to(expected, 1e-14));
  REQUIRE(g.value == close_to(expected, 1e-14));
  const auto partials = central_differences(
      [&](const std::vector<double>& point) {
        std::copy(point.begin(), point.end(), flat.begin());
        return eval(loss, b);
      },
      start);
  for (std::size_t k = 0; k != partials.size(); ++k) {
    INFO("element " << k << " of the flat gradient");
    REQUIRE(g.flat[k] == close_to(partials[k], 1e-9));
  }
}

TEST_CASE("a scalar expression over symbols bound to numbers scales a tensor: exp(lambda) * sum(square(W))") {
  const std::array<double, 4> weights{1, -2, 3, 0.5};
  const auto g = eval(gradient(exp(lambda) * sum(square(W)), wrt(W)), at(W = weights, lambda = 0.5));
  REQUIRE(g.value == close_to(std::exp(0.5) * 14.25, 1e-15));
  for (std::size_t k = 0; k != weights.size(); ++k)
    REQUIRE(g.flat[k] == close_to(2 * std::exp(0.5) * weights[k], 1e-15));
}

TEST_CASE("a scalar expression inside a tensor expression prints as written") {
  CHECK(to_string(exp(lambda) * sum(square(W))) == "exp(lambda)*sum(square(W))");
  CHECK(to_string(sum(W) / (1 + pow<3>(mu))) == "sum(W)/(1 + mu^3)");
  CHECK(to_string(sum(v) * atan2(lambda, mu)) == "sum(v)*atan2(lambda, mu)");
  CHECK(to_string(sum(v) - 0.5 * lambda) == "sum(v) - 0.5*lambda");
}
