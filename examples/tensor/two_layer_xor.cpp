// The seed's two-layer network, X -> W1 X + B1 -> f -> W2 h + B2 -> f -> y_hat
// -> E, written with matrix symbols over a whole batch: X holds the four XOR
// inputs as columns, the biases are broadcast over them, f is the sigmoid and
// E the mean squared error. Trained by minimize() (Adam) on the flat array
// that holds W1, b1, W2 and b2.
#include <array>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/train.hpp>
#include <vector>

#include "initialize.hpp"

int main() {
  using namespace ctdiff;
  constexpr std::size_t batch = 4, hidden = 4;
  constexpr auto X = matrix<"X", 2, batch>;
  constexpr auto Y = matrix<"Y", 1, batch>;
  constexpr auto W1 = matrix<"W1", hidden, 2>;
  constexpr auto b1 = ctdiff::vector<"b1", hidden>;
  constexpr auto W2 = matrix<"W2", 1, hidden>;
  constexpr auto b2 = ctdiff::vector<"b2", 1>;
  constexpr auto h = sigmoid(W1 * X + broadcast<batch>(b1));
  constexpr auto y_hat = sigmoid(W2 * h + broadcast<batch>(b2));
  constexpr auto E = mean_squared_error(y_hat, Y);
  constexpr auto parameters = wrt(W1, b1, W2, b2);

  // Row-major: row 0 is x1 of the four samples, row 1 is x2.
  const std::array<double, 2 * batch> inputs{0, 0, 1, 1, 0, 1, 0, 1};
  const std::array<double, batch> targets{0, 1, 1, 0};
  std::printf("E = %s\n", to_string(E).c_str());
  std::vector<double> flat(flat_size(parameters), 0.0);
  example::initialize(tensors_in(parameters, std::span<double>(flat)), 3, W1, W2);

  // The whole batch is one "sample" of the optimizer: full-batch descent.
  tensor_objective objective(gradient(E, parameters), flat, [&](std::size_t) { return at(X = inputs, Y = targets); });
  options o;
  o.method = optimizer::adam;
  o.learning_rate = 0.1;
  o.max_epochs = 5000;
  o.loss_tolerance = 1e-3;
  const auto result = minimize(objective, flat, 1, o);
  std::printf("%zu parameters, %zu epochs: %.*s, loss %.3g\n", flat.size(), result.epochs,
              static_cast<int>(to_string(result.stop).size()), to_string(result.stop).data(),
              result.loss_per_epoch.back());

  const auto fitted = tensors_in(parameters, std::span<double>(flat));
  const auto predictions = eval(y_hat, combine(fitted.bindings(), at(X = inputs)));
  bool all_right = result.stop == stop_reason::loss_tolerance;
  for (std::size_t n = 0; n != batch; ++n) {
    std::printf("x = (%g, %g): y_hat = %.3f, target %g\n", inputs[n], inputs[batch + n], predictions[n], targets[n]);
    all_right = all_right && (predictions[n] > 0.5) == (targets[n] > 0.5);
  }
  std::printf(all_right ? "XOR learned\n" : "FAIL: XOR not learned\n");
  return all_right ? 0 : 1;
}
