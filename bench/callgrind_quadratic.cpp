// Runs one of the quadratic fit's gradients, hand_written or ctdiff, a given
// number of times; bench/callgrind.sh counts the instructions of that function alone.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "models.hpp"

using gradient_t = std::array<double, bench::quadratic_fit::parameter_count>;

[[gnu::noinline]] gradient_t hand_written_gradient(const bench::quadratic_fit& model) { return model.hand_gradient(); }

[[gnu::noinline]] gradient_t ctdiff_gradient(const bench::quadratic_fit& model) { return model.ctdiff_gradient(); }

int main(int argc, char** argv) {
  const std::string_view variant = argc > 1 ? argv[1] : "";
  if (argc != 3 || (variant != "hand_written" && variant != "ctdiff")) {
    std::fprintf(stderr, "usage: %s hand_written|ctdiff CALLS\n", argv[0]);
    return 2;
  }
  const bench::quadratic_fit model(1000);
  const auto gradient = variant == "ctdiff" ? ctdiff_gradient : hand_written_gradient;
  gradient_t sum{};
  for (long call = std::atol(argv[2]); call > 0; --call) bench::add_to(sum, gradient(model));
  std::printf("%.17g %.17g %.17g\n", sum[0], sum[1], sum[2]);
}
