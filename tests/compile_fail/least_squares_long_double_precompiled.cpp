// A long double least_squares in a target that links ctdiff::precompiled
// (which defines CTDIFF_PRECOMPILED: the solver comes compiled for float and
// double only) without the solver's header: one error naming that header.
#define CTDIFF_PRECOMPILED
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
#include <vector>

int main() {
  using namespace ctdiff;
  constexpr auto a = var<"a">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  const std::vector<long double> xs{1, 2, 3}, ys{2, 4, 6};
  return least_squares(y - a * x, params(a = 1.0L), data(x = xs, y = ys))[a] > 0 ? 0 : 1;
}
