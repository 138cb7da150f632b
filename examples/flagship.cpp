// ctdiff in one screen: a model written as a C++ expression, its
// derivatives worked out at compile time and printed as formulas, their
// values checked against central finite differences, and gradient descent
// on them recovering the parameters that made the data.
//
// The data: 200 noisy samples of y = 2.5·exp(−1.3·x) + 0.5 on [0, 4].
// The model: ŷ = a·exp(−b·x) + c, fitted with Adam on E = ½(ŷ − y)², then
// (where Eigen is found) by least_squares, Levenberg–Marquardt on the
// residual ŷ − y, which also gives the parameters' standard errors.
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#ifdef CTDIFF_HAVE_LEAST_SQUARES
#include <ctdiff/least_squares.hpp>
#endif
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
  const std::array start{1.0, 0.5, 0.0};
  const std::array names{"a", "b", "c"};
  constexpr std::size_t sample_count = 200;
  constexpr std::size_t batch_size = 20;
  constexpr double learning_rate = 0.02;
  constexpr std::size_t epochs = 200;
  std::vector<double> xs, ys;
  std::mt19937_64 generator(2026);
  for (std::size_t i = 0; i != sample_count; ++i) {
    const double xi = 4.0 * double(i) / double(sample_count - 1);
    // Noise uniform in [−0.05, 0.05], from the generator's top 53 bits (the same on every platform).
    const double noise = 0.1 * (double(generator() >> 11) * 0x1p-53 - 0.5);
    xs.push_back(xi);
    ys.push_back(eval(model, at(a = truth[0], b = truth[1], c = truth[2], x = xi)) + noise);
  }

  // The gradient that fit() descends, at the starting parameters on one sample,
  // beside central differences of the loss (check_gradient).
  const std::size_t checked = sample_count / 2;
  const auto check = check_gradient(loss, wrt(a, b, c),
                                    at(a = start[0], b = start[1], c = start[2], x = xs[checked], y = ys[checked]));
  std::printf("gradient check at a = %g, b = %g, c = %g, sample %zu (x = %.4f, y = %.4f):\n", start[0], start[1],
              start[2], checked, xs[checked], ys[checked]);
  std::printf("         symbolic         central difference\n");
  for (std::size_t i = 0; i != names.size(); ++i)
    std::printf("  ∂E/∂%s  %+.12f  %+.12f\n", names[i], check.symbolic[i], check.finite_difference[i]);
  std::printf("  largest difference, relative to max(1, |symbolic|): %.2g (check: below 1e-6)\n\n",
              check.max_relative_error);
  example::expect(check.max_relative_error < 1e-6, "gradient matches central differences within 1e-6");

  std::printf("training: Adam, learning rate %g, mini-batches of %zu of the %zu samples, %zu epochs\n", learning_rate,
              batch_size, sample_count, epochs);
  std::printf("epoch   mean loss\n");
  const auto result = fit(loss, params(a = start[0], b = start[1], c = start[2]), data(x = xs, y = ys),
                          {.method = optimizer::adam,
                           .learning_rate = learning_rate,
                           .max_epochs = epochs,
                           .batch_size = batch_size,
                           .seed = 1,
                           .on_epoch = [](const epoch_report& report) {
                             if (report.epoch < 5 || report.epoch % 25 == 0)
                               std::printf("%5zu   %.6f\n", report.epoch, report.loss);
                           }});
  std::printf("stopped after %zu epochs: %s (the noise alone gives ½·0.1²/12 = 0.000417)\n\n", result.epochs,
              to_string(result.stop));

  std::printf("parameter   fitted   true\n");
  const std::array fitted{result[a], result[b], result[c]};
  for (std::size_t i = 0; i != fitted.size(); ++i) {
    std::printf("%-9s %8.4f %6.2f\n", names[i], fitted[i], truth[i]);
    example::expect(std::abs(fitted[i] - truth[i]) < 0.05, "fitted parameter within 0.05 of the true one");
  }

#ifdef CTDIFF_HAVE_LEAST_SQUARES
  const auto lm = least_squares(model - y, params(a = start[0], b = start[1], c = start[2]), data(x = xs, y = ys));
  std::printf("\nthe same fit by least_squares (Levenberg-Marquardt on ŷ − y): %zu iterations, %s\n", lm.epochs,
              to_string(lm.stop));
  std::printf("mean loss %.6f (Adam: %.6f)\n", lm.loss_per_epoch.back() / double(sample_count),
              result.loss_per_epoch.back());
  std::printf("parameter   fitted   std. error   true\n");
  const std::array least_squares_fit{lm[a], lm[b], lm[c]};
  const std::array standard_errors{lm.standard_errors[a], lm.standard_errors[b], lm.standard_errors[c]};
  for (std::size_t i = 0; i != names.size(); ++i) {
    std::printf("%-9s %8.4f   %10.4f %6.2f\n", names[i], least_squares_fit[i], standard_errors[i], truth[i]);
    example::expect(std::abs(least_squares_fit[i] - truth[i]) < 0.05,
                    "least-squares parameter within 0.05 of the true one");
  }
#endif
  std::printf(
      "\nchecks: the gradient matches central differences within 1e-6, and each fitted parameter is "
      "within 0.05 of the true one\n");
  return example::exit_code();
}
