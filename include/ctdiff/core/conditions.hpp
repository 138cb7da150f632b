// Conditions: where(condition, then, otherwise), the comparisons and logic
// it takes, and min, max and clamp. A comparison is a node valued 1 or 0 whose
// partials are the compile-time 0, so the reverse sweep never enters it; a
// where passes its adjoint to the branch its condition chose, and d() of a
// where is the where of its branches' derivatives. Both branches are
// evaluated (straight-line code, so a pack of samples blends them), as
// PyTorch's and JAX's where: a branch that is not finite where it is not taken
// makes the gradient NaN there (guard its argument with a where of its own).
#pragma once

#include <cstdint>
#include <ctdiff/core/arithmetic.hpp>
#include <string_view>
#include <type_traits>

namespace ctdiff {

namespace detail {
// What every comparison and logical operation shares: a condition, its
// partials the compile-time 0.
struct condition_operation {
  static constexpr bool is_condition = true;
  static constexpr auto d_left(const auto&, const auto&, const auto&) { return int_c<0>; }
  static constexpr auto d_right(const auto&, const auto&, const auto&) { return int_c<0>; }
};
}  // namespace detail

struct less_op : detail::condition_operation {
  static constexpr std::string_view symbol = " < ", latex = " < ";
  static constexpr precedence binding = precedence::comparison;
  static constexpr auto apply(auto a, auto b) { return a < b; }
};
struct less_equal_op : detail::condition_operation {
  static constexpr std::string_view symbol = " <= ", latex = " \\leq ";
  static constexpr precedence binding = precedence::comparison;
  static constexpr auto apply(auto a, auto b) { return a <= b; }
};
struct greater_op : detail::condition_operation {
  static constexpr std::string_view symbol = " > ", latex = " > ";
  static constexpr precedence binding = precedence::comparison;
  static constexpr auto apply(auto a, auto b) { return a > b; }
};
struct greater_equal_op : detail::condition_operation {
  static constexpr std::string_view symbol = " >= ", latex = " \\geq ";
  static constexpr precedence binding = precedence::comparison;
  static constexpr auto apply(auto a, auto b) { return a >= b; }
};
// Equality: in the derivatives of min and max, at a tie.
struct equal_op : detail::condition_operation {
  static constexpr std::string_view symbol = " == ", latex = " = ";
  static constexpr precedence binding = precedence::comparison;
  static constexpr auto apply(auto a, auto b) { return a == b; }
};
struct and_op : detail::condition_operation {
  static constexpr std::string_view symbol = " && ", latex = " \\land ";
  static constexpr precedence binding = precedence::both;
  // On the values 1 and 0 of conditions, as arithmetic, so that a pack computes it too.
  static constexpr auto apply(auto a, auto b) { return a * b != 0; }
};
struct or_op : detail::condition_operation {
  static constexpr std::string_view symbol = " || ", latex = " \\lor ";
  static constexpr precedence binding = precedence::either;
  static constexpr auto apply(auto a, auto b) { return a + b != 0; }
};
struct not_op {
  static constexpr bool is_condition = true;
  static constexpr std::string_view name = "!";
  static constexpr auto apply(auto a) { return a == 0; }
  static constexpr auto derivative(const auto&, const auto&) { return int_c<0>; }
};

// l Op r: folded where both are compile-time integers, a bool for two
// numbers, else a node.
template <class Op, class L, class R>
constexpr auto make_comparison(const L& l, const R& r) {
  if constexpr (is_integer_v<L> && is_integer_v<R>) {
    return int_c < Op::apply(L::value, R::value) ? 1 : 0 > ;
  } else if constexpr (is_number_v<L> && is_number_v<R>) {
    return Op::apply(l, r);
  } else {
    using detail::as_node;
    return binary<Op, decltype(as_node(l)), decltype(as_node(r))>{as_node(l), as_node(r)};
  }
}

// where(c, a, b), simplified as it is built: a condition known at compile
// time picks its branch, and two branches of the same value are that value.
template <class C, class A, class B>
constexpr auto make_selection(const C& c, const A& a, const B& b) {
  using detail::as_node;
  if constexpr (is_integer_v<C>) {
    if constexpr (C::value != 0) {
      return a;
    } else {
      return b;
    }
  } else if constexpr (detail::same_static_v<A, B> && !std::is_arithmetic_v<A>) {
    return a;
  } else {
    return selection<C, decltype(as_node(a)), decltype(as_node(b))>{c, as_node(a), as_node(b)};
  }
}

// The condition of where(...): a comparison, or a compile-time integer that
// one folded to.
template <class C>
inline constexpr bool is_where_condition_v = Condition<C> || is_integer_v<C>;

// where(condition, then, otherwise): each branch an expression or a number.
template <class C, class A, class B>
requires Operand<A> && Operand<B>
constexpr auto where(const C& c, const A& a, const B& b) {
  if constexpr (is_where_condition_v<C>) {
    return make_selection(c, a, b);
  } else {
    static_assert(is_where_condition_v<C>,
                  "ctdiff: where(condition, then, otherwise) takes a comparison of expressions as its condition "
                  "(x > 0, abs(x) <= 1.0, combined with && || !); this one is not one (two plain numbers compare "
                  "to a bool: write the branch itself)");
    return a;  // the message above stays the only error
  }
}

// Comparisons between expressions and numbers, either side; && || ! between conditions.
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R> &&(!detail::has_tensor_operand_v<L, R>)constexpr auto operator<(
    const L& l, const R& r) {
  return make_comparison<less_op>(l, r);
}
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R> &&(!detail::has_tensor_operand_v<L, R>)constexpr auto operator<=(
    const L& l, const R& r) {
  return make_comparison<less_equal_op>(l, r);
}
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R> &&(!detail::has_tensor_operand_v<L, R>)constexpr auto operator>(
    const L& l, const R& r) {
  return make_comparison<greater_op>(l, r);
}
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R> &&(!detail::has_tensor_operand_v<L, R>)constexpr auto operator>=(
    const L& l, const R& r) {
  return make_comparison<greater_equal_op>(l, r);
}
template <Condition L, Condition R>
constexpr auto operator&&(const L& l, const R& r) {
  return make_comparison<and_op>(l, r);
}
template <Condition L, Condition R>
constexpr auto operator||(const L& l, const R& r) {
  return make_comparison<or_op>(l, r);
}
template <Condition C>
constexpr auto operator!(const C& c) {
  return unary<not_op, C>{c};
}

namespace detail {
// The partial of min(a, b) by a (Left) or by b: 1 where that operand is the
// smaller, 0 where the other is, 1/2 each at a tie, as PyTorch's minimum and
// maximum share the gradient (max: Smaller false).
template <bool Left, bool Smaller, class A, class B>
constexpr auto extremum_partial(const A& a, const B& b) {
  if constexpr (is_number_v<A> && is_number_v<B>) {
    using T = std::common_type_t<A, B>;
    const auto chosen = Left == Smaller ? a < b : b < a;
    return choose(chosen, T(1), choose(a == b, T(0.5), T(0)));
  } else {
    const auto chosen = [&] {
      if constexpr (Left == Smaller) {
        return make_comparison<less_op>(a, b);
      } else {
        return make_comparison<less_op>(b, a);
      }
    }();
    return make_selection(chosen, int_c<1>,
                          make_selection(make_comparison<equal_op>(a, b), literal<rational>{rational(1, 2)}, int_c<0>));
  }
}
}  // namespace detail

// min (Smaller) or max of two values.
template <bool Smaller>
struct extremum_op {
  static constexpr std::string_view name = Smaller ? "min" : "max";
  static constexpr precedence binding = precedence::atom;
  static constexpr auto apply(auto a, auto b) {
    if constexpr (Smaller) {
      return choose(b < a, b, a);
    } else {
      return choose(a < b, b, a);
    }
  }
  static constexpr auto d_left(const auto& a, const auto& b, const auto&) {
    return detail::extremum_partial<true, Smaller>(a, b);
  }
  static constexpr auto d_right(const auto& a, const auto& b, const auto&) {
    return detail::extremum_partial<false, Smaller>(a, b);
  }
};
using min_op = extremum_op<true>;
using max_op = extremum_op<false>;

// min(a, b), max(a, b): a or b may be a number.
template <class A, class B>
requires detail::is_arithmetic_call_v<A, B>
constexpr auto min(const A& a, const B& b) {
  return make_call<min_op>(a, b, [](auto x, auto y) { return min_op::apply(x, y); });
}
template <class A, class B>
requires detail::is_arithmetic_call_v<A, B>
constexpr auto max(const A& a, const B& b) {
  return make_call<max_op>(a, b, [](auto x, auto y) { return max_op::apply(x, y); });
}

// clamp(e, lo, hi): lo below lo, hi above hi, else e. At either bound the
// derivative is e's, as PyTorch's clamp.
template <class E, class Lo, class Hi>
requires Operand<E> && Operand<Lo> && Operand<Hi> &&
    (Expression<E> || Expression<Lo> || Expression<Hi>)constexpr auto clamp(const E& e, const Lo& lo, const Hi& hi) {
  return make_selection(make_comparison<less_op>(e, lo), lo, make_selection(make_comparison<greater_op>(e, hi), hi, e));
}

}  // namespace ctdiff
