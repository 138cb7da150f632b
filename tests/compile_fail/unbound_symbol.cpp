// Must not compile: "theta" is used but not bound.
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto x = ctdiff::var<"x">;
  constexpr auto theta = ctdiff::var<"theta">;
  return static_cast<int>(ctdiff::eval(theta * x, ctdiff::at(x = 2.0)));
}
