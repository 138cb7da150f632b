// Simplification, applied as each node is built: no unsimplified tree exists.
//
// The make_* functions are the only constructors of arithmetic nodes. They
// accept expressions, compile-time integers and plain numbers alike, so one
// derivative rule serves both the symbolic derivative (operands are
// expressions) and the numeric reverse sweep (operands are numbers, and
// multiplying an adjoint by the compile-time 1 of a sum's partial costs
// nothing).
#pragma once

#include <algorithm>
#include <cstdint>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/core/numbers.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

struct sum_op;
struct difference_op;
struct product_op;
struct quotient_op;
struct negate_op;
template <std::intmax_t N>
struct power_op;

// The exact quotient of two of a user's integers (x / 2 puts 1/2 in its
// derivative), held as a runtime literal's value. It converts to the
// evaluation type as T(numerator) / T(denominator), the value C++ gives
// 1 / T(2); folding 1 / 2 in the integers' own type would give 0.
struct rational {
  std::intmax_t numerator;
  std::intmax_t denominator = 1;

  constexpr rational(std::intmax_t n, std::intmax_t d = 1) : numerator(n), denominator(d) {
    if (denominator < 0) {
      numerator = -numerator;
      denominator = -denominator;
    }
    std::intmax_t a = numerator < 0 ? -numerator : numerator, b = denominator;
    while (b != 0) a = std::exchange(b, a % b);
    if (a > 1) {
      numerator /= a;
      denominator /= a;
    }
  }

  template <class T>
  requires std::is_floating_point_v<T>
  explicit constexpr operator T() const { return T(numerator) / T(denominator); }

  friend constexpr rational operator-(rational a) { return {-a.numerator, a.denominator}; }
  friend constexpr rational operator+(rational a, rational b) {
    return {a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator};
  }
  friend constexpr rational operator-(rational a, rational b) { return a + -b; }
  friend constexpr rational operator*(rational a, rational b) {
    return {a.numerator * b.numerator, a.denominator * b.denominator};
  }
  friend constexpr rational operator/(rational a, rational b) {
    return {a.numerator * b.denominator, a.denominator * b.numerator};
  }
  friend constexpr bool operator==(rational a, rational b) = default;
  friend constexpr bool operator<(rational a, rational b) {
    return a.numerator * b.denominator < b.numerator * a.denominator;
  }
};

namespace detail {

template <class T>
inline constexpr bool is_literal_v = false;
template <class T>
inline constexpr bool is_literal_v<literal<T>> = true;

// A value known without any symbol: a plain number, a compile-time integer or a runtime literal.
template <class T>
inline constexpr bool is_constant_v = is_number_v<T> || is_integer_v<T> || is_literal_v<T>;

// A user's number as the literal keeps it. An integer of any type becomes
// a signed std::intmax_t: folding must not wrap (-(3u) is -3, not
// 4294967293). A float becomes a double: the fold 1/3.0f must not round to
// float in a double model; converting the double back to float rounds the
// same as float arithmetic would (53 >= 2*24 + 2 bits).
template <class T>
constexpr auto widened(T value) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<std::intmax_t>(value);
  } else if constexpr (std::is_same_v<T, float>) {
    return static_cast<double>(value);
  } else {
    return value;
  }
}

template <class T>
constexpr auto constant_value(const T& c) {
  if constexpr (is_integer_v<T>) {
    return T::value;
  } else if constexpr (is_literal_v<T>) {
    return widened(c.value);
  } else {
    return widened(c);
  }
}

// A constant whose value is an integer or a rational: a compile-time
// integer, a user's integer literal or a plain integer. Two of them divide
// into a rational, never by integer division.
template <class T>
inline constexpr bool is_exact_constant_v =
    std::is_integral_v<decltype(constant_value(std::declval<const T&>()))> ||
    std::is_same_v<decltype(constant_value(std::declval<const T&>())), rational>;

// Folds two constants that are not both compile-time integers: the result is
// a literal node if either was one, else a plain number.
// C++'s usual arithmetic conversions, extended to rationals: an integer
// meets a rational as a rational, a rational meets a floating value as that type.
template <class X, class Y>
constexpr auto converted_for(const X& x) {
  if constexpr (is_pack_v<Y> && !is_pack_v<X>) {  // a constant beside a pack: its element type
    return static_cast<typename Y::value_type>(x);
  } else if constexpr (std::is_same_v<X, rational> && std::is_floating_point_v<Y>) {
    return static_cast<Y>(x);
  } else if constexpr (std::is_integral_v<X> && std::is_same_v<Y, rational>) {
    return rational(x);
  } else {
    return x;
  }
}

template <class A, class B, class F>
constexpr auto fold_constants(const A& a, const B& b, F operation) {
  const auto x = constant_value(a);
  const auto y = constant_value(b);
  const auto value = operation(converted_for<decltype(x), decltype(y)>(x), converted_for<decltype(y), decltype(x)>(y));
  if constexpr (is_literal_v<A> || is_literal_v<B> || std::is_same_v<decltype(value), const rational>) {
    return literal<std::remove_const_t<decltype(value)>>{value};
  } else {
    return value;
  }
}

// A number standing beside an expression becomes a runtime literal node.
template <class T>
constexpr auto as_node(const T& operand) {
  if constexpr (is_number_v<T>) {
    return literal<decltype(widened(operand))>{widened(operand)};
  } else {
    return operand;
  }
}

template <std::intmax_t N, class T>
constexpr T integer_power(T base) {
  if constexpr (N < 0) {
    return T(1) / integer_power<-N>(base);
  } else if constexpr (N == 0) {
    return T(1);
  } else {
    T half = integer_power<N / 2>(base);
    if constexpr (N % 2 == 0) {
      return half * half;
    } else {
      return half * half * base;
    }
  }
}

// c*term with a compile-time integer c; any other expression is 1*itself.
template <class E>
struct scaled_term {
  static constexpr std::intmax_t coefficient = 1;
  static constexpr const E& term(const E& e) { return e; }
};
template <std::intmax_t N, class E>
struct scaled_term<binary<product_op, integer<N>, E>> {
  static constexpr std::intmax_t coefficient = N;
  static constexpr const E& term(const binary<product_op, integer<N>, E>& e) { return e.right; }
};
template <class E>
using term_t = std::remove_cvref_t<decltype(scaled_term<E>::term(std::declval<const E&>()))>;

// base^N with a compile-time integer N; any other expression is itself^1.
template <class E>
struct powered_base {
  static constexpr std::intmax_t exponent = 1;
  static constexpr const E& base(const E& e) { return e; }
};
template <std::intmax_t N, class E>
struct powered_base<unary<power_op<N>, E>> {
  static constexpr std::intmax_t exponent = N;
  static constexpr const E& base(const unary<power_op<N>, E>& e) { return e.argument; }
};
template <class E>
using base_t = std::remove_cvref_t<decltype(powered_base<E>::base(std::declval<const E&>()))>;

template <class A, class B>
inline constexpr bool same_static_v = std::is_same_v<A, B>&& is_static_v<A>;

template <class E>
inline constexpr bool has_constant_factor_v = false;
template <class C, class E>
inline constexpr bool has_constant_factor_v<binary<product_op, C, E>> = is_constant_v<C>;

// c*e with a constant c (the simplifier puts constants on the left), as c
// and e; any other expression is 1*itself. A sum over samples sums e and
// multiplies by c once (fit/fit.hpp).
template <class E>
struct constant_factor {
  static constexpr const E& rest(const E& e) { return e; }
  template <class T>
  static constexpr T value(const E&) {
    return T(1);
  }
};
template <class C, class E>
requires is_constant_v<C>
struct constant_factor<binary<product_op, C, E>> {
  static constexpr const E& rest(const binary<product_op, C, E>& e) { return e.right; }
  template <class T>
  static constexpr T value(const binary<product_op, C, E>& e) {
    return static_cast<T>(constant_value(e.left));
  }
};

// n/d with a denominator that is not a constant: a factor beside it joins
// the numerator, so like factors meet and cancel in one quotient.
template <class E>
inline constexpr bool is_fraction_v = false;
template <class N, class D>
inline constexpr bool is_fraction_v<binary<quotient_op, N, D>> = !is_constant_v<D>;
template <class E>
inline constexpr bool is_constant_over_v = false;
template <class N, class D>
inline constexpr bool is_constant_over_v<binary<quotient_op, N, D>> =
    is_fraction_v<binary<quotient_op, N, D>>&& is_constant_v<N>;

template <class E>
inline constexpr bool is_negation_v = false;
template <class E>
inline constexpr bool is_negation_v<unary<negate_op, E>> = true;

template <class E>
struct is_product : std::false_type {};
template <class L, class R>
struct is_product<binary<product_op, L, R>> : std::true_type {};
template <class E>
inline constexpr bool is_product_v = is_product<E>::value;

// The factors of a product are the leaves of its tree of products; anything
// else is its own one factor. Collecting them looks for a power of a base
// whose type fixes its value, as collecting like terms does: a factor
// holding a runtime literal (sin(0.5*x)) shares its type with others.

// Is one of E's factors a power of T?
template <class T, class E>
struct has_factor : std::bool_constant<same_static_v<base_t<E>, T>> {};
template <class T, class L, class R>
struct has_factor<T, binary<product_op, L, R>> : std::disjunction<has_factor<T, L>, has_factor<T, R>> {};

// The base of E's first factor of which Other has a power too, or void.
// Walking only factors, not whole subtrees, keeps the cost to the product's length.
template <class E, class Other>
struct shared_base {
  using type = std::conditional_t<has_factor<base_t<E>, Other>::value, base_t<E>, void>;
};
template <class L, class R, class Other>
struct shared_base<binary<product_op, L, R>, Other>
    : std::conditional_t<std::is_void_v<typename shared_base<L, Other>::type>, shared_base<R, Other>,
                         shared_base<L, Other>> {};
template <class E, class Other>
struct shares_factor : std::negation<std::is_void<typename shared_base<E, Other>::type>> {};

// The exponent of E's first power of T.
template <class T, class E>
struct exponent_of : std::integral_constant<std::intmax_t, powered_base<E>::exponent> {};
template <class T, class L, class R>
struct exponent_of<T, binary<product_op, L, R>>
    : std::conditional_t<has_factor<T, L>::value, exponent_of<T, L>, exponent_of<T, R>> {};

}  // namespace detail

template <class A, class B>
constexpr auto make_product(const A& a, const B& b);
template <class A, class B>
constexpr auto make_quotient(const A& a, const B& b);
template <class A>
constexpr auto make_negate(const A& a);
template <std::intmax_t N, class A>
constexpr auto make_power(const A& a);

namespace detail {

// e * T^K, made by changing the exponent of e's first power of T: the
// merged factor keeps that factor's place. An exponent that reaches 0
// leaves the factor out.
template <class T, std::intmax_t K, class E>
constexpr auto with_power(const E& e) {
  if constexpr (!is_product_v<E>) {
    return make_power<powered_base<E>::exponent + K>(powered_base<E>::base(e));
  } else if constexpr (has_factor<T, typename E::left_type>::value) {
    return make_product(with_power<T, K>(e.left), e.right);
  } else {
    return make_product(e.left, with_power<T, K>(e.right));
  }
}

}  // namespace detail

template <class A, class B>
constexpr auto make_product(const A& a, const B& b) {
  using namespace detail;
  if constexpr (is_zero_v<A> || is_zero_v<B>) {
    return int_c<0>;
  } else if constexpr (is_one_v<A>) {
    return b;
  } else if constexpr (is_one_v<B>) {
    return a;
  } else if constexpr (is_integer_v<A> && is_integer_v<B>) {
    return int_c<A::value * B::value>;
  } else if constexpr (is_constant_v<A> && is_constant_v<B>) {
    return fold_constants(a, b, [](auto x, auto y) { return x * y; });
  } else if constexpr (std::is_same_v<A, integer<-1>>) {
    return make_negate(b);
  } else if constexpr (is_negation_v<A>) {  // (-a)*b -> -(a*b): signs gather in front
    return make_negate(make_product(a.argument, b));
  } else if constexpr (is_negation_v<B>) {
    return make_negate(make_product(a, b.argument));
  } else if constexpr (is_constant_v<B> && !is_constant_v<A>) {  // constants go to the left
    return make_product(b, a);
  } else if constexpr (is_fraction_v<A>) {  // (n/d)*u -> (n*u)/d
    return make_quotient(make_product(a.left, b), a.right);
  } else if constexpr (is_fraction_v<B> && (!is_constant_v<A> || is_constant_over_v<B>)) {
    // u*(n/d) -> (u*n)/d; a constant stays in front of n/d, where like terms find it, unless n is one too
    return make_quotient(make_product(a, b.left), b.right);
  } else if constexpr (is_constant_v<A> && has_constant_factor_v<B>) {  // 2*(0.5*e) -> 1.0*e
    return make_product(make_product(a, b.left), b.right);
  } else if constexpr (scaled_term<B>::coefficient != 1) {  // a*(c*e) -> c*(a*e)
    return make_product(int_c<scaled_term<B>::coefficient>, make_product(a, scaled_term<B>::term(b)));
  } else if constexpr (!is_integer_v<A> && scaled_term<A>::coefficient != 1) {  // (c*e)*b -> c*(e*b)
    return make_product(int_c<scaled_term<A>::coefficient>, make_product(scaled_term<A>::term(a), b));
  } else if constexpr (same_static_v<base_t<A>, base_t<B>>) {  // x^m * x^n -> x^(m+n)
    return make_power<powered_base<A>::exponent + powered_base<B>::exponent>(powered_base<A>::base(a));
  } else if constexpr (std::conjunction_v<is_product<A>, std::negation<is_product<B>>, has_factor<base_t<B>, A>>) {
    return with_power<base_t<B>, powered_base<B>::exponent>(a);  // (x*u)*x -> x^2*u
  } else if constexpr (std::conjunction_v<is_product<B>, shares_factor<B, A>>) {
    // a*(u*x) -> (a*u)*x, where x meets a factor of a
    return make_product(make_product(a, b.left), b.right);
  } else {
    return binary<product_op, decltype(as_node(a)), decltype(as_node(b))>{as_node(a), as_node(b)};
  }
}

template <class A, class B>
constexpr auto make_sum(const A& a, const B& b) {
  using namespace detail;
  if constexpr (is_zero_v<A>) {
    return b;
  } else if constexpr (is_zero_v<B>) {
    return a;
  } else if constexpr (is_integer_v<A> && is_integer_v<B>) {
    return int_c<A::value + B::value>;
  } else if constexpr (is_constant_v<A> && is_constant_v<B>) {
    return fold_constants(a, b, [](auto x, auto y) { return x + y; });
  } else if constexpr (is_negation_v<B>) {  // a + -b -> a - b
    return binary<difference_op, decltype(as_node(a)), decltype(b.argument)>{as_node(a), b.argument};
  } else if constexpr (same_static_v<term_t<A>, term_t<B>> && !is_constant_v<A>) {  // 2x + 3x -> 5x
    return make_product(int_c<scaled_term<A>::coefficient + scaled_term<B>::coefficient>, scaled_term<A>::term(a));
  } else {
    return binary<sum_op, decltype(as_node(a)), decltype(as_node(b))>{as_node(a), as_node(b)};
  }
}

template <class A, class B>
constexpr auto make_difference(const A& a, const B& b) {
  using namespace detail;
  if constexpr (is_zero_v<B>) {
    return a;
  } else if constexpr (is_zero_v<A>) {
    return make_negate(b);
  } else if constexpr (is_integer_v<A> && is_integer_v<B>) {
    return int_c<A::value - B::value>;
  } else if constexpr (is_constant_v<A> && is_constant_v<B>) {
    return fold_constants(a, b, [](auto x, auto y) { return x - y; });
  } else if constexpr (same_static_v<term_t<A>, term_t<B>> && !is_constant_v<A>) {  // 5x - 3x -> 2x
    return make_product(int_c<scaled_term<A>::coefficient - scaled_term<B>::coefficient>, scaled_term<A>::term(a));
  } else {
    return binary<difference_op, decltype(as_node(a)), decltype(as_node(b))>{as_node(a), as_node(b)};
  }
}

template <class A, class B>
constexpr auto make_quotient(const A& a, const B& b) {
  using namespace detail;
  if constexpr (is_zero_v<A>) {
    return int_c<0>;
  } else if constexpr (is_one_v<B>) {
    return a;
  } else if constexpr (is_integer_v<A> && is_integer_v<B>) {
    static_assert(B::value != 0, "ctdiff: division by the constant 0");
    if constexpr (A::value % B::value == 0) {
      return int_c<A::value / B::value>;
    } else {  // kept exact: 1/2 stays a quotient of integers
      return binary<quotient_op, A, B>{a, b};
    }
  } else if constexpr (is_constant_v<A> && is_constant_v<B> && is_exact_constant_v<A> && is_exact_constant_v<B>) {
    return fold_constants(a, b, [](auto x, auto y) { return rational(x) / rational(y); });
  } else if constexpr (is_constant_v<A> && is_constant_v<B>) {
    return fold_constants(a, b, [](auto x, auto y) { return x / y; });
  } else if constexpr (same_static_v<A, B>) {
    return int_c<1>;
  } else if constexpr (is_negation_v<A>) {  // (-a)/b -> -(a/b): signs gather in front
    return make_negate(make_quotient(a.argument, b));
  } else if constexpr (is_negation_v<B>) {
    return make_negate(make_quotient(a, b.argument));
  } else if constexpr (scaled_term<A>::coefficient != 1 && scaled_term<B>::coefficient != 1 &&
                       scaled_term<A>::coefficient % scaled_term<B>::coefficient == 0) {  // (4*u)/(2*v) -> 2*u/v
    return make_quotient(
        make_product(int_c<scaled_term<A>::coefficient / scaled_term<B>::coefficient>, scaled_term<A>::term(a)),
        scaled_term<B>::term(b));
  } else if constexpr (scaled_term<A>::coefficient != 1 && scaled_term<B>::coefficient != 1 &&
                       scaled_term<B>::coefficient % scaled_term<A>::coefficient == 0) {  // (2*u)/(4*v) -> u/(2*v)
    return make_quotient(
        scaled_term<A>::term(a),
        make_product(int_c<scaled_term<B>::coefficient / scaled_term<A>::coefficient>, scaled_term<B>::term(b)));
  } else if constexpr (scaled_term<A>::coefficient != 1) {  // (2*u)/v -> 2*(u/v), as a like term
    return make_product(int_c<scaled_term<A>::coefficient>, make_quotient(scaled_term<A>::term(a), b));
  } else if constexpr (is_fraction_v<A>) {  // (n/d)/v -> n/(d*v)
    return make_quotient(a.left, make_product(a.right, b));
  } else if constexpr (is_fraction_v<B>) {  // u/(n/d) -> (u*d)/n
    return make_quotient(make_product(a, b.right), b.left);
  } else if constexpr (shares_factor<A, B>::value) {  // x^3*u/(v*x) -> x^2*u/v
    using shared = typename shared_base<A, B>::type;
    constexpr std::intmax_t common = std::min(exponent_of<shared, A>::value, exponent_of<shared, B>::value);
    return make_quotient(with_power<shared, -common>(a), with_power<shared, -common>(b));
  } else {
    return binary<quotient_op, decltype(as_node(a)), decltype(as_node(b))>{as_node(a), as_node(b)};
  }
}

template <class A>
constexpr auto make_negate(const A& a) {
  using namespace detail;
  if constexpr (is_integer_v<A>) {
    return int_c<-A::value>;
  } else if constexpr (is_constant_v<A>) {
    return fold_constants(a, int_c<0>, [](auto x, auto) { return -x; });
  } else if constexpr (is_negation_v<A>) {
    return a.argument;
  } else if constexpr (has_constant_factor_v<A>) {  // -(c*e) -> (-c)*e
    return make_product(make_negate(a.left), a.right);
  } else {
    return unary<negate_op, A>{a};
  }
}

template <std::intmax_t N, class A>
constexpr auto make_power(const A& a) {
  using namespace detail;
  if constexpr (N == 0) {
    return int_c<1>;
  } else if constexpr (N == 1) {
    return a;
  } else if constexpr (is_real_v<A>) {
    return integer_power<N>(a);
  } else if constexpr (std::is_integral_v<A>) {
    return make_power<N>(as_node(a));
  } else if constexpr (is_integer_v<A> && N > 0) {
    return int_c<integer_power<N>(A::value)>;
  } else if constexpr (is_literal_v<A>) {  // an integer to a negative power is a rational, not 0
    using value_type = std::conditional_t < N<0 && is_exact_constant_v<A>, rational, decltype(constant_value(a))>;
    return literal<value_type>{integer_power<N>(value_type(constant_value(a)))};
  } else if constexpr (is_negation_v<A> && N % 2 == 0) {  // (-a)^2 -> a^2
    return make_power<N>(a.argument);
  } else if constexpr (is_negation_v<A>) {  // (-a)^3 -> -(a^3)
    return make_negate(make_power<N>(a.argument));
  } else if constexpr (powered_base<A>::exponent != 1) {  // (x^m)^n -> x^(m*n)
    return make_power<N * powered_base<A>::exponent>(powered_base<A>::base(a));
  } else {
    return unary<power_op<N>, A>{a};
  }
}

}  // namespace ctdiff
