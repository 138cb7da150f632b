// The arithmetic nodes: + - * / unary minus and powers, each with its value
// and its local partial derivatives, side by side. The partials are written
// once and serve the symbolic derivative d(e, v) (called with expressions)
// and the reverse sweep of gradient() (called with numbers).
#pragma once

#include <cmath>
#include <cstdint>
#include <ctdiff/core/simplify.hpp>
#include <string_view>
#include <type_traits>

namespace ctdiff {

// How tightly an operator binds, for printing with the fewest parentheses.
// Loosest first: the conditions of where(...) (||, &&, comparisons), then arithmetic.
enum class precedence { either = 1, both, comparison, sum, product, prefix, power, atom };

struct sum_op {
  static constexpr std::string_view symbol = " + ";
  static constexpr precedence binding = precedence::sum;
  static constexpr auto apply(auto a, auto b) { return a + b; }
  static constexpr auto d_left(const auto&, const auto&, const auto&) { return int_c<1>; }
  static constexpr auto d_right(const auto&, const auto&, const auto&) { return int_c<1>; }
};

struct difference_op {
  static constexpr std::string_view symbol = " - ";
  static constexpr precedence binding = precedence::sum;
  static constexpr auto apply(auto a, auto b) { return a - b; }
  static constexpr auto d_left(const auto&, const auto&, const auto&) { return int_c<1>; }
  static constexpr auto d_right(const auto&, const auto&, const auto&) { return int_c<-1>; }
};

struct product_op {
  static constexpr std::string_view symbol = "*";
  static constexpr precedence binding = precedence::product;
  static constexpr auto apply(auto a, auto b) { return a * b; }
  static constexpr auto d_left(const auto&, const auto& b, const auto&) { return b; }
  static constexpr auto d_right(const auto& a, const auto&, const auto&) { return a; }
};

struct quotient_op {
  static constexpr std::string_view symbol = "/";
  static constexpr precedence binding = precedence::product;
  static constexpr auto apply(auto a, auto b) { return a / b; }
  static constexpr auto d_left(const auto&, const auto& b, const auto&) { return make_quotient(int_c<1>, b); }
  static constexpr auto d_right(const auto& a, const auto& b, const auto&) {
    return make_quotient(make_negate(a), make_power<2>(b));
  }
};

struct negate_op {
  static constexpr std::string_view name = "-";
  static constexpr auto apply(auto a) { return -a; }
  static constexpr auto derivative(const auto&, const auto&) { return int_c<-1>; }
};

template <std::intmax_t N>
struct power_op {
  static constexpr std::intmax_t exponent = N;
  static constexpr auto apply(auto a) { return detail::integer_power<N>(a); }
  static constexpr auto derivative(const auto& a, const auto&) { return make_product(int_c<N>, make_power<N - 1>(a)); }
  // In the reverse sweep the constant N meets the adjoint first: under ½(…)²
  // the adjoint ½ times 2 folds to 1, where ½·(2·r) would cost two
  // multiplications that the optimizer may not reassociate without -ffast-math.
  static constexpr auto chain(const auto& adjoint, const auto& a, const auto&) {
    return make_product(make_product(adjoint, int_c<N>), make_power<N - 1>(a));
  }
};

struct log_op;
template <class Op, class A>
constexpr auto make_call(const A& a);
struct real_power_op;

// Op(a, b) for a two-operand function: value(a, b) for two numbers, else a node.
template <class Op, class A, class B, class Value>
constexpr auto make_call(const A& a, const B& b, Value value) {
  if constexpr (is_number_v<A> && is_number_v<B>) {
    return value(a, b);
  } else {
    using detail::as_node;
    return binary<Op, decltype(as_node(a)), decltype(as_node(b))>{as_node(a), as_node(b)};
  }
}

template <class A, class B>
constexpr auto make_real_power(const A& a, const B& b) {
  if constexpr (is_integer_v<B>) {
    return make_power<B::value>(a);
  } else {
    // A pack type chooses how (core/numbers.hpp's lanes).
    return make_call<real_power_op>(
        a, b, [](auto base, auto exponent) { return detail::lanes<decltype(base)>::pow(base, exponent); });
  }
}

// a^b for a real exponent: defined for a > 0.
struct real_power_op {
  static constexpr std::string_view symbol = "^";
  static constexpr precedence binding = precedence::power;
  static auto apply(auto a, auto b) { return make_real_power(a, b); }
  static constexpr auto d_left(const auto& a, const auto& b, const auto&) {
    return make_product(b, make_real_power(a, make_difference(b, int_c<1>)));
  }
  static constexpr auto d_right(const auto& a, const auto&, const auto& f) {
    return make_product(f, make_call<log_op>(a));
  }
};

namespace detail {
template <class L, class R>
inline constexpr bool is_arithmetic_call_v = (Expression<L> && Operand<R>) || (Operand<L> && Expression<R>);

// An operator with a tensor operand is the tensor operators' (tensor/operations.hpp):
// exp(lambda) * sum(W) is one.
template <class L, class R>
inline constexpr bool has_tensor_operand_v = TensorExpression<L> || TensorExpression<R>;

template <class L, class R>
inline constexpr bool is_misused_operator_v =
    !has_tensor_operand_v<L, R> &&
    (Expression<L> || Expression<R> || Condition<L> || Condition<R>)&&!(Operand<L> && Operand<R>);

}  // namespace detail

// Operators take an expression and an expression or a number, on either side.
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R>
constexpr auto operator+(const L& l, const R& r) { return make_sum(l, r); }
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R>
constexpr auto operator-(const L& l, const R& r) { return make_difference(l, r); }
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R>
constexpr auto operator*(const L& l, const R& r) { return make_product(l, r); }
template <class L, class R>
requires detail::is_arithmetic_call_v<L, R>
constexpr auto operator/(const L& l, const R& r) { return make_quotient(l, r); }
template <Expression E>
constexpr auto operator-(const E& e) {
  return make_negate(e);
}

// An operand that is neither an expression nor a number (a std::string, a
// pointer...) reaches these instead of a page of failed overloads.
#define CTDIFF_REJECT_OPERAND(OP)                                                                                    \
  template <class L, class R>                                                                                        \
  requires detail::is_misused_operator_v<L, R> L operator OP(const L& l, const R&) {                                 \
    static_assert(detail::always_false_v<L>, "ctdiff: an operand of " #OP                                            \
                                             " is neither a ctdiff expression nor an arithmetic value "              \
                                             "(int, double, ...); a comparison such as x > 0 is a condition, for "   \
                                             "where(condition, then, otherwise) only; the instantiation line above " \
                                             "names both operand types");                                            \
    return l; /* a complete type, so that the message above is the only error */                                     \
  }
CTDIFF_REJECT_OPERAND(+)
CTDIFF_REJECT_OPERAND(-)
CTDIFF_REJECT_OPERAND(*)
CTDIFF_REJECT_OPERAND(/)
#undef CTDIFF_REJECT_OPERAND

// pow<N>(e): e to a compile-time integer power of any sign.
template <std::intmax_t N, Expression E>
constexpr auto pow(const E& e) {
  return make_power<N>(e);
}

// pow(a, b): a real power; a or b may be a number.
template <class A, class B>
requires detail::is_arithmetic_call_v<A, B>
constexpr auto pow(const A& a, const B& b) { return make_real_power(a, b); }

}  // namespace ctdiff
