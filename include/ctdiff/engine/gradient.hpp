// The whole gradient in one pass, and the Hessian.
//
// gradient(e, wrt(a, b)) evaluates e once, keeping every node's value
// (evaluate.hpp), then walks back from the root with each node's adjoint,
// multiplying by the node's local partial -- the same partials d() uses,
// here called with the stored numbers -- and adds into the slot of each
// symbol of wrt. Every step is fixed at compile time, so the result is the
// straight-line code of a hand-written adjoint: no tape, no allocation.
// Subtrees without a wrt symbol are skipped at compile time, and a partial
// that is the compile-time 1 (sums) costs no multiplication.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <ctdiff/core/derivative.hpp>
#include <ctdiff/engine/evaluate.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {
template <class Symbol>
struct member_tag {};
}  // namespace detail

// The symbols a gradient or Hessian is taken with respect to, in order.
template <class... Symbols>
struct wrt_list {
  static constexpr std::size_t size = sizeof...(Symbols);
  struct set : detail::member_tag<Symbols>... {};

  // Position of S in the list; size if absent.
  template <class S>
  static constexpr std::size_t index_of = [] {
    std::size_t index = 0;
    bool found = false;
    ((found = found || std::is_same_v<S, Symbols>, index += found ? 0 : 1), ...);
    return index;
  }();
};

// The flat layout of a gradient with respect to tensor symbols
// (tensor/nodes.hpp): the symbols of wrt(...) in order, each row-major, one
// after the other.
template <class W>
inline constexpr std::size_t flat_size_v = 0;
template <class... Symbols>
inline constexpr std::size_t flat_size_v<wrt_list<Symbols...>> = (Symbols::dims.size() + ... + 0);

template <class W, class S>
inline constexpr std::size_t flat_offset_v = 0;
template <class... Symbols, class S>
inline constexpr std::size_t flat_offset_v<wrt_list<Symbols...>, S> = [] {
  std::size_t offset = 0;
  bool found = false;
  ((found = found || std::is_same_v<S, Symbols>, offset += found ? 0 : Symbols::dims.size()), ...);
  return offset;
}();

// A family in wrt(...) counts as its members, in order: wrt(theta, a).
template <class... Symbols>
constexpr auto wrt(Symbols...) {
  if constexpr ((is_symbol_family_v<Symbols> || ...)) {
    return []<class... Members>(detail::type_list<Members...>) {
      return wrt(Members{}...);
    }(detail::member_symbols_t<Symbols...>{});
  } else if constexpr ((is_wrt_symbol_v<Symbols> && ...)) {
    static_assert(detail::all_distinct<Symbols::name...>(), "ctdiff: a symbol appears twice in wrt(...)");
    return wrt_list<Symbols...>{};
  } else {
    static_assert((is_wrt_symbol_v<Symbols> && ...),
                  "ctdiff: wrt(...) takes symbols made by var<\"x\">, vector<\"b\", N> or matrix<\"W\", R, C>");
    return wrt_list<>{};  // the message above stays the only error
  }
}

namespace detail {
// Does E hold a symbol of W? One question per node, each answered from its
// operands' answers and, at a leaf, by one base-class lookup in W's set: a
// question per node and symbol made compile time and memory grow with
// (nodes x symbols of W), and a gradient asks it of every node.
template <class E, class W, std::size_t Operands = operands<E>::count>
struct contains_any : std::is_base_of<member_tag<E>, typename W::set> {};
template <class E, class W>
struct contains_any<E, W, 1> : contains_any<operand_t<E, 0>, W> {};
template <class E, class W>
struct contains_any<E, W, 2> : std::disjunction<contains_any<operand_t<E, 0>, W>, contains_any<operand_t<E, 1>, W>> {};
template <class E, class W>
struct contains_any<E, W, 3> : std::disjunction<contains_any<operand_t<E, 0>, W>, contains_any<operand_t<E, 1>, W>,
                                                contains_any<operand_t<E, 2>, W>> {};
}  // namespace detail

template <class E, class W>
inline constexpr bool contains_any_v = detail::contains_any<E, W>::value;

// The value of an expression and its gradient, from one forward pass.
template <class T, std::size_t N>
struct value_and_gradient {
  T value;
  std::array<T, N> gradient;
};

template <Expression E, class W>
struct gradient_expression {
  E expression;
};

template <Expression E, class W>
struct hessian_expression {
  E expression;
};

template <Expression E, class... Symbols>
constexpr gradient_expression<E, wrt_list<Symbols...>> gradient(const E& e, wrt_list<Symbols...>) {
  return {e};
}

template <Expression E, class... Symbols>
constexpr hessian_expression<E, wrt_list<Symbols...>> hessian(const E& e, wrt_list<Symbols...>) {
  return {e};
}

// Several expressions, one value each: the residuals of least squares
// (residuals(10 * (b - a * a), 1 - a)), or a vector-valued function for jacobian(...).
template <Expression... Residuals>
struct residual_list {
  std::tuple<Residuals...> expressions;
};

template <Expression... Residuals>
constexpr residual_list<Residuals...> residuals(const Residuals&... r) {
  static_assert(sizeof...(Residuals) > 0, "ctdiff: residuals(...) needs at least one expression");
  return {{r...}};
}

template <class List, class W>
struct jacobian_expression {
  List residuals;
};

// jacobian(residuals(r1, r2), wrt(a, b)): evaluated, a row per residual, each its gradient.
template <class... Residuals, class... Symbols>
constexpr jacobian_expression<residual_list<Residuals...>, wrt_list<Symbols...>> jacobian(
    const residual_list<Residuals...>& r, wrt_list<Symbols...>) {
  return {r};
}

namespace detail {

// The local partial of a unary operation at its argument's value: its
// derivative rule called with numbers or, for a user's function, whose
// derivative is an expression in its argument, that expression evaluated there.
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

// What the reverse sweep does at an entry that passes its adjoint on, by the
// kind of its node, naming the operation and nothing of the model (for the
// reason given at value_rule in evaluate.hpp): nothing, a unary node's chain
// rule, a binary node's to the operands that hold a symbol of W, a named
// value's adjoint handed to its expression, or a where's to the branch taken.
struct no_step {};
template <class Op>
struct unary_step {};
template <class Op, bool ToLeft, bool ToRight>
struct binary_step {};
struct copy_step {};
template <bool ToThen, bool ToOtherwise>
struct selection_step {};

// Which operands a step passes to (a unary step's second is its own slot).
template <class Step>
inline constexpr std::array<bool, 3> passes_to_v{true, true, false};
template <>
inline constexpr std::array<bool, 3> passes_to_v<no_step>{false, false, false};
template <bool ToThen, bool ToOtherwise>
inline constexpr std::array<bool, 3> passes_to_v<selection_step<ToThen, ToOtherwise>>{false, true, true};

// A unary node's step, its operation's partial asked about only where the
// sweep would pass through it (a user's function may have none).
template <class Op, bool HoldsSymbol>
struct unary_sweep {
  using type = no_step;
};
template <class Op>
struct unary_sweep<Op, true> {
  using type = std::conditional_t<stops_sweep_v<Op>, no_step, unary_step<Op>>;
};

template <class Node, class W>
struct sweep_step {
  using type = no_step;
};
template <class Op, class A, class W>
struct sweep_step<unary<Op, A>, W> {
  using type = typename unary_sweep<Op, contains_any<A, W>::value>::type;
};
template <class C, class A, class B, class W>
struct sweep_step<selection<C, A, B>, W> {
  using type = std::conditional_t<contains_any<A, W>::value || contains_any<B, W>::value,
                                  selection_step<contains_any<A, W>::value, contains_any<B, W>::value>, no_step>;
};
template <class Op, class L, class R, class W>
struct sweep_step<binary<Op, L, R>, W> {
  using type = std::conditional_t<contains_any<L, W>::value || contains_any<R, W>::value,
                                  binary_step<Op, contains_any<L, W>::value, contains_any<R, W>::value>, no_step>;
};
template <fixed_string Name, class E, class W>
struct sweep_step<named<Name, E>, W> {
  using type = std::conditional_t<contains_any<E, W>::value, copy_step, no_step>;
};
template <class S, class W, std::size_t Index>
using sweep_step_t = typename sweep_step<typename S::template entry<Index>::node, W>::type;

// Which entries the reverse sweep reaches from the root: an entry below a
// sweep stop only, or holding no symbol of W, never gets an adjoint, so no
// code is made for it.
template <class E, class W>
constexpr auto reached_entries() {
  using S = schedule<E>;
  struct step {
    std::array<bool, 3> passes;
    std::array<std::size_t, 3> operands;
  };
  constexpr auto steps = []<std::size_t... Index>(std::index_sequence<Index...>) {
    return std::array<step, S::size>{step{
        passes_to_v<sweep_step_t<S, W, Index>>,
        {operand_slot<S, Index, 0>::value, operand_slot<S, Index, 1>::value, operand_slot<S, Index, 2>::value}}...};
  }
  (std::make_index_sequence<S::size>{});
  std::array<bool, S::size> reached{};
  reached[S::size - 1] = true;
  for (std::size_t index = S::size; index-- != 0;) {
    for (std::size_t operand = 0; operand != 3; ++operand) {
      if (reached[index] && steps[index].passes[operand]) reached[steps[index].operands[operand]] = true;
    }
  }
  return reached;
}

template <class E, class W>
inline constexpr auto reached_v = reached_entries<E, W>();

// The step at an entry the sweep reaches; none elsewhere.
template <class E, class W, std::size_t Index>
using reached_step_t = std::conditional_t<reached_v<E, W>[Index], sweep_step_t<schedule<E>, W, Index>, no_step>;

// Adds an adjoint contribution into a slot; a compile-time 0 adds nothing.
template <class T, class Contribution>
constexpr void accumulate(T& slot, const Contribution& contribution) {
  if constexpr (!is_zero_v<Contribution>) slot += number_as<T>(constant_value(contribution));
}

// Passes the adjoint of the entry at Self to its operands at First, Second
// and Third (not forced inline: see entry_value in evaluate.hpp).
template <std::size_t Self, std::size_t First, std::size_t Second, std::size_t Third, class T, std::size_t N>
constexpr void pass_adjoint(no_step, const std::array<T, N>&, std::array<T, N>&) {}

template <std::size_t Self, std::size_t First, std::size_t Second, std::size_t Third, class T, std::size_t N>
constexpr void pass_adjoint(copy_step, const std::array<T, N>&, std::array<T, N>& adjoints) {
  adjoints[First] += adjoints[Self];
}

template <std::size_t Self, std::size_t First, std::size_t Second, std::size_t Third, class T, std::size_t N, class Op>
constexpr void pass_adjoint(unary_step<Op>, const std::array<T, N>& values, std::array<T, N>& adjoints) {
  accumulate(adjoints[First], chain<Op>(adjoints[Self], values[First], values[Self]));
}

// The branch not taken gets +0, not nothing: the code stays straight-line.
template <std::size_t Self, std::size_t First, std::size_t Second, std::size_t Third, class T, std::size_t N,
          bool ToThen, bool ToOtherwise>
constexpr void pass_adjoint(selection_step<ToThen, ToOtherwise>, const std::array<T, N>& values,
                            std::array<T, N>& adjoints) {
  const auto taken = values[First] != T(0);
  if constexpr (ToThen) adjoints[Second] += choose(taken, adjoints[Self], T(0));
  if constexpr (ToOtherwise) adjoints[Third] += choose(taken, T(0), adjoints[Self]);
}

template <std::size_t Self, std::size_t First, std::size_t Second, std::size_t Third, class T, std::size_t N, class Op,
          bool ToLeft, bool ToRight>
constexpr void pass_adjoint(binary_step<Op, ToLeft, ToRight>, const std::array<T, N>& values,
                            std::array<T, N>& adjoints) {
  const T adjoint = adjoints[Self];
  if constexpr (ToLeft) {
    accumulate(adjoints[First], make_product(adjoint, Op::d_left(values[First], values[Second], values[Self])));
  }
  if constexpr (ToRight) {
    accumulate(adjoints[Second], make_product(adjoint, Op::d_right(values[First], values[Second], values[Self])));
  }
}

// The slot of Symbol's adjoint if the sweep reaches it, else the schedule's size (no slot).
template <class E, class W, class Symbol, bool Scheduled = schedule<E>::entries::template contains<Symbol>::value>
struct partial_slot : std::integral_constant<std::size_t, schedule<E>::size> {};
template <class E, class W, class Symbol>
struct partial_slot<E, W, Symbol, true>
    : std::integral_constant<std::size_t, reached_v<E, W>[slot_of<schedule<E>, Symbol>::value]
                                              ? slot_of<schedule<E>, Symbol>::value
                                              : schedule<E>::size> {};

// The partial at a slot: its adjoint, or +0 where the sweep does not reach the
// symbol. Adjoints start at -0.0, the identity of IEEE addition (-0.0 + x == x
// for every x, -0.0 included), so the compiler drops the first addition into
// each slot without -ffast-math.
template <std::size_t Slot, class T, std::size_t N>
constexpr T partial_at(const std::array<T, N>& adjoints) {
  if constexpr (Slot < N) {
    return adjoints[Slot];
  } else {
    return T(0);
  }
}

template <class T, class W, class E, class B>
[[gnu::always_inline]] constexpr value_and_gradient<T, W::size> value_and_gradient_at(const E& e, const B& b) {
  using S = schedule<E>;
  const auto values = forward<T>(e, b);
  return [&]<std::size_t... Index>(std::index_sequence<Index...>) __attribute__((always_inline)) {
    // One initializer per slot, not fill(): without AVX g++ vectorizes fill's
    // loop and keeps it, and every adjoint is then read back from memory.
    std::array<T, S::size> adjoints{(Index == S::size - 1 ? T(1) : T(-0.0))...};
    [[maybe_unused]] const int from_the_root[] = {
        0,
        (pass_adjoint<S::size - 1 - Index, operand_slot<S, S::size - 1 - Index, 0>::value,
                      operand_slot<S, S::size - 1 - Index, 1>::value, operand_slot<S, S::size - 1 - Index, 2>::value>(
             reached_step_t<E, W, S::size - 1 - Index>{}, values, adjoints),
         0)...};
    return [&]<class... Symbols>(wrt_list<Symbols...>) __attribute__((always_inline)) {
      return value_and_gradient<T, W::size>{values[S::size - 1],
                                            {partial_at<partial_slot<E, W, Symbols>::value>(adjoints)...}};
    }
    (W{});
  }
  (std::make_index_sequence<S::size>{});
}

template <class T, class W, class E, class B>
constexpr std::array<T, W::size> gradient_at(const E& e, const B& b) {
  return value_and_gradient_at<T, W>(e, b).gradient;
}

}  // namespace detail

// The expression's value beside its gradient, sharing the forward pass (what a training loop needs).
template <class E, class W, Bindings B>
[[gnu::always_inline]] constexpr auto eval_with_value(const gradient_expression<E, W>& g, const B& b) {
  using T = typename B::value_type;
  if constexpr (all_bound_v<E, B>) {
    return detail::value_and_gradient_at<T, W>(g.expression, b);
  } else {
    detail::report_unbound_in_at<E, B>();
    return value_and_gradient<T, W::size>{};
  }
}

// std::array<T, n>: the partial derivatives in the order of wrt(...).
template <class E, class W, Bindings B>
[[gnu::always_inline]] constexpr auto eval(const gradient_expression<E, W>& g, const B& b) {
  return eval_with_value(g, b).gradient;
}

// std::array<T, m>: the value of each of m residuals.
template <class... Residuals, Bindings B>
constexpr auto eval(const residual_list<Residuals...>& list, const B& b) {
  using T = typename B::value_type;
  return std::apply([&](const auto&... r) { return std::array<T, sizeof...(Residuals)>{eval(r, b)...}; },
                    list.expressions);
}

// std::array<std::array<T, n>, m>: row k is the gradient of residual k.
template <class... Residuals, class W, Bindings B>
constexpr auto eval(const jacobian_expression<residual_list<Residuals...>, W>& j, const B& b) {
  using T = typename B::value_type;
  return std::apply(
      [&](const auto&... r) {
        return std::array<std::array<T, W::size>, sizeof...(Residuals)>{eval(gradient(r, W{}), b)...};
      },
      j.residuals.expressions);
}

// std::array<std::array<T, n>, n>: row i is the gradient of d(e, wrt_i), by the same reverse sweep.
template <class E, class... Symbols, Bindings B>
constexpr auto eval(const hessian_expression<E, wrt_list<Symbols...>>& h, const B& b) {
  using T = typename B::value_type;
  using W = wrt_list<Symbols...>;
  if constexpr (all_bound_v<E, B>) {
    return std::array<std::array<T, W::size>, W::size>{detail::gradient_at<T, W>(d(h.expression, Symbols{}), b)...};
  } else {
    detail::report_unbound_in_at<E, B>();
    return std::array<std::array<T, W::size>, W::size>{};
  }
}

}  // namespace ctdiff
