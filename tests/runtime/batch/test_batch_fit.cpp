// fit over batches against minimize over the per-sample tensor_objective of
// <ctdiff/tensor.hpp> with the same options: the same steps, so the same
// parameters and losses up to the rounding of the sums' order; predict
// against the per-sample eval.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <vector>

#include "batch_model.hpp"
#include "close_to.hpp"

using namespace batch_model;
using ctdiff_test::close_to;

namespace {

void require_fit_matches_per_sample_training(const ctdiff::options& o) {
  const problem p(45);
  const auto tensors = ctdiff::tensors_in(parameters, std::span<const double>(p.flat));
  const auto result =
      ctdiff::fit(loss,
                  ctdiff::params(net.W1 = tensors[net.W1], net.b1 = tensors[net.b1], net.W2 = tensors[net.W2],
                                 net.b2 = tensors[net.b2]),
                  ctdiff::data(ctdiff::samples(net.x, p.features), ctdiff::samples(net.y, p.targets)), o);

  std::vector<double> flat = p.flat;
  ctdiff::tensor_objective objective(ctdiff::gradient(loss, parameters), flat, [&p](std::size_t n) {
    return ctdiff::at(net.x = std::span<const double, inputs>(p.features.data() + inputs * n, inputs),
                      net.y = std::span<const double, classes>(p.targets.data() + classes * n, classes));
  });
  const auto expected = ctdiff::minimize(objective, flat, 45, o);

  REQUIRE(result.epochs == expected.epochs);
  REQUIRE(result.loss_per_epoch.size() == expected.loss_per_epoch.size());
  for (std::size_t e = 0; e != expected.loss_per_epoch.size(); ++e)
    REQUIRE(result.loss_per_epoch[e] == close_to(expected.loss_per_epoch[e], 1e-10));
  REQUIRE(expected.loss_per_epoch.back() < 0.9 * expected.loss_per_epoch.front());
  for (std::size_t k = 0; k != flat.size(); ++k) REQUIRE(result.flat[k] == close_to(flat[k], 1e-10, 1e-12));
  REQUIRE(result[net.W2][3] == result.flat[ctdiff::flat_size(ctdiff::wrt(net.W1, net.b1)) + 3]);
}

}  // namespace

TEST_CASE("fit over batches takes the steps of per-sample training: full batch") {
  require_fit_matches_per_sample_training(
      {.method = ctdiff::optimizer::gradient_descent, .learning_rate = 0.1, .max_epochs = 20});
}

TEST_CASE("fit over batches takes the steps of per-sample training: shuffled mini-batches of 7, the last of 3") {
  require_fit_matches_per_sample_training(
      {.method = ctdiff::optimizer::adam, .learning_rate = 0.01, .max_epochs = 10, .batch_size = 7, .seed = 3});
}

TEST_CASE("fit over batches on two threads takes the steps of one") {
  require_fit_matches_per_sample_training({.method = ctdiff::optimizer::adam,
                                           .learning_rate = 0.01,
                                           .max_epochs = 5,
                                           .batch_size = 40,
                                           .threads = 2,
                                           .split = ctdiff::splitting::always});
}

TEST_CASE("predict gives the per-sample value of the model for every sample") {
  const problem p(300);  // more than one piece of the workspace
  ctdiff::tensor_fit_result<decltype(parameters), double> fitted{{}, p.flat};
  const auto values = ctdiff::predict(net.logits, fitted, ctdiff::data(ctdiff::samples(net.x, p.features)));
  REQUIRE(values.size() == 300 * classes);
  // Logits are sums of terms near 1: a logit near 0 is compared to 1e-13 of them, not of itself.
  for (std::size_t n = 0; n != 300; ++n) {
    const auto expected = ctdiff::eval(net.logits, p.sample(n));
    for (std::size_t k = 0; k != classes; ++k) REQUIRE(values[classes * n + k] == close_to(expected[k], 1e-13, 1e-13));
  }
}
