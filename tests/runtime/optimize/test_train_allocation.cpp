// Nothing in the training loop allocates: a run of 1000 epochs makes as many
// heap allocations as a run of 10 (everything is allocated before the first
// epoch), whether batch, stochastic or mini-batch, on one thread or several
// (each thread's copy of the objective and its partial sums are made before
// the first epoch; the helper threads are started there too). Counted by
// replacing the global operator new in this test program.
#include <catch2/catch.hpp>
#include <ctdiff/ctdiff.hpp>
#include <vector>

#include "allocation_counter.hpp"

using allocation_counter::allocations;
using namespace ctdiff;

TEST_CASE("fit() allocates the same whether it runs 10 epochs or 1000") {
  constexpr auto w = var<"w">;
  constexpr auto b = var<"b">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto loss = 0.5 * pow<2>(sigmoid(w * x + b) - y);
  // 50 samples: a batch of them is summed in 4 chunks, so two threads share it.
  std::vector<double> xs, ys;
  for (int i = -25; i != 25; ++i) {
    xs.push_back(0.1 * i);
    ys.push_back(i >= 0);
  }
  const std::size_t batch_size = GENERATE(0, 1, 2, 40);
  const optimizer method = GENERATE(optimizer::gradient_descent, optimizer::adam);
  const std::size_t threads = GENERATE(1, 2);
  CAPTURE(batch_size, threads);
  auto allocations_for = [&](std::size_t epochs) {
    const std::size_t before = allocations;
    const auto result = fit(loss, params(w = 0.1, b = 0.0), data(x = xs, y = ys),
                            {.method = method,
                             .learning_rate = 0.1,
                             .max_epochs = epochs,
                             .batch_size = batch_size,
                             .threads = threads,
                             .split = splitting::always});
    const std::size_t made = allocations - before;
    REQUIRE(result.epochs == epochs);
    return made;
  };
  const std::size_t short_run = allocations_for(10);
  REQUIRE(short_run > 0);  // the counter sees the set-up
  REQUIRE(allocations_for(1000) == short_run);
}
