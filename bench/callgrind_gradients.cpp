// Runs one model's gradient, hand_written or ctdiff, a given number of times;
// bench/callgrind.sh counts the instructions of that function alone (the
// counted_* templates, never inlined, are what it names).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "models.hpp"

template <class Model>
[[gnu::noinline]] auto counted_hand_written(const Model& model) {
  return model.hand_gradient();
}

template <class Model>
[[gnu::noinline]] auto counted_ctdiff(const Model& model) {
  return model.ctdiff_gradient();
}

// The sum of the gradients, printed, so that no call can be left out.
template <class Model>
int run(const Model& model, std::string_view variant, long calls) {
  std::array<double, Model::parameter_count> sum{};
  for (; calls > 0; --calls)
    bench::add_to(sum, variant == "ctdiff" ? counted_ctdiff(model) : counted_hand_written(model));
  double total = 0;
  for (double component : sum) total += component;
  std::printf("%.17g\n", total);
  return 0;
}

int main(int argc, char** argv) {
  const std::string_view model = argc > 1 ? argv[1] : "", variant = argc > 2 ? argv[2] : "";
  if (argc == 4 && (variant == "hand_written" || variant == "ctdiff")) {
    const long calls = std::atol(argv[3]);
    // The sample counts of the benchmark binary's rows.
    if (model == "quadratic_fit") return run(bench::quadratic_fit(1000), variant, calls);
    if (model == "sigmoid_net") return run(bench::sigmoid_network(1000), variant, calls);
    if (model == "dense_2_3_2") return run(bench::dense_network<2, 3, 2>(64), variant, calls);
    if (model == "dense_2_3_4") return run(bench::dense_network<2, 3, 4>(64), variant, calls);
    if (model == "dense_4_8_4") return run(bench::dense_network<4, 8, 4>(64), variant, calls);
    if (model == "spring_particle") return run(bench::spring_particle(64), variant, calls);
    if (model == "digits_net") return run(bench::digits_network<100>(CTDIFF_DIGITS_CSV), variant, calls);
  }
  std::fprintf(stderr,
               "usage: %s quadratic_fit|sigmoid_net|dense_2_3_2|dense_2_3_4|dense_4_8_4|spring_particle|digits_net "
               "hand_written|ctdiff CALLS\n",
               argv[0]);
  return 2;
}
