// A batch's loss and gradient against the per-sample path of
// <ctdiff/tensor.hpp> (sample by sample, summed) and against central
// differences of the per-sample losses: for batches of 32, of 7 after 32 in
// the same workspace, of one, and of the whole data set.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "batch_model.hpp"
#include "close_to.hpp"

using namespace batch_model;
using ctdiff_test::close_to;

namespace {

constexpr std::size_t sample_count = 45;

struct per_sample_sums {
  double loss = 0;
  std::vector<double> gradient = std::vector<double>(ctdiff::flat_size(parameters));
};

per_sample_sums sum_of_samples(const problem& p, std::size_t first, std::size_t count) {
  per_sample_sums sums;
  for (std::size_t n = first; n != first + count; ++n)
    sums.loss += ctdiff::add_gradient(ctdiff::gradient(loss, parameters), p.sample(n),
                                      *std::make_unique<ctdiff::workspace<double, decltype(loss)>>(),
                                      std::span<double>(sums.gradient));
  return sums;
}

double largest_magnitude(const std::vector<double>& values) {
  double largest = 0;
  for (double value : values) largest = std::max(largest, std::abs(value));
  return largest;
}

void require_batch_equals_sum_of_samples(const problem& p, auto& workspace, std::size_t first, std::size_t count) {
  INFO("batch of " << count << " samples from sample " << first);
  const per_sample_sums expected = sum_of_samples(p, first, count);
  std::vector<double> gradient(expected.gradient.size());
  const double value = ctdiff::add_gradient(ctdiff::gradient(loss, parameters), p.batch(first, count), workspace,
                                            std::span<double>(gradient));
  REQUIRE(std::abs(value - expected.loss) <= 1e-12 * std::abs(expected.loss));
  REQUIRE(std::abs(ctdiff::eval(loss, p.batch(first, count), workspace) - expected.loss) <=
          1e-12 * std::abs(expected.loss));
  const double scale = largest_magnitude(expected.gradient);
  for (std::size_t k = 0; k != gradient.size(); ++k) {
    INFO("element " << k << " of the flat gradient");
    REQUIRE(std::abs(gradient[k] - expected.gradient[k]) <= 1e-12 * scale);
  }
}

}  // namespace

TEST_CASE("the gradient over a batch is the sum of the per-sample gradients, whatever the batch's size") {
  const problem p(sample_count);
  auto workspace = ctdiff::make_batch_workspace<double>(loss, data, sample_count);
  require_batch_equals_sum_of_samples(p, workspace, 0, 32);
  require_batch_equals_sum_of_samples(p, workspace, 32, 7);  // the last, smaller batch, after a larger one
  require_batch_equals_sum_of_samples(p, workspace, 44, 1);
  require_batch_equals_sum_of_samples(p, workspace, 0, sample_count);
}

TEST_CASE("the gradient over a batch matches central differences of its loss") {
  problem p(7);
  std::vector<double> gradient(p.flat.size());
  auto workspace = ctdiff::make_batch_workspace<double>(loss, data, 7);
  const double weight = 1.0 / 7;
  ctdiff::add_gradient(ctdiff::gradient(loss, parameters), p.batch(0, 7), workspace, std::span<double>(gradient),
                       weight);
  // The per-sample path's losses, not the batch's: the reference does not come from the code under test.
  auto mean_loss = [&p] {
    double total = 0;
    for (std::size_t n = 0; n != 7; ++n) total += ctdiff::eval(loss, p.sample(n));
    return total / 7;
  };
  for (std::size_t k = 0; k != p.flat.size(); ++k) {
    const double saved = p.flat[k];
    const double step = 1e-6 * std::max(1.0, std::abs(saved));
    p.flat[k] = saved + step;
    const double above = mean_loss();
    p.flat[k] = saved - step;
    const double below = mean_loss();
    p.flat[k] = saved;
    INFO("element " << k << " of the flat gradient");
    REQUIRE(gradient[k] == close_to((above - below) / (2 * step), 1e-6, 1e-7));
  }
}

TEST_CASE("each sample's values over a batch are those of the per-sample path") {
  const problem p(9);
  auto workspace = ctdiff::make_batch_workspace<double>(net.logits, ctdiff::per_sample(net.x), 9);
  const auto b = ctdiff::combine(p.parameter_bindings(), ctdiff::at(ctdiff::samples(net.x, p.features)));
  const auto values = ctdiff::eval_samples(net.logits, b, workspace);
  REQUIRE(values.size() == 9 * classes);
  // Logits are sums of terms near 1: a logit near 0 is compared to 1e-13 of them, not of itself.
  for (std::size_t n = 0; n != 9; ++n) {
    const auto expected = ctdiff::eval(net.logits, p.sample(n));
    for (std::size_t k = 0; k != classes; ++k) REQUIRE(values[classes * n + k] == close_to(expected[k], 1e-13, 1e-13));
  }
}

TEST_CASE("a batch in float agrees with the same batch in double") {
  const problem p(16);
  const std::vector<float> flat(p.flat.begin(), p.flat.end()), features(p.features.begin(), p.features.end()),
      targets(p.targets.begin(), p.targets.end());
  auto workspace = ctdiff::make_batch_workspace<float>(loss, data, 16);
  std::vector<float> gradient(flat.size());
  const auto b = ctdiff::combine(ctdiff::tensors_in(parameters, std::span<const float>(flat)).bindings(),
                                 ctdiff::at(ctdiff::samples(net.x, features), ctdiff::samples(net.y, targets)));
  const float value =
      ctdiff::add_gradient(ctdiff::gradient(loss, parameters), b, workspace, std::span<float>(gradient));
  const per_sample_sums expected = sum_of_samples(p, 0, 16);
  REQUIRE(value == close_to(expected.loss, 1e-5));
  for (std::size_t k = 0; k != gradient.size(); ++k) REQUIRE(gradient[k] == close_to(expected.gradient[k], 1e-4, 1e-5));
}

TEST_CASE("a batch that does not fit says so") {
  const problem p(10);
  auto workspace = ctdiff::make_batch_workspace<double>(loss, data, 8);
  std::vector<double> gradient(p.flat.size());
  const auto g = ctdiff::gradient(loss, parameters);
  REQUIRE_THROWS_AS(ctdiff::add_gradient(g, p.batch(0, 10), workspace, std::span<double>(gradient)), std::length_error);
  const auto mismatched = ctdiff::combine(p.parameter_bindings(),
                                          ctdiff::at(ctdiff::samples(net.x, std::span(p.features).first(inputs * 3)),
                                                     ctdiff::samples(net.y, std::span(p.targets).first(classes * 4))));
  REQUIRE_THROWS_AS(ctdiff::add_gradient(g, mismatched, workspace, std::span<double>(gradient)), std::invalid_argument);
  REQUIRE_THROWS_AS(ctdiff::samples(net.x, std::span(p.features).first(inputs + 1)), std::length_error);
  std::vector<double> short_gradient(3);
  REQUIRE_THROWS_AS(ctdiff::add_gradient(g, p.batch(0, 8), workspace, std::span<double>(short_gradient)),
                    std::length_error);
}
