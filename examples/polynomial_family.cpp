// A degree-8 polynomial fitted to cos(2x) on [-1, 1]: nine parameters as one
// family, vars<"θ", 9>, and the polynomial as sum<9>(...), not nine symbols
// and nine terms written by hand. Its coefficients come out near the Taylor
// series of cos(2x): 1, 0, -2, 0, 2/3, 0, -4/45, 0, 2/315.
#include <array>
#include <cmath>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <vector>

#include "example_check.hpp"

namespace {
using namespace ctdiff;
// At namespace scope: sum's term uses them without capturing them.
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto theta = vars<"θ", 9>;
constexpr auto poly = sum<9>([](auto i) { return theta[i] * pow<i>(x); });
}  // namespace

int main() {
  std::printf("model: %s\n", to_string(poly).c_str());

  std::vector<double> xs, ys;
  for (int i = 0; i <= 100; ++i) {
    xs.push_back(-1 + 0.02 * i);
    ys.push_back(std::cos(2 * xs.back()));
  }
  const auto r = fit(0.5 * pow<2>(poly - y), params(theta = std::array<double, 9>{}), data(x = xs, y = ys),
                     {.method = optimizer::lbfgs, .max_epochs = 5000, .gradient_tolerance = 1e-13});
  std::printf("L-BFGS: %zu epochs, %s\n", r.epochs, to_string(r.stop));

  const std::array<double, 9> taylor{1, 0, -2, 0, 2.0 / 3, 0, -4.0 / 45, 0, 2.0 / 315};
  const std::array<double, 9> fitted = r[theta];
  for (std::size_t i = 0; i != 9; ++i) {
    std::printf("θ%zu = %9.5f   Taylor %9.5f\n", i, fitted[i], taylor[i]);
    example::expect(std::abs(fitted[i] - taylor[i]) < 0.01, "a coefficient within 0.01 of the Taylor series'");
  }
  return example::exit_code();
}
