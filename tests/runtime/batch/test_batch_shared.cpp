// A tensor subexpression used twice in a batched model is computed once per
// sample of the batch, forward and backward (counted by an operation that
// counts its calls), and the batch's gradient is the sum of the per-sample
// gradients and that of the same model without sharing.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/batch.hpp>
#include <memory>
#include <span>
#include <vector>

#include "close_to.hpp"
#include "counted_tensor_op.hpp"

namespace {

using namespace ctdiff;
using namespace counted_tensor_op;
using ctdiff_test::close_to;

constexpr std::size_t sample_count = 5;
constexpr auto x = ctdiff::vector<"x", 3>;
constexpr auto W1 = matrix<"W1", 4, 3>;
constexpr auto b1 = ctdiff::vector<"b1", 4>;
constexpr auto W2 = matrix<"W2", 2, 4>;
constexpr auto parameters = wrt(W1, b1, W2);

struct problem {
  std::vector<double> flat = std::vector<double>(flat_size(parameters));
  std::vector<double> features = std::vector<double>(3 * sample_count);
  problem() {
    for (std::size_t k = 0; k != flat.size(); ++k) flat[k] = std::sin(1.3 * static_cast<double>(k) + 0.2);
    for (std::size_t k = 0; k != features.size(); ++k) features[k] = std::cos(0.7 * static_cast<double>(k));
  }
  auto batch() const {
    return combine(tensors_in(parameters, std::span<const double>(flat)).bindings(),
                   at(samples(x, std::span<const double>(features))));
  }
  auto sample(std::size_t n) const {
    return combine(tensors_in(parameters, std::span<const double>(flat)).bindings(),
                   at(x = std::span<const double, 3>(features.data() + 3 * n, 3)));
  }
};

template <class E>
std::vector<double> batch_gradient(const E& loss, const problem& p) {
  auto workspace = make_batch_workspace<double>(loss, per_sample(x), sample_count);
  std::vector<double> sums(flat_size(parameters));
  add_gradient(gradient(loss, parameters), p.batch(), workspace, std::span<double>(sums));
  return sums;
}

template <class E>
std::vector<double> sum_of_sample_gradients(const E& loss, const problem& p) {
  std::vector<double> sums(flat_size(parameters));
  const auto state = std::make_unique<workspace<double, E>>();
  for (std::size_t n = 0; n != sample_count; ++n)
    add_gradient(gradient(loss, parameters), p.sample(n), *state, std::span<double>(sums));
  return sums;
}

void require_close(const std::vector<double>& values, const std::vector<double>& expected) {
  for (std::size_t k = 0; k != values.size(); ++k) {
    INFO("element " << k << " of the flat gradient");
    REQUIRE(values[k] == close_to(expected[k], 1e-12, 1e-14));
  }
}

}  // namespace

TEST_CASE("a named hidden layer used twice in a batched model is computed once per sample") {
  const problem p;
  const auto h = let<"h">(counted_sigmoid(W1 * x + b1));
  const auto loss = sum(square(W2 * h)) + sum(h);
  reset_calls();
  const auto shared = batch_gradient(loss, p);
  CHECK(calls_of<0>().forward == int(sample_count));
  CHECK(calls_of<0>().backward == int(sample_count));
  require_close(shared, sum_of_sample_gradients(loss, p));

  const auto tree = sum(square(W2 * counted_sigmoid<0>(W1 * x + b1))) + sum(counted_sigmoid<1>(W1 * x + b1));
  reset_calls();
  require_close(shared, batch_gradient(tree, p));
  CHECK(calls_of<1>().forward == int(sample_count));  // the copy is a value of its own
}

TEST_CASE("a residual connection in a batched model, shared by its type") {
  const problem p;
  constexpr auto W = matrix<"W", 4, 4>;
  const auto h = counted_sigmoid(W1 * x + b1);
  const auto loss = sum(square(W2 * (h + W * h)));
  const auto with_W = wrt(W1, b1, W2, W);
  std::vector<double> flat(flat_size(with_W));
  for (std::size_t k = 0; k != flat.size(); ++k) flat[k] = std::sin(0.9 * static_cast<double>(k) + 0.4);
  const auto weights = tensors_in(with_W, std::span<const double>(flat)).bindings();
  auto workspace = make_batch_workspace<double>(loss, per_sample(x), sample_count);
  std::vector<double> shared(flat.size()), by_samples(flat.size());
  reset_calls();
  add_gradient(gradient(loss, with_W), combine(weights, at(samples(x, std::span<const double>(p.features)))), workspace,
               std::span<double>(shared));
  CHECK(calls_of<0>().forward == int(sample_count));
  CHECK(calls_of<0>().backward == int(sample_count));
  const auto state = std::make_unique<ctdiff::workspace<double, std::remove_cvref_t<decltype(loss)>>>();
  for (std::size_t n = 0; n != sample_count; ++n)
    add_gradient(gradient(loss, with_W),
                 combine(weights, at(x = std::span<const double, 3>(p.features.data() + 3 * n, 3))), *state,
                 std::span<double>(by_samples));
  require_close(shared, by_samples);
}
