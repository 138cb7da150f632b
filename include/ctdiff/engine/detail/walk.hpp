// The walk: the forward pass and the reverse sweep over a schedule
// (schedule.hpp), written once for every kind of node. Which entry is computed
// when, which operands get a share of an adjoint, where each adjoint is kept
// and which share clears it are decided here, at compile time, from the
// schedule alone. What differs between numbers (engine/detail/numbers.hpp), tensors
// and batches (tensor/detail/storage.hpp) is the storage of an entry and how
// its operation runs on it, given by the Storage policy of the Slots the walk
// fills:
//   rule<Node>                      what names an entry's work (a number's: its
//                                   operation alone, see value_rule)
//   forward<Rule>(entry, first, second, third, count)
//   backward<Rule, Operand>(entry, first, second, third, adjoint, target, count)
//   is_batched<Node>                whether Node holds one block per sample
//   carries_adjoint<Node, Operand>  whether the operand can get a share at all
//                                   (not a where's condition; not through step)
//   shares_adjoint<Node, Operand>   whether the operand's adjoint can be the
//                                   node's own (a name's expression)
//   together<Rule, T> (optional)    the name of the operation whose independent
//                                   calls T evaluates together, or empty, and
//   forward_together<Rule>(entries, arguments)  their values, as one step
// and the Slots, for an entry index i (see slot_index), entry(i),
// values_of(i), adjoint_of(i), seed_adjoint(i, seed, count), bind(i, bound),
// hold(i, node), share_target(i, to_gradient, clears, gradient, count) (where
// a share goes: the gradient at offset i, or the adjoint at i, cleared first
// if clears), and add_to_gradient(gradient, offset, value).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <ctdiff/engine/wrt.hpp>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ctdiff::detail {

template <std::size_t I>
inline constexpr std::integral_constant<std::size_t, I> index_c{};

// How the walk names the entry at I to Slots: as a type (index_c<I>) where
// entries differ in type (tensors), else as a number, so that the accessors
// are one function each, not one per entry.
template <bool ByType, std::size_t I>
inline constexpr std::size_t slot_index_v = I;
template <std::size_t I>
inline constexpr std::integral_constant<std::size_t, I> slot_index_v<true, I> = index_c<I>;
template <class Slots, std::size_t I>
inline constexpr auto slot_index = slot_index_v<Slots::indexed_by_type, I>;

template <class S, std::size_t Index>
using node_at_t = typename S::template entry<Index>::node;

// The slots of the entries whose node satisfies Is, in schedule order.
template <class S, template <class> class Is>
constexpr auto slots_where() {
  constexpr auto selected = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<bool, S::size>{Is<node_at_t<S, I>>::value...};
  }
  (std::make_index_sequence<S::size>{});
  std::array<std::size_t, std::count(selected.begin(), selected.end(), true)> slots{};
  for (std::size_t slot = 0, next = 0; slot != S::size; ++slot)
    if (selected[slot]) slots[next++] = slot;
  return slots;
}
template <auto Slots, std::size_t... I>
constexpr std::index_sequence<Slots[I]...> as_sequence(std::index_sequence<I...>) {
  return {};
}
template <class S, template <class> class Is>
using slots_where_t =
    decltype(as_sequence<slots_where<S, Is>()>(std::make_index_sequence<slots_where<S, Is>().size()>{}));

// A leaf with a name, read from the bindings.
template <class Node>
struct is_bound_leaf : std::bool_constant<(operands<Node>::count == 0 && requires {
  Node::name; })> {};

// A node holding numbers the forward pass reads where they are held: a
// runtime literal, or an operation with data (a tensor scaled by a number).
template <class Node>
concept holds_operation_data = requires(const Node& node) {
  node.operation;
}
&&!std::is_empty_v<decltype(Node::operation)>;
template <class Node>
struct holds_data
    : std::bool_constant<holds_operation_data<Node> ||
                         (operands<Node>::count == 0 && !is_bound_leaf<Node>::value && !std::is_empty<Node>::value)> {};

// The order of the forward pass where some entries are evaluated together:
// independent calls of one function (at the same depth, so neither waits on
// the other), named alike by the Storage's together<Rule, T> (the
// operation's name), are placed side by side as one step (see plan_forward
// for where); every other entry stays in schedule order where its operands
// allow. At position P, entry order[P];
// step[P] the size of the step that begins there, 1 for an entry alone, 0
// for one evaluated by the step it belongs to.
template <std::size_t Size>
struct forward_plan {
  std::array<std::size_t, Size> order{}, step{};
};
struct forward_facts {
  std::array<std::size_t, 3> operand{};
  std::string_view together{};
};

// At most four calls a step: a step's values and their intermediates stay in
// the vector registers (SSE2 has sixteen). Steps of two, six and eight were
// slower (bench/results/simd.md).
inline constexpr std::size_t most_together = 4;

// Each step is tried where its last member is in schedule order and, if an
// operand is not computed yet (it waits on a group placed later), tried again
// after the next group is placed: in schedule order still, one pass, as a
// step's operands come before its last member.
template <std::size_t Size>
constexpr forward_plan<Size> plan_forward(const std::array<forward_facts, Size>& facts) {
  // Each entry's group named by its first member (its leader), and each
  // group's last member.
  std::array<std::size_t, Size> depth{}, group{}, last{}, leaders{}, members{};
  std::size_t leader_count = 0;
  for (std::size_t entry = 0; entry != Size; ++entry) {
    for (const std::size_t operand : facts[entry].operand) {
      if (operand != entry) depth[entry] = std::max(depth[entry], depth[operand] + 1);
    }
    group[entry] = entry;
    for (std::size_t k = 0; !facts[entry].together.empty() && k != leader_count; ++k) {
      if (facts[leaders[k]].together == facts[entry].together && depth[leaders[k]] == depth[entry] &&
          members[leaders[k]] != most_together) {
        group[entry] = leaders[k];
        break;
      }
    }
    if (!facts[entry].together.empty() && group[entry] == entry) leaders[leader_count++] = entry;
    last[group[entry]] = entry;
    ++members[group[entry]];
  }
  std::array<bool, Size> done{};
  const auto ready = [&](std::size_t leader) {
    for (std::size_t member = leader; member <= last[leader]; ++member) {
      for (const std::size_t operand : facts[member].operand) {
        if (group[member] == leader && operand != member && !done[operand]) return false;
      }
    }
    return true;
  };
  forward_plan<Size> plan;
  std::size_t placed = 0;
  const auto place = [&](std::size_t leader) {
    const std::size_t first = placed;
    for (std::size_t member = leader; member <= last[leader]; ++member) {
      if (group[member] != leader) continue;
      plan.order[placed++] = member;
      done[member] = true;
    }
    plan.step[first] = placed - first;
  };
  std::array<std::size_t, Size> waiting{};
  std::size_t waiting_count = 0;
  for (std::size_t entry = 0; entry != Size; ++entry) {
    const std::size_t leader = group[entry];
    if (last[leader] != entry) continue;
    if (!ready(leader)) {
      waiting[waiting_count++] = leader;
      continue;
    }
    place(leader);
    if (leader == entry) continue;
    std::size_t still_waiting = 0;
    for (std::size_t k = 0; k != waiting_count; ++k) {
      if (ready(waiting[k])) {
        place(waiting[k]);
      } else {
        waiting[still_waiting++] = waiting[k];
      }
    }
    waiting_count = still_waiting;
  }
  return plan;
}

// Whether a Storage evaluates some entries of S together (numbers do, for a
// number type with an operation's apply_together).
template <class S, class Storage, class T>
constexpr bool evaluates_together() {
  if constexpr (requires { Storage::template together<void, T>::value; }) {
    return []<std::size_t... Index>(std::index_sequence<Index...>) {
      return (... ||
              !Storage::template together<typename Storage::template rule<node_at_t<S, Index>>, T>::value.empty());
    }
    (std::make_index_sequence<S::size>{});
  } else {
    return false;
  }
}

// The forward pass's order for S where the Storage evaluates some entries
// together.
template <class S, class Storage, class T>
struct forward_plan_of {
  static constexpr auto plan = plan_forward([]<std::size_t... Index>(std::index_sequence<Index...>) {
    return std::array<forward_facts, S::size>{forward_facts{
        {operand_slot<S, Index, 0>::value, operand_slot<S, Index, 1>::value, operand_slot<S, Index, 2>::value},
        Storage::template together<typename Storage::template rule<node_at_t<S, Index>>, T>::value}...};
  }(std::make_index_sequence<S::size>{}));
};

// A step of several entries, as numbers: the operation and the slots of its
// entries and of their operands (see forward_pass).
struct evaluated_by_step {};
template <class Rule, class Entries, class Operands>
struct together_step;
template <class Rule, std::size_t... Entry, std::size_t... Operand>
struct together_step<Rule, std::index_sequence<Entry...>, std::index_sequence<Operand...>> {
  template <class Slots>
  [[gnu::always_inline]] static constexpr void run(Slots& slots) {
    Slots::storage::template forward_together<Rule>(std::array{&slots.entry(slot_index<Slots, Entry>)...},
                                                    std::array{&slots.values_of(slot_index<Slots, Operand>)...});
  }
};
struct no_together_step {
  template <class Slots>
  static constexpr void run(Slots&) {}
};
template <class S, class Plan, std::size_t First, class Storage, class Members>
struct together_step_at;
template <class S, class Plan, std::size_t First, class Storage, std::size_t... Member>
struct together_step_at<S, Plan, First, Storage, std::index_sequence<Member...>> {
  using type = together_step<typename Storage::template rule<node_at_t<S, Plan::plan.order[First]>>,
                             std::index_sequence<Plan::plan.order[First + Member]...>,
                             std::index_sequence<operand_slot<S, Plan::plan.order[First + Member], 0>::value...>>;
};

// The forward pass: symbols from the bindings and data from the expression,
// where they are held, then every entry, children first, for count samples,
// in schedule order or, where the storage evaluates some together, in the
// order forward_plan_of gives. Always inlined, with every visit (see
// for_each_index).
template <class E, class B, class Slots>
[[gnu::always_inline]] constexpr void forward_pass(const E& e, const B& b, Slots& slots, std::size_t count) {
  using S = schedule<E>;
  using Storage = typename Slots::storage;
  [&]<std::size_t... Slot>(std::index_sequence<Slot...>) __attribute__((always_inline)) {
    [[maybe_unused]] const int read[] = {
        0, (slots.bind(slot_index<Slots, Slot>, bound_value<node_at_t<S, Slot>::name>(b)), 0)...};
  }
  (slots_where_t<S, is_bound_leaf>{});
  [&]<std::size_t... Slot>(std::index_sequence<Slot...>) __attribute__((always_inline)) {
    [[maybe_unused]] const int read[] = {
        0, (slots.hold(slot_index<Slots, Slot>, node_at<typename S::template entry<Slot>::path>(e)), 0)...};
  }
  (slots_where_t<S, holds_data>{});
  // Each entry's forward call written here, not in a function of its own:
  // one per entry, its name holding the model, made a network's compile
  // markedly longer; a step of several entries is a function of numbers. The
  // schedule's order its own fold: the plan's, with a choice per entry, made
  // every other model compile longer too.
  if constexpr (!evaluates_together<S, Storage, typename Slots::value_type>()) {
    [&]<std::size_t... Index>(std::index_sequence<Index...>) __attribute__((always_inline)) {
      [[maybe_unused]] const int in_order[] = {
          0, (Storage::template forward<typename Storage::template rule<node_at_t<S, Index>>>(
                  slots.entry(slot_index<Slots, Index>),
                  slots.values_of(slot_index<Slots, operand_slot<S, Index, 0>::value>),
                  slots.values_of(slot_index<Slots, operand_slot<S, Index, 1>::value>),
                  slots.values_of(slot_index<Slots, operand_slot<S, Index, 2>::value>), count),
              0)...};
    }
    (std::make_index_sequence<S::size>{});
  } else {
    using Plan = forward_plan_of<S, Storage, typename Slots::value_type>;
    [&]<std::size_t... P>(std::index_sequence<P...>) __attribute__((always_inline)) {
      [[maybe_unused]] const int in_order[] = {
          0, (Storage::template forward<std::conditional_t<
                  Plan::plan.step[P] == 1, typename Storage::template rule<node_at_t<S, Plan::plan.order[P]>>,
                  evaluated_by_step>>(
                  slots.entry(slot_index<Slots, Plan::plan.order[P]>),
                  slots.values_of(slot_index<Slots, operand_slot<S, Plan::plan.order[P], 0>::value>),
                  slots.values_of(slot_index<Slots, operand_slot<S, Plan::plan.order[P], 1>::value>),
                  slots.values_of(slot_index<Slots, operand_slot<S, Plan::plan.order[P], 2>::value>), count),
              std::conditional_t<(Plan::plan.step[P] > 1),
                                 together_step_at<S, Plan, P, Storage, std::make_index_sequence<Plan::plan.step[P]>>,
                                 std::type_identity<no_together_step>>::type::run(slots),
              0)...};
    }
    (std::make_index_sequence<S::size>{});
  }
}

// What the reverse sweep does at one entry, as numbers only, so that the
// function doing it names the operation and not the model (see value_rule in
// engine/detail/numbers.hpp): where the entry's adjoint is (home), and for each
// operand whether it gets a share, whether into the gradient (a symbol of
// wrt(...), at its offset) or into an adjoint (at its slot), and whether that
// share is the first, which clears the adjoint. Passed to the function as
// integers, flags() packing the booleans: g++ 12 took two values of a class
// type differing only in their arrays of bool for the same template argument.
struct entry_sweep {
  std::size_t self = 0, home = 0;
  std::array<std::size_t, 3> operand{};
  std::array<bool, 3> passes{}, to_gradient{}, clears{};
  std::array<std::size_t, 3> target{};

  constexpr std::size_t flags() const {
    std::size_t bits = 0;
    for (std::size_t k = 0; k != 3; ++k) {
      bits |= std::size_t{passes[k]} << k | std::size_t{to_gradient[k]} << (3 + k) | std::size_t{clears[k]} << (6 + k);
    }
    return bits;
  }
};
template <std::size_t Flags, std::size_t Operand>
inline constexpr bool passes_v = Flags >> Operand & 1;
template <std::size_t Flags, std::size_t Operand>
inline constexpr std::bool_constant<(Flags >> (3 + Operand) & 1) != 0> to_gradient_c{};
template <std::size_t Flags, std::size_t Operand>
inline constexpr std::bool_constant<(Flags >> (6 + Operand) & 1) != 0> clears_c{};

// What the plan needs to know of an entry and its operands, each operand's
// facts as one number (see operand_code).
struct entry_facts {
  std::size_t operands = 0;
  std::array<std::size_t, 3> operand{}, code{};
  bool batched = false;

  constexpr bool carries(std::size_t k) const { return code[k] & 1; }
  constexpr bool shares(std::size_t k) const { return code[k] & 2; }
  constexpr bool leaf(std::size_t k) const { return code[k] & 4; }
  constexpr std::size_t offset(std::size_t k) const { return code[k] >> 3; }
};

template <class W, class Symbol, bool InGradient>
struct gradient_offset : std::integral_constant<std::size_t, 0> {};
template <class W, class Symbol>
struct gradient_offset<W, Symbol, true> : flat_offset<W, Symbol> {};

// Whether the Operand-th operand of Node gets a share of its adjoint (it
// holds a symbol of W and the node lets one through), whether it may read the
// node's adjoint as its own, whether it is a leaf, and, for a symbol of W,
// where its partial is in the gradient, packed into one number. The node's
// own question is asked only of an operand holding a symbol of W (a user's
// function may have no partial). Every fact a class whose value is an
// integral_constant's: g++ registers every variable a template names, and a
// variable whose name holds a subtree of the model, one per entry, made the
// 2->32->1 network compile twice as long.
template <class Node, std::size_t Operand, class W, class Storage, bool Exists = (Operand < operands<Node>::count)>
struct operand_code : std::integral_constant<std::size_t, 0> {};
template <class Node, std::size_t Operand, class W, class Storage, class Argument = operand_t<Node, Operand>,
          bool Carries = std::conjunction<contains_any<Argument, W>,
                                          typename Storage::template carries_adjoint<Node, Operand>>::value,
          bool Leaf = (operands<Argument>::count == 0)>
struct packed_operand_code
    : std::integral_constant<
          std::size_t, std::size_t{Carries} | std::size_t{Storage::template shares_adjoint<Node, Operand>::value} << 1 |
                           std::size_t{Leaf} << 2 | gradient_offset<W, Argument, (Carries && Leaf)>::value << 3> {};
template <class Node, std::size_t Operand, class W, class Storage>
struct operand_code<Node, Operand, W, Storage, true> : packed_operand_code<Node, Operand, W, Storage> {};

// An entry's facts as template arguments, numbers only, so that the constant
// the plan reads is named by those numbers: the plan is a function body, and
// a constant it reads whose name holds the model is one g++ mangles (the
// 2->32->1 network compiled twice as long).
template <std::size_t Operands, std::size_t First, std::size_t Second, std::size_t Third, std::size_t FirstCode,
          std::size_t SecondCode, std::size_t ThirdCode, bool Batched>
struct facts_constant {
  static constexpr entry_facts value{Operands, {First, Second, Third}, {FirstCode, SecondCode, ThirdCode}, Batched};
};

template <class S, std::size_t Index, class W, class Storage, class Node = node_at_t<S, Index>>
struct facts_of : facts_constant<operands<Node>::count, operand_slot<S, Index, 0>::value,
                                 operand_slot<S, Index, 1>::value, operand_slot<S, Index, 2>::value,
                                 operand_code<Node, 0, W, Storage>::value, operand_code<Node, 1, W, Storage>::value,
                                 operand_code<Node, 2, W, Storage>::value, Storage::template is_batched<Node>::value> {
};

template <std::size_t Size, std::size_t GradientSize>
struct sweep_plan {
  std::array<entry_sweep, Size> entries{};
  std::array<bool, GradientSize> reaches{};  // the gradient's values the sweep adds into
};

// The reverse sweep, planned: the entries reached from the root through
// operands that get a share; where each adjoint is kept: an inner entry used
// once, by a node that passes its own adjoint on and is stored alike (both or
// neither a block per sample), reads that node's adjoint where it is (a copy
// would be a pass over it and a clear); any other has its own, cleared by the
// share the sweep meets first (from the user latest in the schedule) and
// summed into by every other.
template <class E, class W, class Storage>
constexpr auto plan_sweep() {
  using S = schedule<E>;
  constexpr std::size_t size = S::size;
  constexpr auto facts = []<std::size_t... Index>(std::index_sequence<Index...>) {
    return std::array<entry_facts, size>{facts_of<S, Index, W, Storage>::value...};
  }
  (std::make_index_sequence<size>{});
  std::array<bool, size> reached{}, met{};
  std::array<std::size_t, size> uses{}, home{};
  reached[size - 1] = true;
  for (std::size_t user = size; user-- != 0;) {
    home[user] = user;
    for (std::size_t k = 0; k != facts[user].operands; ++k) {
      if (reached[user] && facts[user].carries(k)) {
        reached[facts[user].operand[k]] = true;
        ++uses[facts[user].operand[k]];
      }
    }
  }
  sweep_plan<size, flat_size_v<W>> plan;
  if constexpr (operands<E>::count == 0) {
    if (contains_any_v<E, W>) plan.reaches[flat_offset_v<W, E>] = true;
  }
  for (std::size_t user = size; user-- != 0;) {
    entry_sweep& step = plan.entries[user];
    step.self = user;
    step.home = home[user];
    step.operand = facts[user].operand;
    for (std::size_t k = 0; k != facts[user].operands; ++k) {
      if (!reached[user] || !facts[user].carries(k)) continue;
      const std::size_t argument = facts[user].operand[k];
      if (facts[user].leaf(k)) {
        step.passes[k] = step.to_gradient[k] = true;
        step.target[k] = facts[user].offset(k);
        plan.reaches[facts[user].offset(k)] = true;
        continue;
      }
      if (uses[argument] == 1 && facts[user].shares(k) && facts[user].batched == facts[argument].batched) {
        home[argument] = home[user];
        continue;
      }
      step.passes[k] = true;
      step.target[k] = argument;
      step.clears[k] = !met[argument];
      met[argument] = true;
    }
  }
  return plan;
}

template <class E, class W, class Storage>
struct sweep_plan_of {
  static constexpr auto plan = plan_sweep<E, W, Storage>();
  static constexpr const auto& entries = plan.entries;
  static constexpr const auto& reaches = plan.reaches;
};

// The entry at Self passes its adjoint on to the operands Flags says (run is
// not forced inline: see entry_value in engine/detail/numbers.hpp). One function an
// entry that passes a share, none for any other (no_sweep), and what it calls
// shared between entries: a function per share, or per slot an accessor is
// called with, made the 2->64->1 network compile twice as long.
template <class Rule, std::size_t Self, std::size_t Home, std::size_t First, std::size_t Second, std::size_t Third,
          std::size_t Flags, std::size_t FirstTarget, std::size_t SecondTarget, std::size_t ThirdTarget>
struct entry_sweeper {
  template <class Slots, class Gradient>
  static constexpr void run(Slots& slots, Gradient& gradient, std::size_t count) {
    using Storage = typename Slots::storage;
    auto&& entry = slots.entry(slot_index<Slots, Self>);
    auto&& first = slots.values_of(slot_index<Slots, First>);
    auto&& second = slots.values_of(slot_index<Slots, Second>);
    auto&& third = slots.values_of(slot_index<Slots, Third>);
    auto&& adjoint = slots.adjoint_of(slot_index<Slots, Home>);
    if constexpr (passes_v<Flags, 0>) {
      Storage::template backward<Rule, 0>(entry, first, second, third, adjoint,
                                          slots.share_target(slot_index<Slots, FirstTarget>, to_gradient_c<Flags, 0>,
                                                             clears_c<Flags, 0>, gradient, count),
                                          count);
    }
    if constexpr (passes_v<Flags, 1>) {
      Storage::template backward<Rule, 1>(entry, first, second, third, adjoint,
                                          slots.share_target(slot_index<Slots, SecondTarget>, to_gradient_c<Flags, 1>,
                                                             clears_c<Flags, 1>, gradient, count),
                                          count);
    }
    if constexpr (passes_v<Flags, 2>) {
      Storage::template backward<Rule, 2>(entry, first, second, third, adjoint,
                                          slots.share_target(slot_index<Slots, ThirdTarget>, to_gradient_c<Flags, 2>,
                                                             clears_c<Flags, 2>, gradient, count),
                                          count);
    }
  }
};
struct no_sweep {
  template <class Slots, class Gradient>
  static constexpr void run(Slots&, Gradient&, std::size_t) {}
};

// The reverse sweep: the root's adjoint set to seed, then each entry's
// adjoint, complete when the sweep reaches it, passed on to its operands once;
// entries without a symbol of W make no code. The shares of the symbols of W
// are added into gradient (the layout of wrt(...)); a root that is a symbol
// of W adds seed there.
template <class W, class E, class Slots, class Gradient, class T = typename Slots::value_type>
[[gnu::always_inline]] constexpr void reverse_sweep(Slots& slots, Gradient& gradient, std::size_t count, T seed) {
  using S = schedule<E>;
  using Storage = typename Slots::storage;
  constexpr std::size_t root = S::size - 1;
  if constexpr (operands<E>::count == 0) {
    if constexpr (contains_any_v<E, W>) Slots::add_to_gradient(gradient, flat_offset_v<W, E>, seed);
  } else {
    slots.seed_adjoint(slot_index<Slots, root>, seed, count);
    // The plan read only in template arguments: a use at run time would make
    // g++ emit it, under a name that holds the model.
    using Plan = sweep_plan_of<E, W, Storage>;
    [&]<std::size_t... Reversed>(std::index_sequence<Reversed...>) __attribute__((always_inline)) {
      [[maybe_unused]] const int from_the_root[] = {
          0, (std::conditional_t<
                  Plan::entries[root - Reversed].flags() == 0, no_sweep,
                  entry_sweeper<typename Storage::template rule<node_at_t<S, root - Reversed>>, root - Reversed,
                                Plan::entries[root - Reversed].home, Plan::entries[root - Reversed].operand[0],
                                Plan::entries[root - Reversed].operand[1], Plan::entries[root - Reversed].operand[2],
                                Plan::entries[root - Reversed].flags(), Plan::entries[root - Reversed].target[0],
                                Plan::entries[root - Reversed].target[1],
                                Plan::entries[root - Reversed].target[2]>>::run(slots, gradient, count),
              0)...};
    }
    (std::make_index_sequence<S::size>{});
  }
}

}  // namespace ctdiff::detail
