// Must not compile: theta has the members theta0 ... theta2, and index 3 is
// asked for; the error names the family, the index and the size.
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto theta = ctdiff::vars<"theta", 3>;
  auto e = theta[ctdiff::int_c<3>] + 1;
  (void)e;
}
