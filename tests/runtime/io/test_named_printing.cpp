// Named intermediates print by their name, and a formula with the
// definitions it uses reads the way backprop is written out by hand.
#include <catch2/catch.hpp>
#include <ctdiff/ctdiff.hpp>

namespace {

using namespace ctdiff;
constexpr auto w = var<"w">;
constexpr auto x = var<"x">;
constexpr auto b = var<"b">;
constexpr auto y = var<"y">;

TEST_CASE("the ReLU neuron's derivative with its intermediates named, as the tutorials write it") {
  constexpr auto z = let<"z">(w * x + b);
  constexpr auto a = let<"a">(relu(z));
  constexpr auto error = pow<2>(a - y);
  CHECK(to_string(error) == "(a - y)^2");
  CHECK(to_string(d(error, w)) == "2*(a - y)*step(z)*x");
  CHECK(to_string_with_definitions(d(error, w)) == "z = w*x + b\na = relu(z)\n2*(a - y)*step(z)*x");
  CHECK(to_string_with_definitions(error) == "z = w*x + b\na = relu(z)\n(a - y)^2");
  const auto point = at(w = 0.5, x = 2.0, b = 0.25, y = 1.0);
  CHECK(eval(d(error, w), point) == 2 * (1.25 - 1.0) * 2.0);
}

TEST_CASE("a derivative through a name computes from the name's value: sigmoid' is h*(1 - h)") {
  constexpr auto h = let<"h">(sigmoid(w * x + b));
  CHECK(to_string(d(0.5 * pow<2>(h - y), b)) == "(h - y)*h*(1 - h)");
}

TEST_CASE("to_dot draws every entry once, names as boxes") {
  constexpr auto z = let<"z">(w * x + b);
  const std::string dot = to_dot(z * z + z);
  CHECK(dot.starts_with("digraph expression {"));
  CHECK(dot.find("[label=\"z\", shape=box]") != std::string::npos);
  CHECK(dot.find("[label=\"w\"]") == dot.rfind("[label=\"w\"]"));  // w drawn once
}

}  // namespace
