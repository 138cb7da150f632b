// The single ReLU neuron: inputs x = [1, −2, 3], weights w = [−3, −1, 2],
// bias b = 1 give the output relu(w·x + b) = 6. The gradient of the output
// with respect to w is x and with respect to b is 1, so one step of rate 0.01
// that lowers the output gives 6 − 0.01·(1 + 4 + 9 + 1) = 5.85.
#include <array>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>

#include "example_check.hpp"

int main() {
  using namespace ctdiff;
  constexpr auto w0 = var<"w0">;
  constexpr auto w1 = var<"w1">;
  constexpr auto w2 = var<"w2">;
  constexpr auto b = var<"b">;
  constexpr auto x0 = var<"x0">;
  constexpr auto x1 = var<"x1">;
  constexpr auto x2 = var<"x2">;
  constexpr auto output = relu(w0 * x0 + w1 * x1 + w2 * x2 + b);
  std::printf("f     = %s\n", to_string(output).c_str());
  std::printf("df/dw0 = %s\ndf/dw1 = %s\ndf/dw2 = %s\ndf/db  = %s\n", to_string(d(output, w0)).c_str(),
              to_string(d(output, w1)).c_str(), to_string(d(output, w2)).c_str(), to_string(d(output, b)).c_str());

  const std::array input0{1.0};
  const std::array input1{-2.0};
  const std::array input2{3.0};
  const auto input = data(x0 = input0, x1 = input1, x2 = input2);
  const auto start = params(w0 = -3.0, w1 = -1.0, w2 = 2.0, b = 1.0);
  example::expect_near("output before", predict(output, start.initial, input)[0], 6.0, 1e-12);

  // Minimizing the output itself: one gradient-descent step on one sample.
  const auto stepped = fit(output, start, input, {.learning_rate = 0.01, .max_epochs = 1});
  std::printf("w = [%g, %g, %g], b = %g\n", stepped[w0], stepped[w1], stepped[w2], stepped[b]);
  example::expect_near("output after one step", predict(output, stepped.parameters, input)[0], 5.85, 1e-12);
  return example::exit_code();
}
