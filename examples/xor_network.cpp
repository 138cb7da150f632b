// The sigmoid hidden-layer network z1(a0(z0(x))) learning XOR:
//   z0 = W0·x + b0 (3 hidden units), a0 = sigmoid(z0), z1 = w1·a0 + b1,
//   E = ½(z1 − y)²,
// every weight a scalar symbol. The same start is trained three ways, by
// batch, stochastic and mini-batch gradient descent, until the mean loss
// is below 0.01.
#include <array>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>

#include "example_check.hpp"

int main() {
  using namespace ctdiff;
  constexpr auto x0 = var<"x0">;
  constexpr auto x1 = var<"x1">;
  constexpr auto y = var<"y">;
  // Hidden unit j: weights u0j, u1j and bias cj; output weights vj and bias d.
  constexpr auto u00 = var<"u00">;
  constexpr auto u10 = var<"u10">;
  constexpr auto c0 = var<"c0">;
  constexpr auto u01 = var<"u01">;
  constexpr auto u11 = var<"u11">;
  constexpr auto c1 = var<"c1">;
  constexpr auto u02 = var<"u02">;
  constexpr auto u12 = var<"u12">;
  constexpr auto c2 = var<"c2">;
  constexpr auto v0 = var<"v0">;
  constexpr auto v1 = var<"v1">;
  constexpr auto v2 = var<"v2">;
  constexpr auto bias = var<"d">;

  constexpr auto a0_0 = sigmoid(u00 * x0 + u10 * x1 + c0);
  constexpr auto a0_1 = sigmoid(u01 * x0 + u11 * x1 + c1);
  constexpr auto a0_2 = sigmoid(u02 * x0 + u12 * x1 + c2);
  constexpr auto z1 = v0 * a0_0 + v1 * a0_1 + v2 * a0_2 + bias;
  constexpr auto loss = 0.5 * pow<2>(z1 - y);
  std::printf("z1       = %s\nE        = %s\n", to_string(z1).c_str(), to_string(loss).c_str());
  std::printf("dE/dd    = %s\ndE/dv0   = %s\ndE/du00  = %s\n", to_string(d(loss, bias)).c_str(),
              to_string(d(loss, v0)).c_str(), to_string(d(loss, u00)).c_str());

  const std::array inputs0{0.0, 0.0, 1.0, 1.0};
  const std::array inputs1{0.0, 1.0, 0.0, 1.0};
  const std::array targets{0.0, 1.0, 1.0, 0.0};
  const auto samples = data(x0 = inputs0, x1 = inputs1, y = targets);
  const auto start = params(u00 = 0.5, u10 = -0.4, c0 = 0.1, u01 = -0.6, u11 = 0.7, c1 = -0.2, u02 = 0.3, u12 = 0.8,
                            c2 = -0.3, v0 = 0.4, v1 = -0.5, v2 = 0.6, bias = 0.0);

  struct run {
    const char* name;
    std::size_t batch_size;
    double learning_rate;
  };
  for (const run r : {run{"batch", 0, 1.0}, run{"stochastic", 1, 0.5}, run{"mini-batch", 2, 1.0}}) {
    const auto result = fit(loss, start, samples,
                            {.learning_rate = r.learning_rate,
                             .max_epochs = 20000,
                             .batch_size = r.batch_size,
                             .loss_tolerance = 0.01,
                             .seed = 7});
    const auto& curve = result.loss_per_epoch;
    std::printf("%-10s (rate %g): loss %.4f -> ... %.4f, %.4f, %.4f after %zu epochs (%s)\n", r.name, r.learning_rate,
                curve.front(), curve[curve.size() - 3], curve[curve.size() - 2], curve.back(), result.epochs,
                to_string(result.stop));
    example::expect(result.stop == stop_reason::loss_tolerance && curve.back() < 0.01, "XOR loss below 0.01");
    const auto outputs = predict(z1, result.parameters, samples);
    std::printf("  outputs for (0,0) (0,1) (1,0) (1,1): %.3f %.3f %.3f %.3f\n", outputs[0], outputs[1], outputs[2],
                outputs[3]);
    for (std::size_t i = 0; i != outputs.size(); ++i) {
      example::expect((outputs[i] > 0.5) == (targets[i] > 0.5), "XOR output on the right side of 0.5");
    }
  }
  return example::exit_code();
}
