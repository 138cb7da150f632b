// The consumer of both tests: exits 0 when the derivative is right.
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto x = ctdiff::var<"x">;
  return ctdiff::eval(ctdiff::d(x * x * x, x), ctdiff::at(x = 2.0)) == 12.0 ? 0 : 1;
}
