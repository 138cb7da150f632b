// Numbers and scalar symbols in a batched model: the gradient over a batch
// against the per-sample path summed and against central differences, with a
// scalar symbol as a parameter and bound to a number, and inside a scalar
// expression (exp(lambda)); and fit with tensor and scalar parameters mixed,
// or with a scalar constant in data(...), on data whose optimum is known by
// hand.
#include <Eigen/Dense>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/batch.hpp>
#include <random>
#include <span>
#include <vector>

#include "close_to.hpp"

namespace {

using ctdiff_test::close_to;

constexpr std::size_t inputs = 3, outputs = 2;
constexpr auto x = ctdiff::vector<"x", inputs>;
constexpr auto y = ctdiff::vector<"y", outputs>;
constexpr auto W = ctdiff::matrix<"W", outputs, inputs>;
constexpr auto lambda = ctdiff::var<"lambda">;
constexpr auto parameters = ctdiff::wrt(W, lambda);
// Every new operation once: a number on either side of -, +, /, *, and the
// scalar symbol broadcast in a sum, a quotient and a product.
constexpr auto loss = ctdiff::mean(ctdiff::square(1.0 - ctdiff::sigmoid(W * (x + 1) / 2 + lambda) - y)) +
                      ctdiff::sum(x / lambda) * 0.1 + lambda * ctdiff::sum(ctdiff::square(2.0 * W));

std::vector<double> uniform_values(std::size_t n, double low, double high, unsigned seed) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> uniform(low, high);
  std::vector<double> values(n);
  for (double& value : values) value = uniform(generator);
  return values;
}

}  // namespace

TEST_CASE("a batch with numbers and a scalar parameter: the per-sample gradients summed, and central differences") {
  constexpr std::size_t n = 9;
  std::vector<double> flat = uniform_values(ctdiff::flat_size(parameters), 0.5, 1.5, 4);
  const std::vector<double> features = uniform_values(inputs * n, -1, 1, 5),
                            targets = uniform_values(outputs * n, 0, 1, 6);
  const auto parameter_bindings = ctdiff::tensors_in(parameters, std::span<const double>(flat)).bindings();
  auto workspace = ctdiff::make_batch_workspace<double>(loss, ctdiff::per_sample(x, y), n);
  std::vector<double> gradient(flat.size());
  const auto batch =
      ctdiff::combine(parameter_bindings, ctdiff::at(ctdiff::samples(x, features), ctdiff::samples(y, targets)));
  const double value =
      ctdiff::add_gradient(ctdiff::gradient(loss, parameters), batch, workspace, std::span<double>(gradient));

  auto sample = [&](std::size_t j) {
    return ctdiff::combine(parameter_bindings,
                           ctdiff::at(x = std::span<const double, inputs>(features.data() + inputs * j, inputs),
                                      y = std::span<const double, outputs>(targets.data() + outputs * j, outputs)));
  };
  auto per_sample_loss = [&] {
    double total = 0;
    for (std::size_t j = 0; j != n; ++j) total += ctdiff::eval(loss, sample(j));
    return total;
  };
  std::vector<double> expected(flat.size());
  double expected_value = 0;
  for (std::size_t j = 0; j != n; ++j) {
    const auto g = ctdiff::eval(ctdiff::gradient(loss, parameters), sample(j));
    expected_value += g.value;
    for (std::size_t k = 0; k != flat.size(); ++k) expected[k] += g.flat[k];
  }
  REQUIRE(value == close_to(expected_value, 1e-12));
  for (std::size_t k = 0; k != flat.size(); ++k) {
    INFO("element " << k << " of the flat gradient (the last is lambda's)");
    REQUIRE(gradient[k] == close_to(expected[k], 1e-12, 1e-13));
    const double saved = flat[k], step = 1e-6;
    flat[k] = saved + step;
    const double above = per_sample_loss();
    flat[k] = saved - step;
    const double below = per_sample_loss();
    flat[k] = saved;
    REQUIRE(gradient[k] == close_to((above - below) / (2 * step), 1e-6, 1e-7));
  }

  SECTION("lambda bound to a number gives the value of lambda bound as a parameter") {
    const auto number_bound =
        ctdiff::at(W = std::span<const double, outputs * inputs>(flat.data(), outputs * inputs), lambda = flat.back(),
                   ctdiff::samples(x, features), ctdiff::samples(y, targets));
    REQUIRE(ctdiff::eval(loss, number_bound, workspace) == close_to(value, 1e-14));
  }
}

TEST_CASE("fit with a tensor and a scalar parameter mixed finds the optimum known by hand") {
  // y = A x + 0.5 exactly: W * x + lambda fits it with W = A, lambda = 0.5 and a loss of 0.
  constexpr std::size_t n = 40;
  const std::array<double, outputs * inputs> A{0.5, -1.0, 2.0, 1.5, 0.25, -0.75};
  const std::vector<double> features = uniform_values(inputs * n, -1, 1, 7);
  std::vector<double> targets(outputs * n);
  for (std::size_t j = 0; j != n; ++j)
    for (std::size_t i = 0; i != outputs; ++i) {
      targets[outputs * j + i] = 0.5;
      for (std::size_t p = 0; p != inputs; ++p)
        targets[outputs * j + i] += A[inputs * i + p] * features[inputs * j + p];
    }
  const auto result =
      ctdiff::fit(ctdiff::mean_squared_error(W * x + lambda, y), ctdiff::params(W = ctdiff::zeros(W), lambda = 0),
                  ctdiff::data(ctdiff::samples(x, features), ctdiff::samples(y, targets)),
                  {.method = ctdiff::optimizer::lbfgs, .max_epochs = 200, .gradient_tolerance = 1e-12});
  REQUIRE(result.flat.size() == 7);
  REQUIRE(result.stop == ctdiff::stop_reason::gradient_tolerance);
  // The data fit exactly, so the loss is quadratic with Hessian (1/n) Σ_j Σ_i J_ijᵀ J_ij, J_ij the
  // derivative of output i of sample j, (x_j in row i of W, 1 for lambda); |θ - θ*| <= |gradient| / its
  // smallest eigenvalue.
  Eigen::Matrix<double, 7, 7> hessian = Eigen::Matrix<double, 7, 7>::Zero();
  for (std::size_t j = 0; j != n; ++j)
    for (std::size_t i = 0; i != outputs; ++i) {
      Eigen::Matrix<double, 7, 1> derivative = Eigen::Matrix<double, 7, 1>::Zero();
      for (std::size_t p = 0; p != inputs; ++p) derivative[Eigen::Index(inputs * i + p)] = features[inputs * j + p];
      derivative[6] = 1;
      hessian += derivative * derivative.transpose() / double(n);
    }
  const double distance = 1e-12 / Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, 7, 7>>(hessian).eigenvalues()[0];
  REQUIRE(result[lambda] == close_to(0.5, 0, distance));
  REQUIRE(result.flat.back() == result[lambda]);
  for (std::size_t k = 0; k != A.size(); ++k) REQUIRE(result[W][k] == close_to(A[k], 0, distance));
  REQUIRE(result.loss_per_epoch.back() < 1e-15);
}

TEST_CASE("a scalar expression of a scalar parameter in a batch: the per-sample gradients summed") {
  constexpr std::size_t n = 7;
  constexpr auto scaled = ctdiff::mean(ctdiff::square(W * x - y)) * exp(lambda) +
                          pow<2>(lambda - 1) * ctdiff::sum(ctdiff::square(W)) + ctdiff::sum(x) / (1 + lambda * lambda);
  const std::vector<double> flat = uniform_values(ctdiff::flat_size(parameters), 0.5, 1.5, 8);
  const std::vector<double> features = uniform_values(inputs * n, -1, 1, 9),
                            targets = uniform_values(outputs * n, 0, 1, 10);
  const auto parameter_bindings = ctdiff::tensors_in(parameters, std::span<const double>(flat)).bindings();
  auto workspace = ctdiff::make_batch_workspace<double>(scaled, ctdiff::per_sample(x, y), n);
  std::vector<double> gradient(flat.size());
  const double value = ctdiff::add_gradient(
      ctdiff::gradient(scaled, parameters),
      ctdiff::combine(parameter_bindings, ctdiff::at(ctdiff::samples(x, features), ctdiff::samples(y, targets))),
      workspace, std::span<double>(gradient));

  std::vector<double> expected(flat.size());
  double expected_value = 0;
  for (std::size_t j = 0; j != n; ++j) {
    const auto g = ctdiff::eval(
        ctdiff::gradient(scaled, parameters),
        ctdiff::combine(parameter_bindings,
                        ctdiff::at(x = std::span<const double, inputs>(features.data() + inputs * j, inputs),
                                   y = std::span<const double, outputs>(targets.data() + outputs * j, outputs))));
    expected_value += g.value;
    for (std::size_t k = 0; k != flat.size(); ++k) expected[k] += g.flat[k];
  }
  REQUIRE(value == close_to(expected_value, 1e-12));
  for (std::size_t k = 0; k != flat.size(); ++k) {
    INFO("element " << k << " of the flat gradient (the last is lambda's)");
    REQUIRE(gradient[k] == close_to(expected[k], 1e-12));
  }
}

TEST_CASE("a constant in data(...) is held fixed, inside exp(lambda): ridge regression's closed form, and predict") {
  constexpr auto V = ctdiff::matrix<"V", 1, 2>;
  constexpr auto u = ctdiff::vector<"u", 2>;
  constexpr auto t = ctdiff::vector<"t", 1>;
  // The mean of (V u - t)² + exp(lambda) |V|² over u = (1, 0), (0, 1), (1, 1) and t = 1, 2, 3 with
  // exp(lambda) = 1/2 is least where (Σ u uᵀ / 3 + I / 2) Vᵀ = Σ u t / 3: [7 2; 2 7] Vᵀ = [8; 10], V = (0.8, 1.2).
  const std::vector<double> inputs{1, 0, 0, 1, 1, 1}, outputs{1, 2, 3};
  const auto result =
      ctdiff::fit(ctdiff::sum(ctdiff::square(V * u - t)) + exp(lambda) * ctdiff::sum(ctdiff::square(V)),
                  ctdiff::params(V = ctdiff::zeros(V)),
                  ctdiff::data(ctdiff::samples(u, inputs), ctdiff::samples(t, outputs), lambda = std::log(0.5)),
                  {.method = ctdiff::optimizer::lbfgs, .max_epochs = 100, .gradient_tolerance = 1e-13});
  REQUIRE(result.flat.size() == 2);
  REQUIRE(result[V][0] == close_to(0.8, 1e-10));
  REQUIRE(result[V][1] == close_to(1.2, 1e-10));

  const auto values = ctdiff::predict(V * u + lambda, result, ctdiff::data(ctdiff::samples(u, inputs), lambda = 10));
  REQUIRE(values.size() == 3);
  REQUIRE(values[0] == close_to(10.8, 1e-12));
  REQUIRE(values[1] == close_to(11.2, 1e-12));
  REQUIRE(values[2] == close_to(12.0, 1e-12));
}
