// Must not compile: "offset" is neither among the parameters nor in data(...).
#include <ctdiff/ctdiff.hpp>
#include <vector>
int main() {
  constexpr auto x = ctdiff::var<"x">;
  constexpr auto slope = ctdiff::var<"slope">;
  constexpr auto offset = ctdiff::var<"offset">;
  std::vector<double> xs{1, 2, 3};
  auto values = ctdiff::predict(slope * x + offset, ctdiff::at(slope = 2.0), ctdiff::data(x = xs));
  return values[0] > 0;
}
