// The expression layer, fit() and fit_newton(), on the seed tutorials'
// models, against numbers worked out by hand and against the core's
// gradient evaluated sample by sample outside the training loop.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <string>
#include <vector>

#include "close_to.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

namespace {

constexpr auto t0 = var<"θ0">;
constexpr auto t1 = var<"θ1">;
constexpr auto t2 = var<"θ2">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
// θ0x² + θ1x + θ2 on (−2, −5), (0, 1), (1, 4), which lie on y = 3x + 1.
constexpr auto quadratic_loss = 0.5 * pow<2>(t0 * pow<2>(x) + t1 * x + t2 - y);
const std::vector<double> xs{-2, 0, 1};
const std::vector<double> ys{-5, 1, 4};

}  // namespace

TEST_CASE("one batch step of rate 1 moves θ by the mean gradient [31/3, −17/3, 7/3]") {
  const auto result = fit(quadratic_loss, params(t0 = 1.0, t1 = 1.0, t2 = 1.0), data(x = xs, y = ys),
                          {.learning_rate = 1, .max_epochs = 1});
  REQUIRE(result.epochs == 1);
  REQUIRE(result[t0] == close_to(1 - 31.0 / 3, 1e-14));
  REQUIRE(result[t1] == close_to(1 + 17.0 / 3, 1e-14));
  REQUIRE(result[t2] == close_to(1 - 7.0 / 3, 1e-14));
}

TEST_CASE("one batch step equals the mean of the per-sample gradients evaluated one by one") {
  const double rate = 0.05;
  const auto result = fit(quadratic_loss, params(t0 = 0.5, t1 = -1.0, t2 = 2.0), data(x = xs, y = ys),
                          {.learning_rate = rate, .max_epochs = 1});
  std::array<double, 3> mean{};
  for (std::size_t i = 0; i != xs.size(); ++i) {
    const auto g =
        eval(gradient(quadratic_loss, wrt(t0, t1, t2)), at(t0 = 0.5, t1 = -1.0, t2 = 2.0, x = xs[i], y = ys[i]));
    for (std::size_t k = 0; k != 3; ++k) mean[k] += g[k] / 3;
  }
  REQUIRE(result.parameters[t0] == close_to(0.5 - rate * mean[0], 1e-14));
  REQUIRE(result.parameters[t1] == close_to(-1.0 - rate * mean[1], 1e-14));
  REQUIRE(result.parameters[t2] == close_to(2.0 - rate * mean[2], 1e-14));
  const double mean_loss = (eval(quadratic_loss, at(t0 = 0.5, t1 = -1.0, t2 = 2.0, x = -2, y = -5)) +
                            eval(quadratic_loss, at(t0 = 0.5, t1 = -1.0, t2 = 2.0, x = 0, y = 1)) +
                            eval(quadratic_loss, at(t0 = 0.5, t1 = -1.0, t2 = 2.0, x = 1, y = 4))) /
                           3;
  REQUIRE(result.loss_per_epoch[0] == close_to(mean_loss, 1e-14));
}

TEST_CASE("a loss c·f (c = 0.3, not a power of two): the step and the loss are c times f's means") {
  constexpr auto residual = t0 * pow<2>(x) + t1 * x + t2 - y;
  const double rate = 0.05;
  const auto result = fit(0.3 * pow<2>(residual), params(t0 = 0.5, t1 = -1.0, t2 = 2.0), data(x = xs, y = ys),
                          {.learning_rate = rate, .max_epochs = 1});
  std::array<double, 3> mean{};
  double mean_loss = 0;
  for (std::size_t i = 0; i != xs.size(); ++i) {
    const auto point = at(t0 = 0.5, t1 = -1.0, t2 = 2.0, x = xs[i], y = ys[i]);
    const auto g = eval(gradient(pow<2>(residual), wrt(t0, t1, t2)), point);
    for (std::size_t k = 0; k != 3; ++k) mean[k] += 0.3 * g[k] / 3;
    mean_loss += 0.3 * eval(pow<2>(residual), point) / 3;
  }
  REQUIRE(result.parameters[t0] == close_to(0.5 - rate * mean[0], 1e-14));
  REQUIRE(result.parameters[t1] == close_to(-1.0 - rate * mean[1], 1e-14));
  REQUIRE(result.parameters[t2] == close_to(2.0 - rate * mean[2], 1e-14));
  REQUIRE(result.loss_per_epoch[0] == close_to(mean_loss, 1e-14));
}

TEST_CASE("E = (θx² − y)² on samples of 3x²: one step of rate 1 from 0 gives 4, training gives 3") {
  constexpr auto theta = var<"θ">;
  constexpr auto loss = pow<2>(theta * pow<2>(x) - y);
  const std::array<double, 3> inputs{-1, 0, 1};
  const std::array<double, 3> targets{3, 0, 3};
  REQUIRE(fit(loss, params(theta = 0.0), data(x = inputs, y = targets), {.learning_rate = 1, .max_epochs = 1})[theta] ==
          close_to(4, 1e-14));
  const auto trained = fit(loss, params(theta = 0.0), data(x = inputs, y = targets),
                           {.learning_rate = 1, .max_epochs = 100, .gradient_tolerance = 1e-12});
  REQUIRE(trained.stop == stop_reason::gradient_tolerance);
  // The mean gradient is (4/3)(θ - 3): at most 1e-12 puts θ within 0.75e-12 of 3.
  REQUIRE(trained[theta] == close_to(3, 0, 0.75e-12));
}

TEST_CASE("every method fits θ0x² + θ1x + θ2 to [0, 3, 1]") {
  const auto [method, rate, batch_size] =
      GENERATE(table<optimizer, double, std::size_t>({{optimizer::gradient_descent, 0.1, 0},
                                                      {optimizer::gradient_descent, 0.05, 1},
                                                      {optimizer::momentum, 0.02, 2},
                                                      {optimizer::adam, 0.05, 0}}));
  const std::string method_name(to_string(method));
  CAPTURE(method_name, batch_size);
  const auto result = fit(quadratic_loss, params(t0 = 1.0, t1 = 1.0, t2 = 1.0), data(x = xs, y = ys),
                          {.method = method,
                           .learning_rate = rate,
                           .max_epochs = 20000,
                           .batch_size = batch_size,
                           .loss_tolerance = 1e-20,
                           .seed = 42});
  REQUIRE(result.stop == stop_reason::loss_tolerance);
  // A mean loss ½|r|²/3 <= 1e-20 bounds the residuals, |r| <= sqrt(6e-20), and
  // |θ - θ*| <= |r| / 0.7634, the smallest singular value of Φ (rows (x², x, 1) at the 3 x).
  const double distance = std::sqrt(6e-20) / 0.7634;
  REQUIRE(result[t0] == close_to(0, 0, distance));
  REQUIRE(result[t1] == close_to(3, 0, distance));
  REQUIRE(result[t2] == close_to(1, 0, distance));
}

TEST_CASE("learning rate 10 on the quadratic diverges: non-finite stop, last finite parameters kept") {
  const auto result = fit(quadratic_loss, params(t0 = 1.0, t1 = 1.0, t2 = 1.0), data(x = xs, y = ys),
                          {.learning_rate = 10, .max_epochs = 100000});
  REQUIRE(result.stop == stop_reason::non_finite_loss);
  REQUIRE(result.epochs < 1000);
  REQUIRE(std::isfinite(result[t0]));
  REQUIRE(std::isfinite(result[t1]));
  REQUIRE(std::isfinite(result[t2]));
  // The loss recorded last is the loss of the parameters returned, and it is finite.
  double mean_loss = 0;
  for (std::size_t i = 0; i != xs.size(); ++i) {
    mean_loss += eval(quadratic_loss, at(t0 = result[t0], t1 = result[t1], t2 = result[t2], x = xs[i], y = ys[i])) / 3;
  }
  REQUIRE(std::isfinite(result.loss_per_epoch.back()));
  REQUIRE(result.loss_per_epoch.back() == close_to(mean_loss, 1e-14));
  REQUIRE(result.loss_per_epoch.back() > result.loss_per_epoch.front());
}

TEST_CASE("predict evaluates a model on every sample with the fitted parameters") {
  constexpr auto model = t0 * pow<2>(x) + t1 * x + t2;
  const auto fitted = params(t0 = 0.0, t1 = 3, t2 = 1.0);
  const std::array<float, 3> inputs{-2, 0, 1};
  const std::vector<double> values = predict(model, fitted.initial, data(x = inputs));
  REQUIRE(values == std::vector<double>{-5, 1, 4});
}

TEST_CASE("data columns of different lengths are rejected, naming both columns") {
  const std::vector<double> short_column{1, 2};
  REQUIRE_THROWS_WITH(data(x = xs, y = short_column),
                      Catch::Matchers::Contains("'x' has 3 values") && Catch::Matchers::Contains("'y' has 2"));
}

TEST_CASE("a constant in data(...) is held fixed: ridge regression's closed form") {
  constexpr auto w = var<"w">;
  constexpr auto lambda = var<"lambda">;
  // The mean of (w x - y)² + λ w² is least at w = Σxy / (Σx² + nλ) = 14 / (5 + 3 * 0.5).
  constexpr auto ridge = pow<2>(w * x - y) + lambda * pow<2>(w);
  const double expected = 14 / 6.5;
  const auto samples = data(x = xs, y = ys, lambda = 0.5);
  REQUIRE(samples.size == 3);
  const auto descent = fit(ridge, params(w = 0.0), samples, {.method = optimizer::lbfgs, .gradient_tolerance = 1e-13});
  REQUIRE(descent.stop == stop_reason::gradient_tolerance);
  REQUIRE(descent[w] == close_to(expected, 1e-12));
  // Each recorded loss is the mean with λ = 0.5: at the start, w = 0, the mean of y².
  REQUIRE(descent.loss_per_epoch.front() == close_to((25.0 + 1 + 16) / 3, 1e-15));
}

TEST_CASE("predict with a constant in data(...): the same number for every sample") {
  constexpr auto w = var<"w">;
  constexpr auto offset = var<"offset">;
  const std::vector<double> values = predict(w * x + offset, params(w = 2.0).initial, data(x = xs, offset = 0.5));
  REQUIRE(values == std::vector<double>{-3.5, 0.5, 2.5});
}
