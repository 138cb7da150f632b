// Must not compile: "lambda" is a constant in data(...) and a parameter in params(...).
#include <ctdiff/ctdiff.hpp>
#include <vector>
int main() {
  constexpr auto x = ctdiff::var<"x">;
  constexpr auto y = ctdiff::var<"y">;
  constexpr auto w = ctdiff::var<"w">;
  constexpr auto lambda = ctdiff::var<"lambda">;
  std::vector<double> xs{1, 2}, ys{2, 4};
  auto r = ctdiff::fit(ctdiff::pow<2>(w * x - y) + lambda * ctdiff::pow<2>(w), ctdiff::params(w = 0.0, lambda = 0.1),
                       ctdiff::data(x = xs, y = ys, lambda = 1e-3));
  return r.epochs > 0;
}
