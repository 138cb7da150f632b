// Evaluation. The forward pass computes every entry of the expression's
// schedule (schedule.hpp) once, children first, into a flat array of slots,
// so a subexpression used twice is computed once and the reverse sweep
// (gradient.hpp) can reuse every value; eval() is the root's slot, which the
// optimizer reduces to the plain arithmetic.
#pragma once

#include <array>
#include <cstddef>
#include <ctdiff/bindings.hpp>
#include <ctdiff/expression.hpp>
#include <ctdiff/schedule.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

// The value of every entry of E's schedule, in schedule order.
template <class T, class E>
using forward_values = std::array<T, schedule<E>::size>;

namespace detail {

template <class T, class E, std::size_t Index, class B>
constexpr T entry_value(const E& root, const B& b, const forward_values<T, E>& values) {
  using S = schedule<E>;
  using Node = typename S::template entry<Index>::node;
  if constexpr (is_symbol_v<Node>) {
    return static_cast<T>(bound_value<Node::name>(b));
  } else if constexpr (is_integer_v<Node>) {
    return static_cast<T>(Node::value);
  } else if constexpr (is_named_v<Node>) {
    return values[S::template child_slot<Index, 0>];
  } else if constexpr (is_unary_v<Node>) {
    return static_cast<T>(Node::operation::apply(values[S::template child_slot<Index, 0>]));
  } else if constexpr (is_binary_v<Node>) {
    return static_cast<T>(
        Node::operation::apply(values[S::template child_slot<Index, 0>], values[S::template child_slot<Index, 1>]));
  } else {  // a runtime literal, read where the expression holds it
    return static_cast<T>(node_at<typename S::template entry<Index>::path>(root).value);
  }
}

template <class T, class E, class B>
[[gnu::always_inline]] constexpr forward_values<T, E> forward(const E& e, const B& b) {
  forward_values<T, E> values{};
  for_each_index<schedule<E>::size>([&]<std::size_t Index>() __attribute__((always_inline)) {
    values[Index] = entry_value<T, E, Index>(e, b, values);
  });
  return values;
}

template <class... Symbols>
struct symbol_list {};

template <class... Left, class... Right>
symbol_list<Left..., Right...> operator+(symbol_list<Left...>, symbol_list<Right...>);

// The scalar symbols of E, in order, repeats included.
template <class E>
struct symbols_of {
  using type = symbol_list<>;
};
template <fixed_string Name>
struct symbols_of<symbol<Name>> {
  using type = symbol_list<symbol<Name>>;
};
template <class Op, class A>
struct symbols_of<unary<Op, A>> : symbols_of<A> {};
template <class Op, class L, class R>
struct symbols_of<binary<Op, L, R>> {
  using type = decltype(typename symbols_of<L>::type{} + typename symbols_of<R>::type{});
};
template <fixed_string Name, class E>
struct symbols_of<named<Name, E>> : symbols_of<E> {};
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
