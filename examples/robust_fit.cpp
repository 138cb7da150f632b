// A line fitted to data with three outliers, by squared loss and by Huber's
// loss, written with where(...): within 1 of the line the loss is ½r², beyond
// it |r| - ½, so an outlier pulls with a force of 1, not with its distance.
// The data lie on y = 1 + 2x, with small noise, and three points far off it.
#include <cmath>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <vector>

#include "example_check.hpp"

int main() {
  using namespace ctdiff;
  constexpr auto a = var<"a">;
  constexpr auto b = var<"b">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;

  std::vector<double> xs, ys;
  for (int i = 0; i != 30; ++i) {
    xs.push_back(0.25 * i);
    ys.push_back(1 + 2 * xs.back() + 0.3 * std::sin(1.7 * i));
  }
  ys[4] += 15;
  ys[17] -= 12;
  ys[25] += 20;

  constexpr auto r = y - (a + b * x);
  constexpr auto huber = where(abs(r) <= 1.0, 0.5 * r * r, abs(r) - 0.5);
  std::printf("Huber loss: %s\nits derivative in b: %s\n", to_string(huber).c_str(), to_string(d(huber, b)).c_str());

  const options settings{.method = optimizer::lbfgs, .max_epochs = 2000, .gradient_tolerance = 1e-12};
  const auto squared_fit = fit(0.5 * r * r, params(a = 0.0, b = 0.0), data(x = xs, y = ys), settings);
  const auto huber_fit = fit(huber, params(a = 0.0, b = 0.0), data(x = xs, y = ys), settings);
  std::printf("squared loss: y = %.4f + %.4f x\n", squared_fit[a], squared_fit[b]);
  std::printf("Huber loss:   y = %.4f + %.4f x\n", huber_fit[a], huber_fit[b]);

  example::expect(std::abs(huber_fit[a] - 1) < 0.1 && std::abs(huber_fit[b] - 2) < 0.1,
                  "Huber's line is within 0.1 of y = 1 + 2x");
  example::expect(std::abs(squared_fit[a] - 1) > 5 * std::abs(huber_fit[a] - 1),
                  "squared loss is pulled further by the outliers");
  return example::exit_code();
}
