// Evaluation. The forward pass (walk.hpp) computes every entry of the
// expression's schedule (schedule.hpp) once, children first, into a flat
// array of numbers (numbers.hpp), so a subexpression used twice is computed
// once and the reverse sweep (gradient.hpp) can reuse every value; eval() is
// the root's, which the optimizer reduces to the plain arithmetic.
#pragma once

#include <cstddef>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/engine/detail/numbers.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {

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
    detail::number_slots<T, schedule<E>::size> slots;
    detail::forward_pass(e, b, slots, 1);
    return slots.values.back();
  } else {
    detail::report_unbound_in_at<E, B>();
    return T{};
  }
}

}  // namespace ctdiff
