// log1p, softplus and binary_cross_entropy on tensors against central
// differences and hand-derived values; one_hot, argmax, accuracy; the
// Glorot and He initialisers' bounds, moments and seeding.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include "close_to.hpp"
#include "tensor_checks.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

namespace {
constexpr auto x = ctdiff::vector<"x", 4>;
constexpr auto W = matrix<"W", 3, 4>;
constexpr auto t = ctdiff::vector<"t", 3>;
}  // namespace

TEST_CASE("log1p, softplus and binary_cross_entropy of tensors match central differences") {
  const std::vector<double> target{1, 0, 0.25};
  constexpr auto z = W * x;
  auto point = GENERATE(tensor_checks::random_points(16, -2.0, 2.0));
  // x and W are both differentiated; t is a constant of the loss, bound beside them.
  constexpr auto parameters = wrt(W, x);
  const auto check = [&](auto loss) {
    std::vector<double> flat(point.begin(), point.end());
    const auto b = combine(tensors_in(parameters, std::span<double>(flat)).bindings(), at(t = target));
    const auto g = eval(gradient(loss, parameters), b);
    for (std::size_t k = 0; k != flat.size(); ++k) {
      const double saved = flat[k], step = 1e-6;
      flat[k] = saved + step;
      const double above = eval(loss, b);
      flat[k] = saved - step;
      const double below = eval(loss, b);
      flat[k] = saved;
      REQUIRE(g.flat[k] == close_to((above - below) / (2 * step), 1e-6, 1e-7));
    }
  };
  check(sum(log1p(square(z))));
  check(sum(softplus(z)));
  check(binary_cross_entropy(z, t));
}

TEST_CASE("binary_cross_entropy on logits: hand-derived values, and finite where log(sigmoid) would not be") {
  constexpr auto z = ctdiff::vector<"z", 2>;
  constexpr auto y = ctdiff::vector<"y", 2>;
  const std::vector<double> logits{0.0, std::log(3.0)}, labels{1, 0};
  // -log s(0) = log 2; -log(1 - s(log 3)) = -log(1/4) = log 4; mean: (log 2 + log 4) / 2 = 1.5 log 2.
  REQUIRE(eval(binary_cross_entropy(z, y), at(z = logits, y = labels)) == close_to(1.5 * std::log(2.0), 1e-15));
  // d/dz = (s(z) - y) / 2: (1/2 - 1) / 2 and (3/4 - 0) / 2.
  const auto g = eval(gradient(binary_cross_entropy(z, y), wrt(z)), at(z = logits, y = labels));
  REQUIRE(g[z][0] == close_to(-0.25, 1e-15));
  REQUIRE(g[z][1] == close_to(0.375, 1e-15));
  const std::vector<double> far{800, -800}, wrong{0, 1};
  // Each sample is 800 off: the loss is 800, not infinity.
  REQUIRE(eval(binary_cross_entropy(z, y), at(z = far, y = wrong)) == close_to(800, 1e-15));
}

TEST_CASE("one_hot, argmax and accuracy") {
  const std::vector<double> labels{2, 0, 1, 2};
  REQUIRE(one_hot(labels, 3) == std::vector<double>{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1});
  REQUIRE(one_hot<float>(std::vector<int>{1}, 2) == std::vector<float>{0, 1});
  REQUIRE_THROWS_AS(one_hot(std::vector<double>{3}, 3), std::invalid_argument);
  REQUIRE_THROWS_AS(one_hot(std::vector<double>{0.5}, 3), std::invalid_argument);
  REQUIRE_THROWS_AS(one_hot(std::vector<int>{-1}, 3), std::invalid_argument);

  const std::vector<double> scores{0.1, 0.2, 0.7, 0.9, 0.05, 0.05, 0.3, 0.4, 0.3, 0.5, 0.1, 0.4};
  const std::vector<std::size_t> predicted = argmax(scores, 3);
  REQUIRE(predicted == std::vector<std::size_t>{2, 0, 1, 0});
  REQUIRE(accuracy(predicted, labels) == 0.75);
  REQUIRE_THROWS_AS(argmax(scores, 5), std::invalid_argument);
  REQUIRE_THROWS_AS(accuracy(predicted, std::vector<double>{1}), std::invalid_argument);
}

TEST_CASE("Glorot and He initialisers: bounds, variance, and the same values for the same seed") {
  constexpr auto layer = matrix<"L", 200, 300>;  // fan-out 200, fan-in 300
  const double glorot_variance = 2.0 / 500, he_variance = 2.0 / 300;
  auto moments = [](const std::vector<double>& values) {
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    double square_sum = 0;
    for (double value : values) square_sum += (value - mean) * (value - mean);
    return std::pair{mean, square_sum / double(values.size())};
  };
  const auto uniform = glorot_uniform(layer, 1);
  REQUIRE(uniform.size() == 60000);
  for (double value : uniform) REQUIRE(std::abs(value) <= std::sqrt(6.0 / 500));
  // 60000 draws: the sample variance is within 2% of the variance (its relative
  // standard error is sqrt(0.8 / 60000) = 0.4% for a uniform, 0.6% for a normal).
  REQUIRE(moments(uniform).second == close_to(glorot_variance, 0.02));
  REQUIRE(std::abs(moments(uniform).first) < 1e-3);
  REQUIRE(moments(glorot_normal(layer, 2)).second == close_to(glorot_variance, 0.02));
  const auto he = he_uniform(layer, 3);
  for (double value : he) REQUIRE(std::abs(value) <= std::sqrt(6.0 / 300));
  REQUIRE(moments(he).second == close_to(he_variance, 0.02));
  REQUIRE(moments(he_normal(layer, 4)).second == close_to(he_variance, 0.02));
  REQUIRE(glorot_uniform(layer, 1) == uniform);
  REQUIRE(glorot_uniform(layer, 5) != uniform);
  // With every standard library: from mt19937_64's default seed, 5489, its 10000th output is
  // 9981545732273789042 (the C++ standard says so), whose top 53 bits as a fraction u of 1 put
  // element 9999 at -a + 2au, a = sqrt(3 * 2 / 500).
  REQUIRE(glorot_uniform(layer, 5489)[9999] == 0.009004707472033274);
  REQUIRE(he_normal<float>(layer, 4).size() == 60000);
  REQUIRE(zeros(ctdiff::vector<"b", 7>) == std::vector<double>(7, 0.0));
}
