// Shared tensor subexpressions are computed once per evaluation, forward and
// backward: counted by a tensor operation that counts its own calls, and the
// gradients checked against the same models written without sharing (each use
// its own copy) and against central differences.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <span>
#include <string>
#include <vector>

#include "close_to.hpp"
#include "counted_tensor_op.hpp"
#include "tensor_checks.hpp"

namespace {

using namespace ctdiff;
using namespace counted_tensor_op;
using ctdiff_test::close_to;

constexpr auto x = ctdiff::vector<"x", 3>;
constexpr auto W1 = matrix<"W1", 4, 3>;
constexpr auto b1 = ctdiff::vector<"b1", 4>;
constexpr auto W2 = matrix<"W2", 2, 4>;
constexpr auto W = matrix<"W", 4, 4>;
constexpr auto parameters = wrt(W1, b1, W2, W, x);

// Parameters in the flat layout of `parameters`, spread over about [-1, 1].
std::vector<double> parameter_values() {
  std::vector<double> flat(flat_size(parameters));
  for (std::size_t k = 0; k != flat.size(); ++k) flat[k] = std::sin(1.7 * static_cast<double>(k) + 0.3);
  return flat;
}

// Calls made by one eval, one eval(gradient), and one add_gradient with a workspace, each from zero.
template <class E>
void require_calls_per_evaluation(const E& loss, calls expected) {
  std::vector<double> flat = parameter_values();
  const auto b = tensors_in(parameters, std::span<double>(flat)).bindings();
  reset_calls();
  [[maybe_unused]] const double value = eval(loss, b);
  CHECK(calls_of<0>().forward == expected.forward);
  CHECK(calls_of<0>().backward == 0);
  reset_calls();
  [[maybe_unused]] const auto g = eval(gradient(loss, parameters), b);
  CHECK(calls_of<0>().forward == expected.forward);
  CHECK(calls_of<0>().backward == expected.backward);
  reset_calls();
  workspace<double, E> state;
  std::vector<double> sums(flat.size());
  add_gradient(gradient(loss, parameters), b, state, std::span<double>(sums));
  CHECK(calls_of<0>().forward == expected.forward);
  CHECK(calls_of<0>().backward == expected.backward);
}

// The same gradient from a model with sharing and one without, to 1e-12, and
// against central differences.
template <class Shared, class Tree>
void require_same_gradient(const Shared& shared, const Tree& tree) {
  std::vector<double> flat = parameter_values();
  const auto b = tensors_in(parameters, std::span<double>(flat)).bindings();
  const auto by_dag = eval(gradient(shared, parameters), b);
  const auto by_tree = eval(gradient(tree, parameters), b);
  CHECK(by_dag.value == close_to(by_tree.value, 1e-12));
  for (std::size_t k = 0; k != by_dag.flat.size(); ++k) {
    INFO("element " << k << " of the flat gradient");
    CHECK(by_dag.flat[k] == close_to(by_tree.flat[k], 1e-12, 1e-14));
  }
  tensor_checks::require_gradient_matches_finite_differences(shared, parameters, flat);
}

TEST_CASE("a named hidden layer used twice is computed once per eval and per gradient") {
  const auto h = let<"h">(counted_sigmoid(W1 * x + b1));
  const auto loss = sum(square(W2 * h)) + sum(W * h);
  require_calls_per_evaluation(loss, {1, 1});
  CHECK(to_string(loss) == "sum(square(W2*h)) + sum(W*h)");

  const auto once = counted_sigmoid<0>(W1 * x + b1);
  const auto again = counted_sigmoid<1>(W1 * x + b1);
  const auto tree = sum(square(W2 * once)) + sum(W * again);
  require_same_gradient(loss, tree);
  reset_calls();
  std::vector<double> flat = parameter_values();
  [[maybe_unused]] const auto g = eval(gradient(tree, parameters), tensors_in(parameters, std::span(flat)).bindings());
  CHECK(calls_of<0>().forward == 1);  // the counters tell copies apart: the tree computes each once
  CHECK(calls_of<1>().forward == 1);
}

TEST_CASE("the same hidden layer without a name is one value by its type") {
  const auto h = counted_sigmoid(W1 * x + b1);
  const auto loss = sum(square(W2 * h)) + sum(W * h);
  require_calls_per_evaluation(loss, {1, 1});
  require_same_gradient(loss, sum(square(W2 * h)) + sum(W * counted_sigmoid<1>(W1 * x + b1)));
}

TEST_CASE("a residual connection h + W*h, and h with itself, pass h's adjoint on once") {
  const auto h = counted_sigmoid(W1 * x + b1);
  const auto loss = sum(square(h + W * h)) + dot(h, h);
  require_calls_per_evaluation(loss, {1, 1});
  const auto copy = counted_sigmoid<1>(W1 * x + b1);
  require_same_gradient(loss, sum(square(h + W * copy)) + dot(copy, copy));
}

TEST_CASE("a node holding a number is one value only by a name") {
  const auto scaled = counted_sigmoid(0.5 * (W1 * x) + b1);  // 0.5 is held by the expression, not its type
  require_calls_per_evaluation(sum(W2 * scaled) + sum(scaled), {2, 2});
  const auto h = let<"h">(scaled);
  const auto loss = sum(W2 * h) + sum(square(h));
  require_calls_per_evaluation(loss, {1, 1});
  require_same_gradient(loss, sum(W2 * scaled) + sum(square(counted_sigmoid<1>(0.5 * (W1 * x) + b1))));
}

TEST_CASE("a named loss, and a name inside a name, printed with its definitions") {
  const auto z = let<"z">(W1 * x + b1);
  const auto h = let<"h">(sigmoid(z) + z);
  const auto loss = let<"loss">(sum(square(W2 * h)) + sum(z));
  CHECK(to_string(loss) == "loss");
  CHECK(to_string_with_definitions(sum(square(W2 * h)) + sum(z)) ==
        "z = W1*x + b1\nh = sigmoid(z) + z\nsum(square(W2*h)) + sum(z)");
  const auto tree = sum(square(W2 * (sigmoid(W1 * x + b1) + (W1 * x + b1)))) + sum(W1 * x + b1);
  require_same_gradient(loss, tree);
}

// How often text holds pattern.
std::size_t occurrences(const std::string& text, const std::string& pattern) {
  std::size_t count = 0;
  for (std::size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + 1)) ++count;
  return count;
}

TEST_CASE("to_dot draws a tensor model's shared layer once, with an edge to each use") {
  const auto h = let<"h">(sigmoid(W1 * x + b1));
  const auto loss = sum(square(W2 * h)) + 0.5 * sum(h);
  using S = schedule<std::remove_cvref_t<decltype(loss)>>;
  const std::string dot = to_dot(loss);
  CHECK(occurrences(dot, "[label=") == S::size);
  CHECK(occurrences(dot, " -> ") == 14);  // two for each of *, +, *, + and one for sigmoid, h, square, sum, sum, 0.5*
  // Strings built by append: g++ 12 warns falsely (-Wrestrict) on "n" + std::to_string(...).
  std::string h_node = "n";
  h_node.append(std::to_string(S::index_of<detail::name_key<"h">>));
  CHECK(occurrences(dot, std::string(h_node).append(" [label=\"h\", shape=box]")) == 1);
  CHECK(occurrences(dot, std::string("  ").append(h_node).append(" -> ")) == 2);  // into W2*h and into sum(h)
  for (const char* label : {"W1", "x", "b1", "W2", "sigmoid", "square", "sum", "0.5*", "*", "+"}) {
    INFO(label);
    CHECK(occurrences(dot, std::string("[label=\"").append(label).append("\"")) >= 1);
  }
}

}  // namespace
