// θ·x² fitted to samples of y = 3x² with E = (θx² − y)²: one batch step of
// rate 1 from θ = 0 gives θ = 4 (the mean of the per-sample derivatives
// −6, 0, −6 is −4), and further steps converge to 3. The same for θ·x³ on
// samples of 5x³.
#include <array>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>

#include "example_check.hpp"

int main() {
  using namespace ctdiff;
  constexpr auto theta = var<"θ">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;

  constexpr auto square_loss = pow<2>(theta * pow<2>(x) - y);
  std::printf("E     = %s\ndE/dθ = %s\n", to_string(square_loss).c_str(), to_string(d(square_loss, theta)).c_str());
  const std::array xs{-1.0, 0.0, 1.0};
  const std::array ys{3.0, 0.0, 3.0};
  const auto one_step =
      fit(square_loss, params(theta = 0.0), data(x = xs, y = ys), {.learning_rate = 1.0, .max_epochs = 1});
  example::expect_near("one step: θ", one_step[theta], 4.0, 1e-12);
  const auto square_fit = fit(square_loss, params(theta = 0.0), data(x = xs, y = ys),
                              {.learning_rate = 1.0, .max_epochs = 200, .loss_tolerance = 1e-24});
  std::printf("%zu epochs (%s)\n", square_fit.epochs, to_string(square_fit.stop));
  example::expect_near("θ", square_fit[theta], 3.0, 1e-9);

  constexpr auto cube_loss = pow<2>(theta * pow<3>(x) - y);
  std::printf("E     = %s\ndE/dθ = %s\n", to_string(cube_loss).c_str(), to_string(d(cube_loss, theta)).c_str());
  const std::array cube_xs{-1.0, -0.5, 0.5, 1.0};
  const std::array cube_ys{-5.0, -0.625, 0.625, 5.0};
  const auto cube_fit = fit(cube_loss, params(theta = 0.0), data(x = cube_xs, y = cube_ys),
                            {.learning_rate = 0.5, .max_epochs = 200, .loss_tolerance = 1e-24});
  std::printf("%zu epochs (%s)\n", cube_fit.epochs, to_string(cube_fit.stop));
  example::expect_near("θ", cube_fit[theta], 5.0, 1e-9);
  return example::exit_code();
}
