// Evaluation. The forward pass keeps every node's value in a struct shaped
// like the expression, so the reverse sweep (gradient.hpp) can reuse them;
// eval() is the forward pass's root value, which the optimizer reduces to the
// plain arithmetic.
#pragma once

#include <ctdiff/bindings.hpp>
#include <ctdiff/expression.hpp>
#include <type_traits>

namespace ctdiff {

template <class T, class E>
struct forward_values {
  T value;
};
template <class T, class Op, class A>
struct forward_values<T, unary<Op, A>> {
  T value;
  forward_values<T, A> argument;
};
template <class T, class Op, class L, class R>
struct forward_values<T, binary<Op, L, R>> {
  T value;
  forward_values<T, L> left;
  forward_values<T, R> right;
};

namespace detail {

template <class T, class E, class B>
constexpr forward_values<T, E> forward(const E& e, const B& b) {
  if constexpr (is_symbol_v<E>) {
    return {static_cast<T>(bound_value<E::name>(b))};
  } else if constexpr (is_integer_v<E>) {
    return {static_cast<T>(E::value)};
  } else if constexpr (is_unary_v<E>) {
    auto argument = forward<T>(e.argument, b);
    return {static_cast<T>(E::operation::apply(argument.value)), argument};
  } else if constexpr (is_binary_v<E>) {
    auto left = forward<T>(e.left, b);
    auto right = forward<T>(e.right, b);
    return {static_cast<T>(E::operation::apply(left.value, right.value)), left, right};
  } else {  // a runtime literal
    return {static_cast<T>(e.value)};
  }
}

// Instantiated only for a symbol that is missing, so the compiler's message
// names the symbol: "In instantiation of symbol_not_bound_in_at<"y">".
template <fixed_string Name>
struct symbol_not_bound_in_at {
  static_assert(Name.size() == 0, "ctdiff: this symbol is used in the expression but not bound in at(...)");
};

template <class E, class B>
constexpr bool report_unbound_symbols() {
  if constexpr (is_symbol_v<E>) {
    if constexpr (!is_bound_v<B, E::name>) {
      return sizeof(symbol_not_bound_in_at<E::name>) == 0;
    } else {
      return true;
    }
  } else if constexpr (is_unary_v<E>) {
    return report_unbound_symbols<typename E::argument_type, B>();
  } else if constexpr (is_binary_v<E>) {
    // Both sides are visited, so every missing symbol is reported, not only the first.
    bool left = report_unbound_symbols<typename E::left_type, B>();
    bool right = report_unbound_symbols<typename E::right_type, B>();
    return left && right;
  } else {
    return true;
  }
}

}  // namespace detail

// Every symbol of E is bound in B; otherwise one error per missing symbol,
// naming it, before anything deeper is instantiated.
template <class E, class B>
inline constexpr bool all_bound_v = detail::report_unbound_symbols<E, B>();

template <class B>
concept Bindings = requires {
  typename B::value_type;
}
&&!Expression<B>;

template <Expression E, Bindings B>
constexpr auto eval(const E& e, const B& b) {
  using T = typename B::value_type;
  if constexpr (all_bound_v<E, B>) {
    return detail::forward<T>(e, b).value;
  } else {
    return T{};
  }
}

}  // namespace ctdiff
