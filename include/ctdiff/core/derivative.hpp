// The derivative rules. There is one chain rule for every node: the partials
// each operation declares beside its value (arithmetic.hpp, functions.hpp)
// times the derivative of its operands, summed. Simplification in the make_*
// constructors keeps the result small; an operand without the symbol
// contributes the compile-time zero and no code.
#pragma once

#include <ctdiff/core/conditions.hpp>
#include <ctdiff/core/functions.hpp>
#include <type_traits>

namespace ctdiff {

namespace detail {

// The chain rule at e, whose value the expression `value` stands for: e
// itself, or the name of a named intermediate, so that sigmoid's derivative
// under let<"h">(sigmoid(z)) reads h*(1 - h), and computes from h's slot.
template <class E, class S, class Value>
constexpr auto derivative(const E& e, S s, const Value& value) {
  if constexpr (!contains_symbol<E, S>::value) {  // constants, other symbols, and subtrees without s
    return int_c<0>;
  } else if constexpr (is_symbol_v<E>) {
    return int_c<1>;
  } else if constexpr (is_named_v<E>) {
    return derivative(e.expression, s, e);
  } else if constexpr (is_selection_v<E>) {  // the where of the branches' derivatives
    return make_selection(e.condition, derivative(e.then, s, e.then), derivative(e.otherwise, s, e.otherwise));
  } else if constexpr (is_unary_v<E>) {
    return make_product(E::operation::derivative(e.argument, value), derivative(e.argument, s, e.argument));
  } else {
    using Op = typename E::operation;
    auto through_left = [&] {
      if constexpr (contains_symbol<typename E::left_type, S>::value) {
        return make_product(Op::d_left(e.left, e.right, value), derivative(e.left, s, e.left));
      } else {
        return int_c<0>;
      }
    };
    auto through_right = [&] {
      if constexpr (contains_symbol<typename E::right_type, S>::value) {
        return make_product(Op::d_right(e.left, e.right, value), derivative(e.right, s, e.right));
      } else {
        return int_c<0>;
      }
    };
    return make_sum(through_left(), through_right());
  }
}

}  // namespace detail

// d(e, v): the derivative of e with respect to the symbol v, as an expression.
// d(e, v, w, ...) = d(d(e, v), w, ...).
template <Expression E, class S, class... More>
constexpr auto d(const E& e, S v, More... more) {
  static_assert(is_symbol_v<S> && (is_symbol_v<More> && ...),
                "ctdiff: d(e, v, ...) differentiates with respect to symbols made by var<\"name\">");
  if constexpr (sizeof...(More) == 0) {
    return detail::derivative(e, v, e);
  } else {
    return d(detail::derivative(e, v, e), more...);
  }
}

}  // namespace ctdiff
