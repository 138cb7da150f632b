// Shared subexpressions are computed once per evaluation, forward and
// backward: counted by a function node that counts its own calls, and the
// results checked against a hand-written backprop and central differences.
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <string>
#include <type_traits>

#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;

// x^2 that counts how often it is computed.
struct counted_square_op {
  static constexpr std::string_view name = "counted";
  static inline int calls = 0;
  static auto apply(auto value) {
    ++calls;
    return value * value;
  }
  static constexpr auto derivative(const auto& argument, const auto&) { return int_c<2> * argument; }
};
template <class E>
constexpr auto counted(const E& e) {
  return make_call<counted_square_op>(e);
}

TEST_CASE("a subexpression used three times is computed once by eval, gradient and each Hessian row") {
  const auto shared = counted(x * y);
  const auto f = shared + sin(shared) * shared + x / shared;
  const auto point = at(x = 0.7, y = -1.3);
  counted_square_op::calls = 0;
  const double value = eval(f, point);
  CHECK(counted_square_op::calls == 1);
  const double s = (0.7 * -1.3) * (0.7 * -1.3);
  CHECK(value == close_to(s + std::sin(s) * s + 0.7 / s, 1e-14));

  counted_square_op::calls = 0;
  [[maybe_unused]] auto g = eval(gradient(f, wrt(x, y)), point);
  CHECK(counted_square_op::calls == 1);

  counted_square_op::calls = 0;
  [[maybe_unused]] auto h = eval(hessian(f, wrt(x, y)), point);
  CHECK(counted_square_op::calls == 2);  // one forward pass per row
  ctdiff_test::require_first_derivatives(f, wrt(x, y), point);
  ctdiff_test::require_second_derivatives(f, wrt(x, y), point);
}

TEST_CASE("let names a value that holds a runtime literal, computed once wherever the name appears") {
  const auto r = let<"r">(counted(0.5 * x + y));  // a literal inside: only the name makes it one value
  const auto f = r * w + pow<2>(r - b) + sqrt(r);
  const auto point = at(x = 1.1, y = 0.4, w = 2.0, b = 0.3);
  counted_square_op::calls = 0;
  const double value = eval(f, point);
  CHECK(counted_square_op::calls == 1);
  const double rv = (0.5 * 1.1 + 0.4) * (0.5 * 1.1 + 0.4);
  CHECK(value == close_to(rv * 2.0 + (rv - 0.3) * (rv - 0.3) + std::sqrt(rv), 1e-14));
  counted_square_op::calls = 0;
  const auto g = eval(gradient(f, wrt(x, y, w, b)), point);
  CHECK(counted_square_op::calls == 1);
  const double dr = 2.0 + 2 * (rv - 0.3) + 0.5 / std::sqrt(rv);  // df/dr by hand
  const double inner = 0.5 * 1.1 + 0.4;
  CHECK(g[0] == close_to(dr * 2 * inner * 0.5, 1e-13));
  CHECK(g[1] == close_to(dr * 2 * inner, 1e-13));
  CHECK(g[2] == close_to(rv, 1e-14));
  CHECK(g[3] == close_to(-2 * (rv - 0.3), 1e-14));
  ctdiff_test::require_first_derivatives(f, wrt(x, y, w, b), point);
  ctdiff_test::require_second_derivatives(f, wrt(x, y, w, b), point);
}

// The tutorials' network: hidden units feeding every output, squared error summed over outputs.
constexpr auto a00 = var<"a00">;
constexpr auto a01 = var<"a01">;
constexpr auto a10 = var<"a10">;
constexpr auto a11 = var<"a11">;
constexpr auto c0 = var<"c0">;
constexpr auto c1 = var<"c1">;
constexpr auto v00 = var<"v00">;
constexpr auto v01 = var<"v01">;
constexpr auto v10 = var<"v10">;
constexpr auto v11 = var<"v11">;
constexpr auto e0 = var<"e0">;
constexpr auto e1 = var<"e1">;
constexpr auto x0 = var<"x0">;
constexpr auto x1 = var<"x1">;
constexpr auto t0 = var<"t0">;
constexpr auto t1 = var<"t1">;
constexpr auto h0 = sigmoid(a00 * x0 + a01 * x1 + c0);
constexpr auto h1 = sigmoid(a10 * x0 + a11 * x1 + c1);
constexpr auto o0 = sigmoid(v00 * h0 + v01 * h1 + e0);
constexpr auto o1 = sigmoid(v10 * h0 + v11 * h1 + e1);
constexpr auto network_loss = pow<2>(o0 - t0) + pow<2>(o1 - t1);

TEST_CASE("a network whose hidden units feed every output: the gradient is the hand-written backprop") {
  const double A[2][2] = {{0.3, -0.8}, {0.5, 0.9}}, C[2] = {0.1, -0.2}, V[2][2] = {{-0.6, 0.4}, {0.7, 0.2}},
               E[2] = {0.05, -0.3}, X[2] = {0.8, -1.1}, Y[2] = {1.0, 0.0};
  const auto point =
      at(a00 = A[0][0], a01 = A[0][1], a10 = A[1][0], a11 = A[1][1], c0 = C[0], c1 = C[1], v00 = V[0][0], v01 = V[0][1],
         v10 = V[1][0], v11 = V[1][1], e0 = E[0], e1 = E[1], x0 = X[0], x1 = X[1], t0 = Y[0], t1 = Y[1]);
  const auto parameters = wrt(a00, a01, a10, a11, c0, c1, v00, v01, v10, v11, e0, e1);
  const auto g = eval(gradient(network_loss, parameters), point);

  auto sigma = [](double z) { return 1 / (1 + std::exp(-z)); };
  double h[2], o[2], delta_o[2], delta_h[2];
  for (int j = 0; j != 2; ++j) h[j] = sigma(A[j][0] * X[0] + A[j][1] * X[1] + C[j]);
  for (int k = 0; k != 2; ++k) o[k] = sigma(V[k][0] * h[0] + V[k][1] * h[1] + E[k]);
  for (int k = 0; k != 2; ++k) delta_o[k] = 2 * (o[k] - Y[k]) * o[k] * (1 - o[k]);
  for (int j = 0; j != 2; ++j) delta_h[j] = (delta_o[0] * V[0][j] + delta_o[1] * V[1][j]) * h[j] * (1 - h[j]);
  const double by_hand[12] = {delta_h[0] * X[0], delta_h[0] * X[1], delta_h[1] * X[0], delta_h[1] * X[1],
                              delta_h[0],        delta_h[1],        delta_o[0] * h[0], delta_o[0] * h[1],
                              delta_o[1] * h[0], delta_o[1] * h[1], delta_o[0],        delta_o[1]};
  for (int i = 0; i != 12; ++i) {
    INFO("parameter " << i);
    CHECK(g[i] == close_to(by_hand[i], 1e-12, 1e-15));
  }
  ctdiff_test::require_first_derivatives(network_loss, parameters, point);
  ctdiff_test::require_second_derivatives(network_loss, wrt(a00, c1, v01, e0), point);
}

TEST_CASE("the schedule holds each shared subexpression once") {
  // h0 and h1 appear in both outputs; the schedule keeps one entry for each.
  using S = schedule<std::remove_cvref_t<decltype(network_loss)>>;
  using H0 = std::remove_cvref_t<decltype(h0)>;
  CHECK(S::contains<H0>);
  const std::string dot = to_dot(network_loss);
  std::size_t nodes = 0, edges = 0;
  for (std::size_t at = dot.find("[label="); at != std::string::npos; at = dot.find("[label=", at + 1)) ++nodes;
  for (std::size_t at = dot.find(" -> "); at != std::string::npos; at = dot.find(" -> ", at + 1)) ++edges;
  CHECK(nodes == S::size);
  const std::size_t h0_slot = S::index_of<H0>;
  std::string h0_edge = "  n";
  h0_edge.append(std::to_string(h0_slot)).append(" -> ");
  std::size_t uses = 0;
  for (std::size_t at = dot.find(h0_edge); at != std::string::npos; at = dot.find(h0_edge, at + 1)) ++uses;
  CHECK(uses == 2);  // drawn once, with an edge to each output's product
  // Every entry but the symbols and constants has one edge per operand; a tree would have one more node per use.
  CHECK(edges >= nodes - 1);
}

}  // namespace
