// Must not compile: the name "h" stands for two different expressions in one model.
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto x = ctdiff::var<"x">;
  constexpr auto model = ctdiff::let<"h">(x * x) + ctdiff::let<"h">(x + 1);
  return static_cast<int>(ctdiff::eval(model, ctdiff::at(x = 2.0)));
}
