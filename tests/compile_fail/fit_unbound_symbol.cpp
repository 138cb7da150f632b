// Must not compile: "bias" is in neither params(...) nor data(...).
#include <ctdiff/ctdiff.hpp>
#include <vector>
int main() {
  constexpr auto x = ctdiff::var<"x">;
  constexpr auto y = ctdiff::var<"y">;
  constexpr auto w = ctdiff::var<"w">;
  constexpr auto bias = ctdiff::var<"bias">;
  std::vector<double> xs{1, 2}, ys{2, 4};
  auto r = ctdiff::fit(ctdiff::pow<2>(w * x + bias - y), ctdiff::params(w = 0.0), ctdiff::data(x = xs, y = ys));
  return r.epochs > 0;
}
