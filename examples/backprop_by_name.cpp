// Backprop written out the way the tutorials write it: a ReLU neuron with
// its intermediates named, z = w·x + b and a = relu(z), the error
// E = (a − y)², and ∂E/∂w printed with the definitions it uses. The
// derivative is then checked at one point against the chain rule by hand,
// ∂E/∂w = 2(a − y)·step(z)·x, and the model's DAG is written in Graphviz DOT
// (to the file given as the first argument, or to standard output).
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <fstream>
#include <iostream>

#include "example_check.hpp"

int main(int argc, char** argv) {
  using namespace ctdiff;
  constexpr auto w = var<"w">;
  constexpr auto x = var<"x">;
  constexpr auto b = var<"b">;
  constexpr auto y = var<"y">;
  constexpr auto z = let<"z">(w * x + b);
  constexpr auto a = let<"a">(relu(z));
  constexpr auto error = pow<2>(a - y);

  std::printf("%s\n\n", to_string_with_definitions(error).c_str());
  std::printf("dE/dw, with the definitions it uses:\n%s\n\n", to_string_with_definitions(d(error, w)).c_str());

  const double wv = 0.8, xv = 1.5, bv = 0.1, yv = 0.5;
  const double zv = wv * xv + bv, av = zv > 0 ? zv : 0.0;
  const auto point = at(w = wv, x = xv, b = bv, y = yv);
  example::expect_near("dE/dw", eval(d(error, w), point), 2 * (av - yv) * (zv > 0 ? 1.0 : 0.0) * xv, 1e-14);
  example::expect_near("gradient[w]", eval(gradient(error, wrt(w, b)), point)[0], 2 * (av - yv) * xv, 1e-14);

  const std::string dot = to_dot(error);
  if (argc > 1) {
    std::ofstream(argv[1]) << dot;
    std::printf("DOT graph written to %s\n", argv[1]);
  } else {
    std::cout << dot;
  }
  return example::exit_code();
}
