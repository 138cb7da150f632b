// Must not compile: the tensor symbol "image" is used but not bound.
#include <array>
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto W = ctdiff::matrix<"W", 2, 3>;
  constexpr auto image = ctdiff::vector<"image", 3>;
  const std::array<double, 6> weights{};
  return static_cast<int>(ctdiff::eval(ctdiff::sum(W * image), ctdiff::at(W = weights)));
}
