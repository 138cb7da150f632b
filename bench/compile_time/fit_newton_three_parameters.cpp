// A 3-parameter fit by Newton's method: a·exp(−b·x) + c on 7 samples by
// fit_newton, its trust region taken from ctdiff::precompiled (as the
// examples link it). bench/compile_time.py --suite times its compile.
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/newton.hpp>
#include <vector>

int main() {
  using namespace ctdiff;
  constexpr auto a = var<"a">;
  constexpr auto b = var<"b">;
  constexpr auto c = var<"c">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  const std::vector<double> xs{0, 0.5, 1, 1.5, 2, 2.5, 3};
  const std::vector<double> ys{3.0, 2.2, 1.6, 1.2, 0.9, 0.8, 0.7};
  const auto r =
      fit_newton(0.5 * pow<2>(a * exp(-b * x) + c - y), params(a = 1.0, b = 1.0, c = 0.0), data(x = xs, y = ys));
  std::printf("a %.6g, b %.6g, c %.6g\n", r[a], r[b], r[c]);
}
