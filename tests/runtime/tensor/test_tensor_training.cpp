// Tensor models train with the optimizer layer of train.hpp: the parameters
// live in one flat array, bound as views; the gradient adds into its span.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/train.hpp>
#include <vector>

#include "close_to.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

namespace {
constexpr auto W = matrix<"W", 2, 3>;
constexpr auto b = ctdiff::vector<"b", 2>;
constexpr auto x = ctdiff::vector<"x", 3>;
constexpr auto y = ctdiff::vector<"y", 2>;
constexpr auto parameters_of_model = wrt(W, b);
}  // namespace

TEST_CASE("minimize() fits a linear tensor model y = W x + b, batch, mini-batch and Adam") {
  const std::array<double, 6> true_W{1, -2, 0.5, 3, 0, -1};
  const std::array<double, 2> true_b{0.25, -0.75};
  // The inputs are the 27 points of {-1, 0, 1}³, so the loss's Hessian is known by hand (below).
  constexpr std::size_t count = 27;
  std::vector<double> inputs(3 * count), targets(2 * count);
  for (std::size_t n = 0; n != count; ++n) {
    inputs[3 * n] = double(n % 3) - 1;
    inputs[3 * n + 1] = double(n / 3 % 3) - 1;
    inputs[3 * n + 2] = double(n / 9) - 1;
  }
  for (std::size_t n = 0; n != count; ++n)
    for (std::size_t i = 0; i != 2; ++i) {
      targets[2 * n + i] = true_b[i];
      for (std::size_t j = 0; j != 3; ++j) targets[2 * n + i] += true_W[3 * i + j] * inputs[3 * n + j];
    }
  const auto sample = [&](std::size_t n) {
    return at(x = std::span<const double, 3>(inputs.data() + 3 * n, 3),
              y = std::span<const double, 2>(targets.data() + 2 * n, 2));
  };

  options o;
  std::tie(o.method, o.batch_size, o.learning_rate) = GENERATE(table<optimizer, std::size_t, double>(
      {{optimizer::gradient_descent, 0, 0.5}, {optimizer::gradient_descent, 8, 0.2}, {optimizer::adam, 4, 0.05}}));
  o.max_epochs = 2000;
  o.loss_tolerance = 1e-14;
  std::vector<double> parameters(flat_size(parameters_of_model), 0.0);
  tensor_objective objective(gradient(mean_squared_error(W * x + b, y), parameters_of_model), parameters, sample);
  const auto result = minimize(objective, parameters, count, o);

  REQUIRE(result.stop == stop_reason::loss_tolerance);
  // With E = [W - W*, b - b*], the loss is Σ_n |E (x_n, 1)|² / (2 · 27) >= 18 |E|² / 54,
  // 18 the smallest eigenvalue of Σ_n (x_n, 1)(x_n, 1)ᵀ = diag(18, 18, 18, 27):
  // a loss <= 1e-14 puts every parameter within sqrt(3e-14) of its value.
  const double distance = std::sqrt(3 * 1e-14);
  const auto fitted = tensors_in(parameters_of_model, std::span<double>(parameters));
  for (std::size_t k = 0; k != 6; ++k) REQUIRE(fitted[W][k] == close_to(true_W[k], 0, distance));
  for (std::size_t k = 0; k != 2; ++k) REQUIRE(fitted[b][k] == close_to(true_b[k], 0, distance));
}

TEST_CASE("the objective's loss without a gradient is the summed loss of the samples") {
  const std::array<double, 6> inputs{1, 0, 0, 0, 1, 0};
  const std::array<double, 4> targets{1, 1, 2, 2};
  std::vector<double> parameters(flat_size(parameters_of_model), 0.0);
  tensor_objective objective(gradient(mean_squared_error(W * x + b, y), parameters_of_model), parameters,
                             [&](std::size_t n) {
                               return at(x = std::span<const double, 3>(inputs.data() + 3 * n, 3),
                                         y = std::span<const double, 2>(targets.data() + 2 * n, 2));
                             });
  const std::array<std::size_t, 2> both{0, 1};
  REQUIRE(objective(both, {}) == close_to(1.0 + 4.0, 1e-14));
  std::vector<double> summed(parameters.size(), 0.0);
  REQUIRE(objective(both, summed) == close_to(5.0, 1e-14));
  // d/db of mean((b - y)^2) over 2 outputs is (b - y), summed over the samples: -(1 + 2).
  REQUIRE(tensors_in(parameters_of_model, std::span<double>(summed))[b][0] == close_to(-3.0, 1e-14));
}
