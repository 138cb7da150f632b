// The deterministic sum over samples (optimize/detail/parallel_sum.hpp): the chunk rule, the
// order of the additions (checked with sums whose rounding shows the order),
// and the same bits from any thread count.
#include <array>
#include <catch2/catch.hpp>
#include <ctdiff/optimize/detail/parallel_sum.hpp>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <vector>

using ctdiff::splitting;
using ctdiff::detail::chunking;
using ctdiff::detail::sample_sum;
using ctdiff::detail::split_decision;

namespace {

// Per sample: the scalar values[i], and the vector (values[i], 1).
struct value_worker {
  const std::vector<double>* values;
  double operator()(std::span<const std::size_t> samples, std::span<double> partial) const {
    double sum = 0;
    for (std::size_t i : samples) {
      sum += (*values)[i];
      if (!partial.empty()) {
        partial[0] += (*values)[i];
        partial[1] += 1;
      }
    }
    return sum;
  }
};

std::vector<std::size_t> first_indices(std::size_t count) {
  std::vector<std::size_t> indices(count);
  std::iota(indices.begin(), indices.end(), std::size_t(0));
  return indices;
}

}  // namespace

TEST_CASE("the chunks depend on the number of samples alone") {
  REQUIRE(chunking(1).size == 16);
  REQUIRE(chunking(1).count == 1);
  REQUIRE(chunking(32).count == 2);
  REQUIRE(chunking(33).count == 3);
  REQUIRE(chunking(4096).size == 16);
  REQUIRE(chunking(4096).count == 256);
  REQUIRE(chunking(4097).size == 17);
  REQUIRE(chunking(1'000'000).size == 3907);  // ceil(10^6 / 256)
  REQUIRE(chunking(1'000'000).count == 256);
  // A wide sum has fewer chunks, so that its partial sums stay within the budget.
  REQUIRE(chunking(1'000'000, 10'000).count == 52);  // 2^19 / 10^4 = 52.4: 52 chunks of ceil(10^6 / 52) samples
  REQUIRE(chunking(1'000'000, 10'000'000).count == 2);
}

TEST_CASE("each chunk is summed from zero, then the chunks are added in order") {
  // Two chunks of 16: 10^16 followed by fifteen 1s, then sixteen 1s. The
  // spacing of doubles at 10^16 is 2, so 10^16 + 1 rounds back to 10^16 (to
  // even): the first chunk sums to 10^16, the second to 16, the total to
  // 10^16 + 16. A single running sum would have lost every 1.
  std::vector<double> values(32, 1.0);
  values[0] = 1e16;
  const std::vector<std::size_t> samples = first_indices(values.size());
  const std::size_t threads = GENERATE(1, 2, 3, 8);
  value_worker worker{&values};
  sample_sum<double, value_worker> sum(worker, 2, threads, splitting::always);
  std::array<double, 2> total{-5, -5};  // overwritten, not added to
  REQUIRE(sum(samples, total) == 1e16 + 16);
  REQUIRE(total[0] == 1e16 + 16);
  REQUIRE(total[1] == 32);
  REQUIRE(sum(samples, {}) == 1e16 + 16);
}

TEST_CASE("any thread count gives the same bits over many chunks") {
  // 5000 values spread over many binades: reordering any addition changes the sum.
  std::vector<double> values(5000);
  for (std::size_t i = 0; i != values.size(); ++i) values[i] = 1.0 / (1.0 + double(i % 97)) * (i % 3 ? 1e3 : 1e-3);
  std::vector<std::size_t> samples = first_indices(values.size());
  std::reverse(samples.begin(), samples.end());
  value_worker worker{&values};
  sample_sum<double, value_worker> serial(worker, 2, 1);
  std::array<double, 2> expected{};
  const double expected_sum = serial(samples, expected);
  REQUIRE(expected[1] == 5000);
  // The chunked order by hand: 250 chunks of 20 positions, each a running sum from zero.
  double by_hand = 0;
  for (std::size_t start = 0; start != samples.size(); start += 20) {
    double chunk = 0;
    for (std::size_t k = start; k != start + 20; ++k) chunk += values[samples[k]];
    by_hand = start == 0 ? chunk : by_hand + chunk;
  }
  REQUIRE(expected_sum == by_hand);

  const std::size_t threads = GENERATE(2, 3, 8);
  sample_sum<double, value_worker> parallel(worker, 2, threads, splitting::always);
  REQUIRE(parallel.threads() == threads);
  std::array<double, 2> total{};
  for (int call = 0; call != 50; ++call) {  // many calls: the helpers sleep and wake between them
    REQUIRE(parallel(samples, total) == expected_sum);
    REQUIRE(total == expected);
  }
}

TEST_CASE("an exception thrown by a worker on any thread reaches the caller") {
  struct throwing_worker {
    double operator()(std::span<const std::size_t> samples, std::span<double>) const {
      for (std::size_t i : samples)
        if (i == 777) throw std::runtime_error("bad sample 777");
      return 0;
    }
  };
  throwing_worker worker;
  const std::size_t threads = GENERATE(1, 2, 3);
  sample_sum<double, throwing_worker> sum(worker, 0, threads, splitting::always);
  const std::vector<std::size_t> samples = first_indices(1000);
  REQUIRE_THROWS_WITH(sum(samples, {}), "bad sample 777");
}

TEST_CASE("more than one thread needs an objective each thread can copy") {
  struct move_only_worker {
    std::unique_ptr<int> state = std::make_unique<int>(0);
    double operator()(std::span<const std::size_t>, std::span<double>) { return 0; }
  };
  move_only_worker worker;
  REQUIRE_NOTHROW(sample_sum<double, move_only_worker>(worker, 0, 1));
  REQUIRE_THROWS_WITH((sample_sum<double, move_only_worker>(worker, 0, 2)),
                      Catch::Contains("options.threads > 1 needs a copyable objective"));
}

// What the machine runs besides this process, for the decisions below
// (theirs, not the machine's that runs the test): nothing, or two busy
// processes beside the caller.
std::size_t busy_processes = 0;
std::size_t runnable_besides_busy() { return 1 + busy_processes; }

TEST_CASE("a call is split only where splitting measured faster, and tried again at doubling intervals") {
  busy_processes = 0;
  split_decision decision(2, splitting::measured, runnable_besides_busy, 2);
  // First call: one thread, timed. 10^5 samples at 10 ns each: 1 ms, worth splitting.
  REQUIRE_FALSE(decision.split(100'000, 256));
  REQUIRE(decision.timed());
  decision.record(false, 100'000, 1e-3);
  REQUIRE(decision.split(100'000, 256));  // split not measured yet: tried
  decision.record(true, 100'000, 5e-3);   // a busy machine: five times slower
  // Slower: one thread, with a split tried again after 1, 2, 4, 8, 16 calls of one thread.
  std::vector<int> split_calls;
  for (int call = 0; call != 40; ++call) {
    if (decision.split(100'000, 256)) {
      split_calls.push_back(call);
      decision.record(true, 100'000, 5e-3);
    } else {
      decision.record(false, 100'000, 1e-3);
    }
  }
  REQUIRE(split_calls == std::vector<int>{1, 4, 9, 18, 35});
  // The machine became quiet: the next tried split measures faster, and every call is split from then on.
  for (int call = 0; call != 64 && !decision.split(100'000, 256); ++call) decision.record(false, 100'000, 1e-3);
  for (int call = 0; call != 10; ++call) decision.record(true, 100'000, 0.4e-3);
  for (int call = 0; call != 10; ++call) REQUIRE(decision.split(100'000, 256));
}

#ifdef __linux__
TEST_CASE("the runnable tasks are read from Linux, this one among them") {
  REQUIRE(ctdiff::detail::runnable_tasks() >= 1);
}
#endif

TEST_CASE("a split is tried only where every thread finds a free core") {
  busy_processes = 2;
  split_decision decision(2, splitting::measured, runnable_besides_busy, 2);
  REQUIRE_FALSE(decision.split(100'000, 256));
  decision.record(false, 100'000, 1e-3);
  // Worth splitting, never measured, but both cores are taken: one thread, every call.
  for (int call = 0; call != 20; ++call) {
    REQUIRE_FALSE(decision.split(100'000, 256));
    decision.record(false, 100'000, 1e-3);
  }
  // The busy processes end: the trial comes within 8 calls, when the cores are next looked at.
  busy_processes = 0;
  int calls_to_trial = 0;
  while (!decision.split(100'000, 256) && calls_to_trial != 20) {
    decision.record(false, 100'000, 1e-3);
    ++calls_to_trial;
  }
  REQUIRE(calls_to_trial <= 8);
  // One busy process on two cores: the helper would not find a core either.
  busy_processes = 1;
  split_decision beside_one(2, splitting::measured, runnable_besides_busy, 2);
  REQUIRE_FALSE(beside_one.split(100'000, 256));
  beside_one.record(false, 100'000, 1e-3);
  REQUIRE_FALSE(beside_one.split(100'000, 256));
  // The same process on four cores leaves room.
  split_decision four_cores(2, splitting::measured, runnable_besides_busy, 4);
  REQUIRE_FALSE(four_cores.split(100'000, 256));
  four_cores.record(false, 100'000, 1e-3);
  REQUIRE(four_cores.split(100'000, 256));
}

TEST_CASE("the call that starts the helpers is not timed, and the helpers are not another process's work") {
  busy_processes = 0;
  split_decision decision(2, splitting::measured, runnable_besides_busy, 2);
  REQUIRE_FALSE(decision.split(100'000, 256));
  decision.record(false, 100'000, 1e-3);
  REQUIRE(decision.split(100'000, 256));  // the trial, which starts the helpers
  decision.helpers_started();
  REQUIRE_FALSE(decision.timed());
  // The helper, awake between two calls, is counted among the runnable
  // tasks: read as ours, the next call is the trial again.
  busy_processes = 1;
  REQUIRE(decision.split(100'000, 256));
  REQUIRE(decision.timed());
  decision.record(true, 100'000, 0.6e-3);
  REQUIRE(decision.split(100'000, 256));
  // Another process beside the caller and its helper still counts.
  busy_processes = 2;
  split_decision started(2, splitting::measured, runnable_besides_busy, 2);
  REQUIRE_FALSE(started.split(100'000, 256));
  started.record(false, 100'000, 1e-3);
  busy_processes = 0;
  REQUIRE(started.split(100'000, 256));
  started.helpers_started();
  busy_processes = 2;
  REQUIRE_FALSE(started.split(100'000, 256));
}

TEST_CASE("the first call times its first chunks on one thread and splits the rest, with the same bits") {
  // Thousands of volatile writes a sample: 5000 samples are worth splitting on any machine.
  struct slow_worker {
    const std::vector<double>* values;
    double operator()(std::span<const std::size_t> samples, std::span<double> partial) const {
      volatile int sink = 0;
      for (std::size_t i = 0; i != samples.size(); ++i) {
        for (int step = 0; step != 2000; ++step) sink = step;
      }
      static_cast<void>(sink);
      return value_worker{values}(samples, partial);
    }
  };
  std::vector<double> values(5000);
  for (std::size_t i = 0; i != values.size(); ++i) values[i] = 1.0 / (1.0 + double(i % 89)) * (i % 5 ? 1e5 : 1e-5);
  const std::vector<std::size_t> samples = first_indices(values.size());
  slow_worker worker{&values};
  sample_sum<double, slow_worker> serial(worker, 2, 1);
  std::array<double, 2> expected{};
  const double expected_sum = serial(samples, expected);
  sample_sum<double, slow_worker> measured(worker, 2, 2, splitting::measured, [] { return std::size_t(1); });
  std::array<double, 2> total{};
  REQUIRE(measured(samples, total) == expected_sum);
  REQUIRE(total == expected);
  REQUIRE(measured.started_helpers() == 1);  // the rest of the first call was split
  for (int call = 0; call != 3; ++call) {
    REQUIRE(measured(samples, total) == expected_sum);
    REQUIRE(total == expected);
  }
}

TEST_CASE("a task runnable for a moment is not taken for load") {
  // Read busy once, then quiet: the trial is made at the same call.
  static int reads = 0;
  const auto busy_at_first_read = []() -> std::size_t { return ++reads == 1 ? 3 : 1; };
  split_decision decision(2, splitting::measured, busy_at_first_read, 2);
  REQUIRE_FALSE(decision.split(100'000, 256));
  decision.record(false, 100'000, 1e-3);
  REQUIRE(decision.split(100'000, 256));
  REQUIRE(reads == 2);
}

TEST_CASE("a call whose work is below the threshold is never split, and a single chunk never") {
  busy_processes = 0;
  split_decision decision(2, splitting::measured, runnable_besides_busy, 2);
  REQUIRE_FALSE(decision.split(1'000, 63));
  decision.record(false, 1'000, 20e-6);  // 20 microseconds: below the threshold
  for (int call = 0; call != 100; ++call) REQUIRE_FALSE(decision.split(1'000, 63));
  split_decision always(2, splitting::always);
  REQUIRE(always.split(1'000, 63));
  REQUIRE_FALSE(always.split(10, 1));
  split_decision one_thread(1, splitting::always);
  REQUIRE_FALSE(one_thread.split(100'000, 256));
}
