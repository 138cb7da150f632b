// Evaluating a tensor gradient allocates nothing: the node values and
// adjoints are in the workspace, the parameters and data are views, and the
// gradient goes into the caller's storage.
#include <array>
#include <catch2/catch.hpp>
#include <ctdiff/ctdiff.hpp>
#include <memory>
#include <vector>

#include "allocation_counter.hpp"

using allocation_counter::allocations;
using namespace ctdiff;

namespace {
constexpr auto x = ctdiff::vector<"x", 16>;
constexpr auto y = ctdiff::vector<"y", 4>;
constexpr auto W1 = matrix<"W1", 8, 16>;
constexpr auto b1 = ctdiff::vector<"b1", 8>;
constexpr auto W2 = matrix<"W2", 4, 8>;
constexpr auto b2 = ctdiff::vector<"b2", 4>;
constexpr auto loss = cross_entropy(W2 * tanh(W1 * x + b1) + b2, y) + mean_squared_error(softmax(W2 * relu(W1 * x)), y);
constexpr auto parameters = wrt(W1, b1, W2, b2);
}  // namespace

TEST_CASE("a tensor gradient with a workspace allocates nothing") {
  std::vector<double> flat(flat_size(parameters), 0.05), sums(flat.size(), 0.0);
  std::array<double, 16> image{};
  image[3] = 1;
  const std::vector<double> label{0, 0, 1, 0};
  const auto state = std::make_unique<workspace<double, decltype(loss)>>();
  const auto b = combine(tensors_in(parameters, std::span<double>(flat)).bindings(), at(x = image, y = label));

  const std::size_t before = allocations;
  const double value = eval(loss, b, *state);
  const double summed = add_gradient(gradient(loss, parameters), b, *state, std::span<double>(sums));
  const auto g = eval(gradient(loss, parameters), b, *state);
  const auto on_the_stack = eval(gradient(loss, parameters), b);
  REQUIRE(allocations == before);
  REQUIRE(value == summed);
  REQUIRE(g.flat == on_the_stack.flat);
}

TEST_CASE("tensor_objective allocates only its workspace, once") {
  std::vector<double> flat(flat_size(parameters), 0.05), sums(flat.size(), 0.0);
  const std::array<double, 16> image{};
  const std::array<double, 4> label{1, 0, 0, 0};
  const std::size_t before = allocations;
  tensor_objective objective(gradient(loss, parameters), flat, [&](std::size_t) { return at(x = image, y = label); });
  REQUIRE(allocations == before + 1);
  const std::array<std::size_t, 3> samples{0, 1, 2};
  objective(samples, sums);
  objective(samples, {});
  REQUIRE(allocations == before + 1);
}
