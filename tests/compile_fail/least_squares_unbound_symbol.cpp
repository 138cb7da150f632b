// Must not compile: "offset" is in neither params(...) nor data(...).
#include <ctdiff/least_squares.hpp>
#include <vector>
int main() {
  constexpr auto x = ctdiff::var<"x">;
  constexpr auto y = ctdiff::var<"y">;
  constexpr auto slope = ctdiff::var<"slope">;
  constexpr auto offset = ctdiff::var<"offset">;
  std::vector<double> xs{1, 2, 3}, ys{2, 4, 7};
  auto r = ctdiff::least_squares(slope * x + offset - y, ctdiff::params(slope = 1.0), ctdiff::data(x = xs, y = ys));
  return r[slope] > 0;
}
