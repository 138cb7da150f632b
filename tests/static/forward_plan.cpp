// Compile-time tests of the forward pass's order where independent calls of
// one function are evaluated together (engine/detail/walk.hpp's plan_forward):
// which entries share a step, and that every entry still comes after its
// operands. Compiling this file is passing.
#include <array>
#include <cstddef>
#include <ctdiff/engine/detail/walk.hpp>
#include <string_view>

namespace {

using ctdiff::detail::forward_facts;
using ctdiff::detail::plan_forward;

constexpr std::string_view sigmoid_calls = "sigmoid", tanh_calls = "tanh";

// An entry with operands (an operand equal to the entry's own index is none).
constexpr forward_facts entry(std::size_t self, std::size_t first, std::size_t second = 0,
                              std::string_view together = {}) {
  return {{first, second == 0 ? self : second, self}, together};
}
constexpr forward_facts leaf(std::size_t self) { return {{self, self, self}, {}}; }

template <std::size_t Size>
constexpr bool operands_come_first(const std::array<forward_facts, Size>& facts) {
  const auto plan = plan_forward(facts);
  std::array<bool, Size> done{};
  for (const std::size_t computed : plan.order) {
    for (const std::size_t operand : facts[computed].operand) {
      if (operand != computed && !done[operand]) return false;
    }
    done[computed] = true;
  }
  return true;
}

// Two hidden units of a network, in schedule order: x; w0·x, sigmoid, v0·s0;
// w1·x, sigmoid, v1·s1; their sum. The sigmoids are one step, placed where the
// second's operand is computed; v0·s0, which waited on the first, after it.
constexpr std::array<forward_facts, 8> two_units{leaf(0),     entry(1, 0),   entry(2, 1, 0, sigmoid_calls),
                                                 entry(3, 2), entry(4, 0),   entry(5, 4, 0, sigmoid_calls),
                                                 entry(6, 5), entry(7, 3, 6)};
static_assert(plan_forward(two_units).order == std::array<std::size_t, 8>{0, 1, 4, 2, 5, 3, 6, 7});
static_assert(plan_forward(two_units).step == std::array<std::size_t, 8>{1, 1, 1, 2, 0, 1, 1, 1},
              "the two sigmoids one step of two");
static_assert(operands_come_first(two_units));

// Without a function evaluated together the schedule's order stays.
constexpr std::array<forward_facts, 8> no_tags{leaf(0),     entry(1, 0), entry(2, 1), entry(3, 2),
                                               entry(4, 0), entry(5, 4), entry(6, 5), entry(7, 3, 6)};
static_assert(plan_forward(no_tags).order == std::array<std::size_t, 8>{0, 1, 2, 3, 4, 5, 6, 7});
static_assert(plan_forward(no_tags).step == std::array<std::size_t, 8>{1, 1, 1, 1, 1, 1, 1, 1});

// Calls of different functions, or of one function where one call takes the
// other's value (a deeper one), are not evaluated together.
constexpr std::array<forward_facts, 5> not_together{leaf(0), entry(1, 0, 0, sigmoid_calls), entry(2, 0, 0, tanh_calls),
                                                    entry(3, 1, 0, sigmoid_calls), entry(4, 2, 3)};
static_assert(plan_forward(not_together).step == std::array<std::size_t, 5>{1, 1, 1, 1, 1});
static_assert(operands_come_first(not_together));

// Six independent sigmoids of x: steps of at most four (most_together), so
// that one step's values stay in registers.
constexpr std::array<forward_facts, 8> six_calls{leaf(0),
                                                 entry(1, 0, 0, sigmoid_calls),
                                                 entry(2, 0, 0, sigmoid_calls),
                                                 entry(3, 0, 0, sigmoid_calls),
                                                 entry(4, 0, 0, sigmoid_calls),
                                                 entry(5, 0, 0, sigmoid_calls),
                                                 entry(6, 0, 0, sigmoid_calls),
                                                 entry(7, 1, 6)};
static_assert(ctdiff::detail::most_together == 4);
static_assert(plan_forward(six_calls).step == std::array<std::size_t, 8>{1, 4, 0, 0, 0, 2, 0, 1});
static_assert(operands_come_first(six_calls));

}  // namespace
