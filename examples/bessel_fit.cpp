// A user's own function in a model: the amplitude A and the wave number k of
// y = A·J0(k·x), a vibrating drum's radial profile, fitted by least squares.
// J0 and J1 are C++17's std::cyl_bessel_j; the library knows only what
// function<...> tells it: J0's value, and that its derivative is -J1.
#include <cmath>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
#include <vector>

#include "example_check.hpp"

namespace {
constexpr auto J1 = ctdiff::function<"J1">([](auto t) { return std::cyl_bessel_j(decltype(t)(1), t); });
constexpr auto J0 = ctdiff::function<"J0">([](auto t) { return std::cyl_bessel_j(decltype(t)(0), t); },
                                           [](const auto& u) { return -J1(u); });
}  // namespace

int main() {
  using namespace ctdiff;
  constexpr auto A = var<"A">;
  constexpr auto k = var<"k">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;

  // Samples of 2·J0(1.5x) on [0, 5], with a small deterministic disturbance.
  std::vector<double> xs, ys;
  for (int i = 0; i <= 40; ++i) {
    xs.push_back(0.125 * i);
    ys.push_back(2 * std::cyl_bessel_j(0.0, 1.5 * xs.back()) + 1e-3 * std::sin(7.0 * i));
  }

  constexpr auto residual = y - A * J0(k * x);
  std::printf("residual: %s\nits derivative in k: %s\n", to_string(residual).c_str(),
              to_string(d(residual, k)).c_str());
  const auto r = least_squares(residual, params(A = 1.0, k = 1.2), data(x = xs, y = ys));
  std::printf("A = %.5f ± %.5f, k = %.5f ± %.5f (%s)\n", r[A], r.standard_errors[A], r[k], r.standard_errors[k],
              to_string(r.stop));
  example::expect(std::abs(r[A] - 2) < 5e-3, "A within 0.005 of 2");
  example::expect(std::abs(r[k] - 1.5) < 5e-3, "k within 0.005 of 1.5");
  return example::exit_code();
}
