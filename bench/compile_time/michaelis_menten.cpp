// Issue 18's Michaelis–Menten fit: rate = Vmax·S / (Km + S) on R's Puromycin
// data (treated), by least_squares with standard errors, included as the
// README's "Fitting a curve" shows. R's nls gives Vmax 212.684 ± 6.947 and
// Km 0.0641213 ± 0.00828. bench/compile_time.py --suite times its compile
// beside michaelis_menten_ceres.cpp, the same fit with Ceres.
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
#include <vector>

int main() {
  using namespace ctdiff;
  constexpr auto Vmax = var<"Vmax">;
  constexpr auto Km = var<"Km">;
  constexpr auto S = var<"S">;
  constexpr auto rate = var<"rate">;
  const std::vector<double> conc{0.02, 0.02, 0.06, 0.06, 0.11, 0.11, 0.22, 0.22, 0.56, 0.56, 1.10, 1.10};
  const std::vector<double> rates{76, 47, 97, 107, 123, 139, 159, 152, 191, 201, 207, 200};
  const auto r =
      least_squares(rate - Vmax * S / (Km + S), params(Vmax = 200.0, Km = 0.1), data(S = conc, rate = rates));
  std::printf("Vmax %.6g ± %.6g\nKm   %.6g ± %.6g\n", r[Vmax], r.standard_errors[Vmax], r[Km], r.standard_errors[Km]);
}
