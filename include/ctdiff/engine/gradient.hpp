// The whole gradient in one pass, and the Hessian.
//
// gradient(e, wrt(a, b)) evaluates e once, keeping every node's value
// (evaluate.hpp), then walks back from the root (walk.hpp) with each node's adjoint,
// multiplying by the node's local partial -- the same partials d() uses,
// here called with the stored numbers -- and adds into the slot of each
// symbol of wrt. Every step is fixed at compile time, so the result is the
// straight-line code of a hand-written adjoint: no tape, no allocation.
// Subtrees without a wrt symbol are skipped at compile time, and a partial
// that is the compile-time 1 (sums) costs no multiplication.
#pragma once

#include <array>
#include <cstddef>
#include <ctdiff/core/derivative.hpp>
#include <ctdiff/engine/detail/walk.hpp>
#include <ctdiff/engine/evaluate.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <ctdiff/engine/wrt.hpp>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctdiff {

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

// The gradient's initial values: -0.0 where the sweep adds into it (see
// number_slots), +0 for a symbol the sweep does not reach.
template <class T, class E, class W, std::size_t... I>
constexpr std::array<T, W::size> gradient_start(std::index_sequence<I...>) {
  return {(std::bool_constant<sweep_plan_of<E, W, one_number>::reaches[I]>::value ? T(-0.0) : T(0))...};
}

template <class T, class W, class E, class B>
[[gnu::always_inline]] constexpr value_and_gradient<T, W::size> value_and_gradient_at(const E& e, const B& b) {
  number_slots<T, schedule<E>::size> slots;
  forward_pass(e, b, slots, 1);
  value_and_gradient<T, W::size> result{slots.values.back(),
                                        gradient_start<T, E, W>(std::make_index_sequence<W::size>{})};
  reverse_sweep<W, E>(slots, result.gradient, 1, T(1));
  return result;
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
