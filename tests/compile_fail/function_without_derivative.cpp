// Must not compile: J1 is declared without a derivative, and J0's derivative
// (-J1) is differentiated again; the error names J1.
#include <cmath>
#include <ctdiff/ctdiff.hpp>

constexpr auto J1 = ctdiff::function<"J1">([](auto t) { return std::cyl_bessel_j(1, t); });
constexpr auto J0 =
    ctdiff::function<"J0">([](auto t) { return std::cyl_bessel_j(0, t); }, [](const auto& u) { return -J1(u); });

int main() {
  constexpr auto x = ctdiff::var<"x">;
  auto second = ctdiff::d(J0(x), x, x);
  (void)second;
}
