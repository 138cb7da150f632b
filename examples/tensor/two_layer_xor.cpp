// The seed's two-layer network, x -> W1 x + b1 -> f -> W2 h + b2 -> f -> y_hat
// -> E, on the four XOR samples: f is the sigmoid, E the squared error. The
// model is written for one sample; fit runs it over the four as one batch
// (full-batch Adam from Glorot starting weights) and predict gives y_hat.
#include <array>
#include <cstddef>
#include <cstdio>
#include <ctdiff/batch.hpp>
#include <string_view>

int main() {
  using namespace ctdiff;
  constexpr auto x = ctdiff::vector<"x", 2>;
  constexpr auto y = ctdiff::vector<"y", 1>;
  constexpr auto W1 = matrix<"W1", 4, 2>;
  constexpr auto b1 = ctdiff::vector<"b1", 4>;
  constexpr auto W2 = matrix<"W2", 1, 4>;
  constexpr auto b2 = ctdiff::vector<"b2", 1>;
  constexpr auto y_hat = sigmoid(W2 * sigmoid(W1 * x + b1) + b2);
  constexpr auto E = mean_squared_error(y_hat, y);

  const std::array<double, 8> inputs{0, 0, 0, 1, 1, 0, 1, 1};  // one sample a row
  const std::array<double, 4> targets{0, 1, 1, 0};
  std::printf("E = %s\n", to_string(E).c_str());
  const auto result =
      fit(E, params(W1 = glorot_uniform(W1, 3), b1 = zeros(b1), W2 = glorot_uniform(W2, 4), b2 = zeros(b2)),
          data(samples(x, inputs), samples(y, targets)),
          {.method = optimizer::adam, .learning_rate = 0.1, .max_epochs = 5000, .loss_tolerance = 1e-3});
  std::printf("%zu parameters, %zu epochs: %s, loss %.3g\n", result.flat.size(), result.epochs, to_string(result.stop),
              result.loss_per_epoch.back());

  const auto predictions = predict(y_hat, result, data(samples(x, inputs)));
  bool all_right = result.stop == stop_reason::loss_tolerance;
  for (std::size_t n = 0; n != targets.size(); ++n) {
    std::printf("x = (%g, %g): y_hat = %.3f, target %g\n", inputs[2 * n], inputs[2 * n + 1], predictions[n],
                targets[n]);
    all_right = all_right && (predictions[n] > 0.5) == (targets[n] > 0.5);
  }
  std::printf(all_right ? "XOR learned\n" : "FAIL: XOR not learned\n");
  return all_right ? 0 : 1;
}
