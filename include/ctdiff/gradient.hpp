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

// The adjoint of a unary node's argument: the node's adjoint times its local
// partial, or the operation's own chain(adjoint, x, f) where it declares one
// to order the multiplications (power_op).
template <class Op, class Adjoint, class Values>
constexpr auto chain(Op, const Adjoint& adjoint, const Values& values) {
  if constexpr (requires { Op::chain(adjoint, values.argument.value, values.value); }) {
    return Op::chain(adjoint, values.argument.value, values.value);
  } else {
    return make_product(adjoint, Op::derivative(values.argument.value, values.value));
  }
}

// Functions whose derivative is the compile-time 0 (step, sign): the reverse sweep stops there.
template <class Op>
inline constexpr bool stops_sweep_v = is_zero_v<decltype(Op::derivative(0.0, 0.0))>;

template <class E>
inline constexpr bool has_sweep_stop_v = false;
template <class Op, class A>
inline constexpr bool has_sweep_stop_v<unary<Op, A>> = stops_sweep_v<Op> || has_sweep_stop_v<A>;
template <class Op, class L, class R>
inline constexpr bool has_sweep_stop_v<binary<Op, L, R>> = has_sweep_stop_v<L> || has_sweep_stop_v<R>;

// Does the reverse sweep add anything into S's slot? As contains_v, except
// below a sweep stop.
template <class E, class S>
inline constexpr bool reaches_v = contains_v<E, S>;
template <class Op, class A, class S>
inline constexpr bool reaches_v<unary<Op, A>, S> = !stops_sweep_v<Op> && reaches_v<A, S>;
template <class Op, class L, class R, class S>
inline constexpr bool reaches_v<binary<Op, L, R>, S> = reaches_v<L, S> || reaches_v<R, S>;

// contains_v is already known for every subtree and symbol (backward needs
// it); reaches_v, a second such table, is built only where it can differ.
template <class E, class S>
constexpr bool sweep_reaches() {
  if constexpr (has_sweep_stop_v<E>) {
    return reaches_v<E, S>;
  } else {
    return contains_v<E, S>;
  }
}

// Every partial is added into its slot. -0.0, not +0.0, is the identity of
// IEEE addition (-0.0 + x == x for every x, -0.0 included), so the compiler
// drops the first addition into each slot without -ffast-math. A slot that
// the sweep never reaches keeps +0.
template <class E, class T, class... Symbols>
constexpr std::array<T, sizeof...(Symbols)> empty_sums(wrt_list<Symbols...>) {
  return {(sweep_reaches<E, Symbols>() ? T(-0.0) : T(0))...};
}

template <class W, class E, class T, class Adjoint, std::size_t N>
constexpr void backward(const E& e, const forward_values<T, E>& values, const Adjoint& adjoint,
                        std::array<T, N>& gradient) {
  if constexpr (!contains_any_v<E, W> || is_zero_v<Adjoint>) {
    return;
  } else if constexpr (is_symbol_v<E>) {
    gradient[W::template index_of<E>] += static_cast<T>(constant_value(adjoint));
  } else if constexpr (is_unary_v<E>) {
    backward<W>(e.argument, values.argument, chain(typename E::operation{}, adjoint, values), gradient);
  } else {
    using Op = typename E::operation;
    if constexpr (contains_any_v<typename E::left_type, W>) {
      auto partial = Op::d_left(values.left.value, values.right.value, values.value);
      backward<W>(e.left, values.left, make_product(adjoint, partial), gradient);
    }
    if constexpr (contains_any_v<typename E::right_type, W>) {
      auto partial = Op::d_right(values.left.value, values.right.value, values.value);
      backward<W>(e.right, values.right, make_product(adjoint, partial), gradient);
    }
  }
}

template <class T, class W, class E, class B>
constexpr value_and_gradient<T, W::size> value_and_gradient_at(const E& e, const B& b) {
  const auto values = forward<T>(e, b);
  value_and_gradient<T, W::size> result{values.value, empty_sums<E, T>(W{})};
  backward<W>(e, values, int_c<1>, result.gradient);
  return result;
}

template <class T, class W, class E, class B>
constexpr std::array<T, W::size> gradient_at(const E& e, const B& b) {
  return value_and_gradient_at<T, W>(e, b).gradient;
}

}  // namespace detail

// The expression's value beside its gradient, sharing the forward pass (what a training loop needs).
template <class E, class W, Bindings B>
constexpr auto eval_with_value(const gradient_expression<E, W>& g, const B& b) {
  using T = typename B::value_type;
  if constexpr (all_bound_v<E, B>) {
    return detail::value_and_gradient_at<T, W>(g.expression, b);
  } else {
    return value_and_gradient<T, W::size>{};
  }
}

// std::array<T, n>: the partial derivatives in the order of wrt(...).
template <class E, class W, Bindings B>
constexpr auto eval(const gradient_expression<E, W>& g, const B& b) {
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
    return std::array<std::array<T, W::size>, W::size>{};
  }
}

}  // namespace ctdiff
