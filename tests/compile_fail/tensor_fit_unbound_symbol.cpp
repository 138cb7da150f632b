// Must not compile: "lambda", inside the scalar expression exp(lambda) of a
// tensor loss, is in neither params(...) nor data(...).
#include <ctdiff/batch.hpp>
#include <vector>
int main() {
  constexpr auto W = ctdiff::matrix<"W", 1, 2>;
  constexpr auto x = ctdiff::vector<"x", 2>;
  constexpr auto y = ctdiff::vector<"y", 1>;
  constexpr auto lambda = ctdiff::var<"lambda">;
  std::vector<double> weights{0, 0}, xs{1, 2, 3, 4}, ys{1, 2};
  constexpr auto loss = ctdiff::mean_squared_error(W * x, y) + exp(lambda) * ctdiff::sum(ctdiff::square(W));
  auto r = ctdiff::fit(loss, ctdiff::params(W = weights), ctdiff::data(ctdiff::samples(x, xs), ctdiff::samples(y, ys)));
  return r.epochs > 0;
}
