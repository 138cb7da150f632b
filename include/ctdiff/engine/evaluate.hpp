// Evaluation. The forward pass computes every entry of the expression's
// schedule (schedule.hpp) once, children first, into a flat array of slots,
// so a subexpression used twice is computed once and the reverse sweep
// (gradient.hpp) can reuse every value; eval() is the root's slot, which the
// optimizer reduces to the plain arithmetic.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

// The value of every entry of E's schedule, in schedule order.
template <class T, class E>
using forward_values = std::array<T, schedule<E>::size>;

namespace detail {

// How an entry's value is made from its operands' values, by the kind of its
// node, naming the operation and nothing of the model. The forward pass and
// the sweep instantiate a function per entry, and g++ spells out (mangles)
// every instantiated function's template arguments: with the model's type
// among them, compile time grew as entries x model size (2->64->1 network,
// 6.6 min); with the operation alone, a model's entries share a handful.
struct read_before {};  // a symbol or a runtime literal, read from its source first
template <class Op>
struct apply_unary {
  using operation = Op;
};
template <class Op>
struct apply_binary {
  using operation = Op;
};
struct copy_operand {};    // a named value: its expression's
struct choose_operand {};  // where(c, a, b): a where c is not 0, else b

template <class Node>
struct value_rule {
  using type = read_before;
};
template <std::intmax_t N>
struct value_rule<integer<N>> {
  using type = integer<N>;
};
template <class Op, class A>
struct value_rule<unary<Op, A>> {
  using type = apply_unary<Op>;
};
template <class Op, class L, class R>
struct value_rule<binary<Op, L, R>> {
  using type = apply_binary<Op>;
};
template <fixed_string Name, class E>
struct value_rule<named<Name, E>> {
  using type = copy_operand;
};
template <class C, class A, class B>
struct value_rule<selection<C, A, B>> {
  using type = choose_operand;
};
template <class S, std::size_t Index>
using value_rule_t = typename value_rule<typename S::template entry<Index>::node>::type;

// An operation's result as the evaluation's type: a comparison's (a bool, a
// pack's mask) as 1 or 0.
template <class T, class V>
constexpr T as_value(const V& v) {
  if constexpr (requires { static_cast<T>(v); }) {
    return static_cast<T>(v);
  } else {
    return condition_value<T>(v);
  }
}

// Not forced inline, unlike the passes that call it: g++ inlines it anyway,
// and forcing each of a model's hundreds of calls made the inliner's
// bookkeeping the largest compile cost (4->8->4 network at -O3: 9.3 s -> 6.4 s,
// the same instructions per gradient).
template <class T, class Rule>
constexpr T entry_value(const T& own, const T& first, const T& second, const T& third) {
  if constexpr (std::is_same_v<Rule, read_before>) {
    return own;
  } else if constexpr (std::is_same_v<Rule, copy_operand>) {
    return first;
  } else if constexpr (std::is_same_v<Rule, choose_operand>) {
    return choose(first != T(0), second, third);
  } else if constexpr (is_integer_v<Rule>) {
    return static_cast<T>(Rule::value);
  } else if constexpr (std::is_same_v<Rule, apply_unary<typename Rule::operation>>) {
    return as_value<T>(Rule::operation::apply(first));
  } else {
    return as_value<T>(Rule::operation::apply(first, second));
  }
}

// The slots of the entries whose node satisfies Is, in schedule order.
template <class S, template <class> class Is>
constexpr auto slots_where() {
  constexpr auto selected = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<bool, S::size>{Is<typename S::template entry<I>::node>::value...};
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

template <class Node>
struct is_symbol_node : std::bool_constant<is_symbol_v<Node>> {};
template <class Node>
struct is_literal_node : std::false_type {};
template <class T>
struct is_literal_node<literal<T>> : std::true_type {};

template <class T, class E, class B>
[[gnu::always_inline]] constexpr forward_values<T, E> forward(const E& e, const B& b) {
  using S = schedule<E>;
  forward_values<T, E> values{};
  // Symbols from the bindings and runtime literals from the expression, where they are held.
  [&]<std::size_t... Slot>(std::index_sequence<Slot...>) __attribute__((always_inline)) {
    [[maybe_unused]] const int read[] = {
        0, (values[Slot] = static_cast<T>(bound_value<S::template entry<Slot>::node::name>(b)), 0)...};
  }
  (slots_where_t<S, is_symbol_node>{});
  [&]<std::size_t... Slot>(std::index_sequence<Slot...>) __attribute__((always_inline)) {
    [[maybe_unused]] const int read[] = {
        0, (values[Slot] = number_as<T>(node_at<typename S::template entry<Slot>::path>(e).value), 0)...};
  }
  (slots_where_t<S, is_literal_node>{});
  // Then every entry in order, children first.
  [&]<std::size_t... Index>(std::index_sequence<Index...>) __attribute__((always_inline)) {
    [[maybe_unused]] const int in_order[] = {
        0, (values[Index] = entry_value<T, value_rule_t<S, Index>>(
                values[Index], values[operand_slot<S, Index, 0>::value], values[operand_slot<S, Index, 1>::value],
                values[operand_slot<S, Index, 2>::value]),
            0)...};
  }
  (std::make_index_sequence<S::size>{});
  return values;
}

template <class... Symbols>
struct symbol_list {};

template <class... Left, class... Right>
symbol_list<Left..., Right...> operator+(symbol_list<Left...>, symbol_list<Right...>);

// The symbols of E, scalar or tensor, in order, repeats included: the leaves
// with a name.
template <class E, std::size_t Operands = operands<E>::count>
struct symbols_of {
  using type = symbol_list<>;
};
template <class E>
requires requires { E::name; }
struct symbols_of<E, 0> {
  using type = symbol_list<E>;
};
template <class E>
struct symbols_of<E, 1> : symbols_of<operand_t<E, 0>> {};
template <class E>
struct symbols_of<E, 2> {
  using type = decltype(typename symbols_of<operand_t<E, 0>>::type{} + typename symbols_of<operand_t<E, 1>>::type{});
};
template <class E>
struct symbols_of<E, 3> {
  using type = decltype(typename symbols_of<operand_t<E, 0>>::type{} + typename symbols_of<operand_t<E, 1>>::type{} +
                        typename symbols_of<operand_t<E, 2>>::type{});
};
template <class E>
using symbols_t = typename symbols_of<E>::type;

template <class B, class... Symbols>
constexpr bool symbols_bound(symbol_list<Symbols...>) {
  const bool bound[] = {true, is_bound_v<B, Symbols::name>...};  // no fold: a model may hold over 256
  for (bool each : bound)
    if (!each) return false;
  return true;
}

// One error per missing symbol, naming it, and nothing deeper: the entry
// points call this instead of their work when a symbol is missing.
template <class Site, class B, class... Symbols>
constexpr void report_unbound_symbols(symbol_list<Symbols...>) {
  [[maybe_unused]] const int each[] = {0,
                                       (Site::template require<Symbols::name, is_bound_v<B, Symbols::name>>(), 0)...};
}

template <class E, class B>
constexpr void report_unbound_in_at() {
  report_unbound_symbols<bound_in_at, B>(symbols_t<E>{});
}

}  // namespace detail

// Every symbol of E is bound in B. Entry points test it first and, if not,
// call detail::report_unbound_in_at, so the user's mistake is the only error.
template <class E, class B>
inline constexpr bool all_bound_v = detail::symbols_bound<B>(detail::symbols_t<E>{});

template <class B>
concept Bindings = requires {
  typename B::value_type;
}
&&!Expression<B>;

// A comparison has no value of its own: one message, not the list of every
// eval that does not match.
template <Condition C, Bindings B>
constexpr double eval(const C&, const B&) {
  static_assert(detail::always_false_v<C>,
                "ctdiff: a comparison such as x > 0 is a condition, for where(condition, then, otherwise) only; "
                "it is not evaluated on its own");
  return 0;  // the message above stays the only error
}

template <Expression E, Bindings B>
constexpr auto eval(const E& e, const B& b) {
  using T = typename B::value_type;
  if constexpr (all_bound_v<E, B>) {
    return detail::forward<T>(e, b).back();
  } else {
    detail::report_unbound_in_at<E, B>();
    return T{};
  }
}

}  // namespace ctdiff
