// Evaluation. The forward pass keeps every node's value in a struct shaped
// like the expression, so the reverse sweep (gradient.hpp) can reuse them;
// eval() is the forward pass's root value, which the optimizer reduces to the
// plain arithmetic.
#pragma once

#include <ctdiff/bindings.hpp>
#include <ctdiff/expression.hpp>
#include <type_traits>

namespace ctdiff {

namespace detail {

template <class T, class E, class B>
constexpr T leaf_value(const E& e, const B& b) {
  if constexpr (is_symbol_v<E>) {
    return static_cast<T>(bound_value<E::name>(b));
  } else if constexpr (is_integer_v<E>) {
    return static_cast<T>(E::value);
  } else {  // a runtime literal
    return static_cast<T>(e.value);
  }
}

}  // namespace detail

// Each node's value after its children's, every one constructed in place:
// building a parent from finished children would copy the whole subtree at
// every level, which the optimizer does not always remove.
template <class T, class E>
struct forward_values {
  T value;

  template <class B>
  constexpr forward_values(const E& e, const B& b) : value(detail::leaf_value<T>(e, b)) {}
};
template <class T, class Op, class A>
struct forward_values<T, unary<Op, A>> {
  forward_values<T, A> argument;
  T value;

  template <class B>
  constexpr forward_values(const unary<Op, A>& e, const B& b)
      : argument(e.argument, b), value(static_cast<T>(Op::apply(argument.value))) {}
};
template <class T, class Op, class L, class R>
struct forward_values<T, binary<Op, L, R>> {
  forward_values<T, L> left;
  forward_values<T, R> right;
  T value;

  template <class B>
  constexpr forward_values(const binary<Op, L, R>& e, const B& b)
      : left(e.left, b), right(e.right, b), value(static_cast<T>(Op::apply(left.value, right.value))) {}
};

namespace detail {

template <class T, class E, class B>
constexpr forward_values<T, E> forward(const E& e, const B& b) {
  return forward_values<T, E>(e, b);
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
