// Must not compile: "b" is used in residuals(...) but is not a parameter.
#include <ctdiff/least_squares.hpp>
int main() {
  constexpr auto a = ctdiff::var<"a">;
  constexpr auto b = ctdiff::var<"b">;
  auto r = ctdiff::least_squares(ctdiff::residuals(10 * (b - a * a), 1 - a), ctdiff::params(a = -1.2));
  return r[a] > 0;
}
