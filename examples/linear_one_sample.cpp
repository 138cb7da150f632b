// ŷ = w·x fitted to one sample (x = 2, y = 6) by gradient descent on
// J = (y − w·x)²: w converges to y/x = 3.
#include <array>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>

#include "example_check.hpp"

int main() {
  using namespace ctdiff;
  constexpr auto w = var<"w">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto loss = pow<2>(y - w * x);
  std::printf("J     = %s\ndJ/dw = %s\n", to_string(loss).c_str(), to_string(d(loss, w)).c_str());

  const std::array xs{2.0};
  const std::array ys{6.0};
  const auto result = fit(loss, params(w = 0.0), data(x = xs, y = ys),
                          {.learning_rate = 0.05, .max_epochs = 200, .loss_tolerance = 1e-24, .progress = true});
  std::printf("%zu epochs (%s), loss %.3g\n", result.epochs, to_string(result.stop), result.loss_per_epoch.back());
  example::expect_near("w", result[w], 6.0 / 2.0, 1e-9);
  return example::exit_code();
}
