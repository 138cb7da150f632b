// Scalar nodes in the walk (walk.hpp): every entry holds one number (or one
// pack of numbers, simd/pack.hpp), values and adjoints in two flat arrays,
// and each operation's value and local partials are its rules of
// core/functions.hpp called with those numbers: the partials d() uses, so a
// gradient and a derivative printed by d() agree by construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <ctdiff/core/conditions.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/core/numbers.hpp>
#include <ctdiff/core/simplify.hpp>
#include <ctdiff/engine/detail/walk.hpp>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ctdiff::detail {

// How an entry's value is made from its operands' values, by the kind of its
// node, naming the operation and nothing of the model. The walk instantiates
// a function per entry, and g++ spells out (mangles) every instantiated
// function's template arguments: with the model's type among them, compile
// time grew as entries x model size (the 2->64->1 network took minutes); with
// the operation alone, a model's entries share a handful.
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
// bookkeeping the largest compile cost.
template <class T, class Rule>
constexpr void entry_value(T& own, const T& first, const T& second, const T& third) {
  if constexpr (std::is_same_v<Rule, read_before>) {
    return;
  } else if constexpr (std::is_same_v<Rule, copy_operand>) {
    own = first;
  } else if constexpr (std::is_same_v<Rule, choose_operand>) {
    own = choose(first != T(0), second, third);
  } else if constexpr (is_integer_v<Rule>) {
    own = static_cast<T>(Rule::value);
  } else if constexpr (std::is_same_v<Rule, apply_unary<typename Rule::operation>>) {
    own = as_value<T>(Rule::operation::apply(first));
  } else {
    own = as_value<T>(Rule::operation::apply(first, second));
  }
}

// The local partial of a unary operation at its argument's value: its
// derivative rule called with numbers or, for a user's function, whose
// derivative is an expression in its argument, that expression evaluated
// there (eval, found where the expression's type is declared).
template <class Op, class T>
constexpr auto local_partial(const T& argument, const T& value) {
  if constexpr (requires { Op::is_user_function; }) {
    constexpr auto u = var<"function argument">;
    const auto partial = Op::derivative(u, u);
    if constexpr (Expression<decltype(partial)>) {
      return eval(partial, at(u = argument));
    } else {
      return partial;
    }
  } else {
    return Op::derivative(argument, value);
  }
}

// The adjoint a unary node passes to its argument: its own adjoint times its
// local partial, or the operation's own chain(adjoint, x, f) where it declares
// one to order the multiplications (power_op).
template <class Op, class Adjoint, class T>
constexpr auto chain(const Adjoint& adjoint, const T& argument, const T& value) {
  if constexpr (requires { Op::chain(adjoint, argument, value); }) {
    return Op::chain(adjoint, argument, value);
  } else {
    return make_product(adjoint, local_partial<Op>(argument, value));
  }
}

// Functions whose derivative is the compile-time 0 (step, sign): the reverse sweep stops there.
template <class Op>
inline constexpr bool stops_sweep_v = is_zero_v<decltype(local_partial<Op>(0.0, 0.0))>;

template <class Node, std::size_t Operand>
struct number_carries_adjoint : std::true_type {};
template <class Node, std::size_t Operand>
struct number_shares_adjoint : std::false_type {};
template <fixed_string Name, class E>
struct number_shares_adjoint<named<Name, E>, 0> : std::true_type {};
template <class Op, class A>
struct number_carries_adjoint<unary<Op, A>, 0> : std::bool_constant<!stops_sweep_v<Op>> {};
template <class C, class A, class B>
struct number_carries_adjoint<selection<C, A, B>, 0> : std::false_type {};

// Adds an adjoint contribution into a slot; a compile-time 0 adds nothing.
template <class T, class Contribution>
constexpr void accumulate(T& slot, const Contribution& contribution) {
  if constexpr (!is_zero_v<Contribution>) slot += number_as<T>(constant_value(contribution));
}

// The name of the operation an entry's Rule applies, where a T evaluates
// several independent calls of it together (its apply_together), else empty:
// the forward pass places such calls side by side (walk.hpp's
// forward_plan_of). A name, not the address of a tag: with the sanitizers g++
// does not take an address's comparison with null as a constant.
template <class Rule, class T>
struct together_operation {
  static constexpr std::string_view value{};
};
template <class Op, class T>
requires requires(const std::array<T, 2>& x) { Op::apply_together(x); }
struct together_operation<apply_unary<Op>, T> {
  static constexpr std::string_view value = Op::name;
};

struct one_number {
  template <class Node>
  using rule = typename value_rule<Node>::type;
  template <class Rule, class T>
  using together = together_operation<Rule, T>;
  template <class Node>
  using is_batched = std::false_type;
  template <class Node, std::size_t Operand>
  using carries_adjoint = number_carries_adjoint<Node, Operand>;
  template <class Node, std::size_t Operand>
  using shares_adjoint = number_shares_adjoint<Node, Operand>;

  template <class Rule, class T>
  static constexpr void forward(T& own, const T& first, const T& second, const T& third, std::size_t) {
    if constexpr (!std::is_same_v<Rule, evaluated_by_step>) entry_value<T, Rule>(own, first, second, third);
  }

  // Forced inline, as the passes that call it (one call a step): out of
  // line, in a translation unit of many models, it passed its packs through
  // memory and took every vector register from the loop around it.
  template <class Rule, class T, std::size_t N>
  [[gnu::always_inline]] static void forward_together(const std::array<T*, N>& own,
                                                      const std::array<const T*, N>& argument) {
    const auto values = Rule::operation::apply_together([&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<T, N>{*argument[I]...};
    }(std::make_index_sequence<N>{}));
    for (std::size_t i = 0; i != N; ++i) *own[i] = values[i];
  }

  // The branch of a where not taken gets +0, not nothing: the code stays straight-line.
  template <class Rule, std::size_t Operand, class T>
  static constexpr void backward(const T& own, const T& first, const T& second, const T&, const T& adjoint, T& target,
                                 std::size_t) {
    if constexpr (std::is_same_v<Rule, copy_operand>) {
      target += adjoint;
    } else if constexpr (std::is_same_v<Rule, choose_operand>) {
      target += Operand == 1 ? choose(first != T(0), adjoint, T(0)) : choose(first != T(0), T(0), adjoint);
    } else if constexpr (std::is_same_v<Rule, apply_unary<typename Rule::operation>>) {
      accumulate(target, chain<typename Rule::operation>(adjoint, first, own));
    } else if constexpr (Operand == 0) {
      accumulate(target, make_product(adjoint, Rule::operation::d_left(first, second, own)));
    } else {
      accumulate(target, make_product(adjoint, Rule::operation::d_right(first, second, own)));
    }
  }
};

// The numbers of every entry of a schedule of Size entries: values, and the
// adjoints the sweep sets before it reads them. An adjoint is cleared to
// -0.0, the identity of IEEE addition (-0.0 + x == x for every x, -0.0
// included), so the compiler drops the first addition into it without
// -ffast-math.
template <class T, std::size_t Size>
struct number_slots {
  using value_type = T;
  using storage = one_number;
  static constexpr bool indexed_by_type = false;
  std::array<T, Size> values{};
  std::array<T, Size> adjoints;

  constexpr T& entry(std::size_t i) { return values[i]; }
  constexpr const T& values_of(std::size_t i) const { return values[i]; }
  constexpr T& adjoint_of(std::size_t i) { return adjoints[i]; }
  constexpr void seed_adjoint(std::size_t i, const T& seed, std::size_t) { adjoints[i] = seed; }
  template <class Bound>
  constexpr void bind(std::size_t i, const Bound& bound) {
    values[i] = static_cast<T>(bound);
  }
  template <class Literal>
  constexpr void hold(std::size_t i, const Literal& literal) {
    values[i] = number_as<T>(literal.value);
  }
  template <bool ToGradient, bool Clears, class Gradient>
  constexpr T& share_target(std::size_t i, std::bool_constant<ToGradient>, std::bool_constant<Clears>,
                            Gradient& gradient, std::size_t) {
    if constexpr (ToGradient) {
      return gradient[i];
    } else {
      if constexpr (Clears) adjoints[i] = T(-0.0);
      return adjoints[i];
    }
  }
  template <class Gradient>
  static constexpr void add_to_gradient(Gradient& gradient, std::size_t offset, const T& value) {
    gradient[offset] += value;
  }
};

}  // namespace ctdiff::detail
