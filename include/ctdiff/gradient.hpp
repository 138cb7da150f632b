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
#include <ctdiff/derivative.hpp>
#include <ctdiff/evaluate.hpp>
#include <ctdiff/schedule.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

// The symbols a gradient or Hessian is taken with respect to, in order.
template <class... Symbols>
struct wrt_list {
  static constexpr std::size_t size = sizeof...(Symbols);

  // Position of S in the list; size if absent.
  template <class S>
  static constexpr std::size_t index_of = [] {
    std::size_t index = 0;
    bool found = false;
    ((found = found || std::is_same_v<S, Symbols>, index += found ? 0 : 1), ...);
    return index;
  }();
};

template <class... Symbols>
constexpr auto wrt(Symbols...) {
  if constexpr ((is_wrt_symbol_v<Symbols> && ...)) {
    static_assert(detail::all_distinct<Symbols::name...>(), "ctdiff: a symbol appears twice in wrt(...)");
    return wrt_list<Symbols...>{};
  } else {
    static_assert((is_wrt_symbol_v<Symbols> && ...),
                  "ctdiff: wrt(...) takes symbols made by var<\"x\">, vector<\"b\", N> or matrix<\"W\", R, C>");
    return wrt_list<>{};  // the message above stays the only error
  }
}

template <class E, class W>
inline constexpr bool contains_any_v = false;
template <class E, class... Symbols>
inline constexpr bool contains_any_v<E, wrt_list<Symbols...>> = (contains_v<E, Symbols> || ...);

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

namespace detail {

// The adjoint a unary node passes to its argument: its own adjoint times its
// local partial, or the operation's own chain(adjoint, x, f) where it declares
// one to order the multiplications (power_op).
template <class Op, class Adjoint, class T>
constexpr auto chain(const Adjoint& adjoint, const T& argument, const T& value) {
  if constexpr (requires { Op::chain(adjoint, argument, value); }) {
    return Op::chain(adjoint, argument, value);
  } else {
    return make_product(adjoint, Op::derivative(argument, value));
  }
}

// Functions whose derivative is the compile-time 0 (step, sign): the reverse sweep stops there.
template <class Op>
inline constexpr bool stops_sweep_v = is_zero_v<decltype(Op::derivative(0.0, 0.0))>;

// Which entries the reverse sweep reaches from the root: an entry below a
// sweep stop only, or holding no symbol of W, never gets an adjoint, so no
// code is made for it.
template <class E, class W>
constexpr auto reached_entries() {
  using S = schedule<E>;
  std::array<bool, S::size> reached{};
  reached[S::size - 1] = true;
  auto pass_on = [&]<std::size_t Index>() {
    using Node = typename S::template entry<Index>::node;
    if (!reached[Index] || !contains_any_v<Node, W>) return;
    if constexpr (is_named_v<Node>) {
      reached[S::template child_slot<Index, 0>] = true;
    } else if constexpr (is_unary_v<Node>) {
      if constexpr (!stops_sweep_v<typename Node::operation>) reached[S::template child_slot<Index, 0>] = true;
    } else if constexpr (is_binary_v<Node>) {
      reached[S::template child_slot<Index, 0>] = true;
      reached[S::template child_slot<Index, 1>] = true;
    }
  };
  for_each_index<S::size>([&]<std::size_t Index>() { pass_on.template operator()<S::size - 1 - Index>(); });
  return reached;
}

template <class E, class W>
inline constexpr auto reached_v = reached_entries<E, W>();

// Adds an adjoint contribution into a slot; a compile-time 0 adds nothing.
template <class T, class Contribution>
constexpr void accumulate(T& slot, const Contribution& contribution) {
  if constexpr (!is_zero_v<Contribution>) slot += static_cast<T>(constant_value(contribution));
}

// Passes the adjoint of the entry at Index to its operands.
template <class W, class E, std::size_t Index, class T, std::size_t N>
constexpr void pass_adjoint(const std::array<T, N>& values, std::array<T, N>& adjoints) {
  using S = schedule<E>;
  using Node = typename S::template entry<Index>::node;
  if constexpr (reached_v<E, W>[Index] && contains_any_v<Node, W> && !is_symbol_v<Node>) {
    const T adjoint = adjoints[Index];
    if constexpr (is_named_v<Node>) {
      adjoints[S::template child_slot<Index, 0>] += adjoint;
    } else if constexpr (is_unary_v<Node>) {
      constexpr std::size_t argument = S::template child_slot<Index, 0>;
      accumulate(adjoints[argument], chain<typename Node::operation>(adjoint, values[argument], values[Index]));
    } else if constexpr (is_binary_v<Node>) {
      using Op = typename Node::operation;
      constexpr std::size_t left = S::template child_slot<Index, 0>;
      constexpr std::size_t right = S::template child_slot<Index, 1>;
      if constexpr (contains_any_v<typename Node::left_type, W>) {
        accumulate(adjoints[left], make_product(adjoint, Op::d_left(values[left], values[right], values[Index])));
      }
      if constexpr (contains_any_v<typename Node::right_type, W>) {
        accumulate(adjoints[right], make_product(adjoint, Op::d_right(values[left], values[right], values[Index])));
      }
    }
  }
}

// The partial for one symbol of W: its entry's adjoint if the sweep reaches
// it, else +0. Adjoints start at -0.0, the identity of IEEE addition
// (-0.0 + x == x for every x, -0.0 included), so the compiler drops the
// first addition into each slot without -ffast-math.
template <class E, class W, class Symbol, class T, std::size_t N>
constexpr T partial_for(const std::array<T, N>& adjoints) {
  using S = schedule<E>;
  if constexpr (S::template contains<Symbol>) {
    constexpr std::size_t slot = S::template index_of<Symbol>;
    if constexpr (reached_v<E, W>[slot]) return adjoints[slot];
  }
  return T(0);
}

template <class T, class W, class E, class B>
[[gnu::always_inline]] constexpr value_and_gradient<T, W::size> value_and_gradient_at(const E& e, const B& b) {
  using S = schedule<E>;
  const auto values = forward<T>(e, b);
  // One initializer per slot, not fill(): without AVX g++ vectorizes fill's
  // loop and keeps it, and every adjoint is then read back from memory.
  auto adjoints = [&]<std::size_t... Index>(std::index_sequence<Index...>) {
    return std::array<T, S::size>{(Index == S::size - 1 ? T(1) : T(-0.0))...};
  }
  (std::make_index_sequence<S::size>{});
  for_each_index<S::size>([&]<std::size_t Index>() __attribute__((always_inline)) {
    pass_adjoint<W, E, S::size - 1 - Index>(values, adjoints);
  });
  return [&]<class... Symbols>(wrt_list<Symbols...>) {
    return value_and_gradient<T, W::size>{values[S::size - 1], {partial_for<E, W, Symbols>(adjoints)...}};
  }(W{});
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
