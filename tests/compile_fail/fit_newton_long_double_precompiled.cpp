// A long double fit_newton in a target that links ctdiff::precompiled
// (which defines CTDIFF_PRECOMPILED: Newton's solver comes compiled for float
// and double only) without the solver's header: one error naming that header.
#define CTDIFF_PRECOMPILED
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/newton.hpp>
#include <vector>

int main() {
  using namespace ctdiff;
  constexpr auto a = var<"a">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  const std::vector<long double> xs{1, 2, 3}, ys{2, 4, 6};
  return fit_newton(pow<2>(y - a * x), params(a = 1.0L), data(x = xs, y = ys))[a] > 0 ? 0 : 1;
}
