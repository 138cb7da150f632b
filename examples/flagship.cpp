// ctdiff in one screen: a model written as a C++ expression, its
// derivatives worked out at compile time and printed as formulas, and
// gradient descent on them recovering the parameters that made the data.
//
// The data: 200 noisy samples of y = 2.5·exp(−1.3·x) + 0.5 on [0, 4].
// The model: ŷ = a·exp(−b·x) + c, fitted with Adam on E = ½(ŷ − y)².
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <random>
#include <vector>

#include "example_check.hpp"

int main() {
  using namespace ctdiff;
  constexpr auto a = var<"a">;
  constexpr auto b = var<"b">;
  constexpr auto c = var<"c">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto model = a * exp(-b * x) + c;
  constexpr auto loss = 0.5 * pow<2>(model - y);

  std::printf("model  ŷ     = %s\nloss   E     = %s\n", to_string(model).c_str(), to_string(loss).c_str());
  std::printf("       ∂E/∂a = %s\n       ∂E/∂b = %s\n       ∂E/∂c = %s\n\n", to_string(d(loss, a)).c_str(),
              to_string(d(loss, b)).c_str(), to_string(d(loss, c)).c_str());

  const std::array truth{2.5, 1.3, 0.5};
  std::vector<double> xs, ys;
  std::mt19937_64 generator(2026);
  for (int i = 0; i != 200; ++i) {
    const double xi = 4.0 * i / 199.0;
    // Noise uniform in [−0.05, 0.05], from the generator's top 53 bits (the same on every platform).
    const double noise = 0.1 * (double(generator() >> 11) * 0x1p-53 - 0.5);
    xs.push_back(xi);
    ys.push_back(eval(model, at(a = truth[0], b = truth[1], c = truth[2], x = xi)) + noise);
  }

  std::printf("epoch   mean loss\n");
  const auto result = fit(loss, params(a = 1.0, b = 0.5, c = 0.0), data(x = xs, y = ys),
                          {.method = optimizer::adam,
                           .learning_rate = 0.02,
                           .max_epochs = 200,
                           .batch_size = 20,
                           .seed = 1,
                           .on_epoch = [](const epoch_report& report) {
                             if (report.epoch < 5 || report.epoch % 25 == 0)
                               std::printf("%5zu   %.6f\n", report.epoch, report.loss);
                           }});
  std::printf("stopped after %zu epochs: %s (the noise alone gives ½·0.1²/12 = 0.000417)\n\n", result.epochs,
              std::string(to_string(result.stop)).c_str());

  std::printf("parameter   fitted   true\n");
  const std::array fitted{result[a], result[b], result[c]};
  const std::array names{"a", "b", "c"};
  for (std::size_t i = 0; i != fitted.size(); ++i) {
    std::printf("%-9s %8.4f %6.2f\n", names[i], fitted[i], truth[i]);
    example::expect(std::abs(fitted[i] - truth[i]) < 0.05, "fitted parameter within 0.05 of the true one");
  }
  return example::exit_code();
}
