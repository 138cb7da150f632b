// Evaluation and the gradient of tensor expressions, by a reverse sweep laid
// out at compile time, as for scalars (gradient.hpp) but one step per tensor
// node: the forward pass stores each node's value in a fixed-size array, the
// backward pass walks from the loss with each node's adjoint tensor and adds
// into the gradient of each symbol of wrt(...). A symbol's value is read
// where it is bound, and its gradient is added where the caller wants it, so
// the storage the sweep needs grows with the activations, not the weights.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <ctdiff/evaluate.hpp>
#include <ctdiff/tensor/operations.hpp>
#include <span>
#include <type_traits>

namespace ctdiff {

// The values and adjoints of every node of E, for T-valued evaluation. It can
// be large (a batch of activations): create it once, where it fits (a member,
// a static, or std::make_unique<workspace<double, decltype(loss)>>()), and
// pass it to eval(..., ws) and add_gradient(...). Its contents need no
// initialization; no evaluation allocates anything else.
template <class T, class E>
struct workspace {
  // A symbol: where its bound values are, or the number bound to it (a scalar symbol).
  const T* values = nullptr;
  T number{};
};
template <class T, class Op, class A>
struct workspace<T, tensor_unary<Op, A>> {
  std::array<T, tensor_unary<Op, A>::dims.size()> values;
  std::array<T, tensor_unary<Op, A>::dims.size()> adjoint;
  workspace<T, A> argument;
};

namespace detail {

// What an operation keeps from its forward pass for its backward pass besides
// its value, if it declares kept(left, right), the shape of that storage (the
// cross-entropy keeps its exps, so its backward pass computes none).
template <class T, class Op, shape Left, shape Right>
struct kept_values {};
template <class T, class Op, shape Left, shape Right>
requires requires { Op::kept(Left, Right); }
struct kept_values<T, Op, Left, Right> {
  std::array<T, Op::kept(Left, Right).size()> values;
};

}  // namespace detail

template <class T, class Op, class L, class R>
struct workspace<T, tensor_binary<Op, L, R>> {
  std::array<T, tensor_binary<Op, L, R>::dims.size()> values;
  std::array<T, tensor_binary<Op, L, R>::dims.size()> adjoint;
  [[no_unique_address]] detail::kept_values<T, Op, L::dims, R::dims> kept;
  workspace<T, L> left;
  workspace<T, R> right;
};

// workspace<double, decltype(loss)> for a constexpr loss names a const type: the same workspace.
template <class T, class E>
struct workspace<T, const E> : workspace<T, E> {};

namespace detail {

template <class E, class T>
constexpr tensor_view<const T, E::dims> value_view(const workspace<T, E>& state) {
  if constexpr (is_tensor_symbol_v<E>) {
    return {state.values};
  } else {
    return {state.values.data()};
  }
}

template <class E, class T>
constexpr tensor_view<T, E::dims> adjoint_view(workspace<T, E>& state) {
  return {state.adjoint.data()};
}

// Calls step with a view of what the operation keeps from its forward pass,
// if it keeps anything, else with no argument.
template <class Op, class L, class R, class T, class Step>
constexpr void with_kept(workspace<T, tensor_binary<Op, L, R>>& state, Step step) {
  if constexpr (requires { Op::kept(L::dims, R::dims); }) {
    step(tensor_view<T, Op::kept(L::dims, R::dims)>{state.kept.values.data()});
  } else {
    step();
  }
}

// Whether an operation's partial with respect to its left (right) argument is
// the constant 1 (+, the left of -), so that the argument's adjoint is the
// node's adjoint itself.
template <class Op>
inline constexpr bool passes_adjoint_left_v = requires {
  requires Op::left_partial_is_one;
};
template <class Op>
inline constexpr bool passes_adjoint_right_v = requires {
  requires Op::right_partial_is_one;
};

template <class B, fixed_string Name>
using bound_t = std::remove_cvref_t<decltype(bound_value<Name>(std::declval<const B&>()))>;

// Where the values of the symbol Name are: the storage bound to it, or, for a
// 1x1 symbol bound to a number (a scalar symbol: lambda = 0.1), `number`, set
// to that number in the evaluation's element type.
template <fixed_string Name, class B, class T>
constexpr const T* bound_tensor_values(const B& b, T& number) {
  const auto& bound = bound_value<Name>(b);
  if constexpr (std::is_arithmetic_v<std::remove_cvref_t<decltype(bound)>>) {
    number = static_cast<T>(bound);
    return &number;
  } else {
    return bound.values;
  }
}

// The element type of an evaluation: that of the first of Symbols bound to a
// tensor (the others are bound to the same type, or are numbers).
template <class B, class Symbols>
struct bound_element {
  using type = double;  // no tensor bound: the message about the bindings names them
};
template <class B, class First, class... Rest>
struct bound_element<B, symbol_list<First, Rest...>> {
  static auto pick() {
    if constexpr (std::is_arithmetic_v<bound_t<B, First::name>>) {
      return std::type_identity<typename bound_element<B, symbol_list<Rest...>>::type>{};
    } else {
      return std::type_identity<typename bound_t<B, First::name>::value_type>{};
    }
  }
  using type = typename decltype(pick())::type;
};

template <fixed_string Name, shape S, class Bound, class T>
struct tensor_binding_fits {
  static constexpr bool valid =
      std::is_same_v<Bound, tensor_view<const T, S>> || (S == shape{1, 1} && std::is_arithmetic_v<Bound>);
  static_assert(valid,
                "ctdiff: the value bound to this tensor symbol must be its shape's storage (std::array, std::span or "
                "std::vector), with the element type of the other tensors of the evaluation (a scalar symbol: a "
                "number)");
};

// The tensor symbols of E, for the same one-line report as scalar symbols.
template <fixed_string Name, shape S>
struct symbols_of<tensor_symbol<Name, S>> {
  using type = symbol_list<tensor_symbol<Name, S>>;
};
template <class Op, class A>
struct symbols_of<tensor_unary<Op, A>> : symbols_of<A> {};
template <class Op, class L, class R>
struct symbols_of<tensor_binary<Op, L, R>> {
  using type = decltype(typename symbols_of<L>::type{} + typename symbols_of<R>::type{});
};

template <class E, class B>
using tensor_value_t = typename bound_element<B, symbols_t<E>>::type;

// Every bound symbol of E holds storage of its shape: one message per
// offending symbol, naming it.
template <class E, class B, class T>
constexpr bool check_tensor_bindings() {
  if constexpr (is_tensor_symbol_v<E>) {
    return tensor_binding_fits<E::name, E::dims, bound_t<B, E::name>, T>::valid;
  } else if constexpr (is_tensor_unary_v<E>) {
    return check_tensor_bindings<typename E::argument_type, B, T>();
  } else {
    return check_tensor_bindings<typename E::left_type, B, T>() &&
           check_tensor_bindings<typename E::right_type, B, T>();
  }
}

// Every symbol of E is bound, to storage of its shape, or the messages that
// say which is not, before anything deeper is instantiated.
template <class E, class B>
constexpr bool tensor_bindings_valid() {
  if constexpr (!symbols_bound<B>(symbols_t<E>{})) {
    report_unbound_symbols<bound_in_at, B>(symbols_t<E>{});
    return false;
  } else {
    return check_tensor_bindings<E, B, tensor_value_t<E, B>>();
  }
}

template <class E, class B, class T>
constexpr void forward_tensor(const E& e, const B& b, workspace<T, E>& state) {
  if constexpr (is_tensor_symbol_v<E>) {
    state.values = bound_tensor_values<E::name>(b, state.number);
  } else if constexpr (is_tensor_unary_v<E>) {
    forward_tensor(e.argument, b, state.argument);
    e.operation.forward(value_view(state.argument), tensor_view<T, E::dims>{state.values.data()});
  } else {
    forward_tensor(e.left, b, state.left);
    forward_tensor(e.right, b, state.right);
    with_kept(state, [&](auto... kept) {
      e.operation.forward(value_view(state.left), value_view(state.right), tensor_view<T, E::dims>{state.values.data()},
                          kept...);
    });
  }
}

// Where the adjoint of an argument goes: a symbol of W adds into its slice of
// the flat gradient; an inner node gets its own adjoint array, cleared here.
template <class W, class E, class T>
constexpr tensor_view<T, E::dims> adjoint_target(workspace<T, E>& state, T* gradient) {
  if constexpr (is_tensor_symbol_v<E>) {
    return {gradient + flat_offset_v<W, E>};
  } else {
    // A loop unrolled, not fill(): g++ -O3 clears a fill of a few dozen values
    // with rep stos, whose start-up costs more than the vector stores of the
    // unrolled loop (3% of the digits network's gradient, five clears a sample).
#pragma GCC unroll 64
    for (T& value : state.adjoint) value = T(0);
    return adjoint_view(state);
  }
}

// Passes the node's adjoint on to every argument that contains a symbol of W.
// Arguments without one are skipped at compile time. An inner argument whose
// adjoint is the node's own (the left of a sum) reads it where it is: a copy
// into its own array would be a pass over it and a clear.
template <class W, class E, class T>
constexpr void backward_tensor(const E& e, workspace<T, E>& state, tensor_view<T, E::dims> adjoint, T* gradient) {
  if constexpr (is_tensor_unary_v<E>) {
    if constexpr (contains_any_v<typename E::argument_type, W>) {
      auto target = adjoint_target<W>(state.argument, gradient);
      e.operation.backward(value_view(state.argument), value_view(state), adjoint, target);
      backward_tensor<W>(e.argument, state.argument, target, gradient);
    }
  } else if constexpr (!is_tensor_symbol_v<E>) {
    using L = typename E::left_type;
    using R = typename E::right_type;
    using Op = std::remove_cvref_t<decltype(e.operation)>;
    if constexpr (contains_any_v<L, W>) {
      if constexpr (passes_adjoint_left_v<Op> && !is_tensor_symbol_v<L>) {
        backward_tensor<W>(e.left, state.left, adjoint, gradient);
      } else {
        auto target = adjoint_target<W>(state.left, gradient);
        with_kept(state, [&](auto... kept) {
          e.operation.backward_left(value_view(state.left), value_view(state.right), value_view(state), adjoint, target,
                                    kept...);
        });
        backward_tensor<W>(e.left, state.left, target, gradient);
      }
    }
    if constexpr (contains_any_v<R, W>) {
      if constexpr (passes_adjoint_right_v<Op> && !is_tensor_symbol_v<R>) {
        backward_tensor<W>(e.right, state.right, adjoint, gradient);
      } else {
        auto target = adjoint_target<W>(state.right, gradient);
        with_kept(state, [&](auto... kept) {
          e.operation.backward_right(value_view(state.left), value_view(state.right), value_view(state), adjoint,
                                     target, kept...);
        });
        backward_tensor<W>(e.right, state.right, target, gradient);
      }
    }
  }
}

template <shape S>
struct gradient_of_a_scalar {
  static constexpr bool valid = S == shape{1, 1};
  static_assert(valid,
                "ctdiff: gradient(e, wrt(...)) of a tensor expression needs e to be 1x1 (a loss: sum, mean, "
                "dot, cross_entropy, mean_squared_error); the instantiation line names e's shape");
};

// One forward and one backward sweep; returns the loss and adds its gradient
// into gradient[0, flat_size_v<W>).
template <class W, class E, class B, class T>
constexpr T add_gradient_at(const E& e, const B& b, workspace<T, E>& state, T* gradient) {
  forward_tensor(e, b, state);
  if constexpr (is_tensor_symbol_v<E>) {
    if constexpr (contains_any_v<E, W>) gradient[flat_offset_v<W, E>] += T(1);
    return state.values[0];
  } else {
    state.adjoint[0] = T(1);
    backward_tensor<W>(e, state, adjoint_view(state), gradient);
    return state.values[0];
  }
}

}  // namespace detail

template <TensorExpression E, class W>
struct tensor_gradient_expression {
  E expression;
};

// wrt(...) may hold scalar symbols of the expression (lambda in lambda * W):
// each is a 1x1 tensor symbol, its gradient one number.
template <TensorExpression E, class... Symbols>
constexpr auto gradient(const E& e, wrt_list<Symbols...>) {
  if constexpr (detail::gradient_of_a_scalar<E::dims>::valid) {
    return tensor_gradient_expression<E, tensor_wrt_t<Symbols...>>{e};
  }
}

// The gradient of a tensor loss: the loss's value, and the partial derivatives
// with respect to each symbol of wrt(...), read as g[W1] in W1's shape. They
// are stored flat, in the order of wrt(...), each row-major (g.flat).
template <class T, class W>
struct tensor_gradient {
  T value;
  std::array<T, flat_size_v<W>> flat;

  template <fixed_string Name, shape S>
  constexpr tensor_view<const T, S> operator[](tensor_symbol<Name, S>) const {
    static_assert(W::template index_of<tensor_symbol<Name, S>> != W::size, "ctdiff: this symbol is not in wrt(...)");
    return {flat.data() + flat_offset_v<W, tensor_symbol<Name, S>>};
  }
  // The partial with respect to a scalar symbol: g[lambda].
  template <fixed_string Name>
  constexpr T operator[](symbol<Name> s) const {
    return (*this)[as_tensor_symbol_t<decltype(s)>{}][0];
  }
};

// The value of a tensor expression under bindings: a number for a 1x1
// expression, else std::array<T, rows*cols>, row-major.
template <TensorExpression E, Bindings B>
constexpr auto eval(const E& e, const B& b, std::type_identity_t<workspace<detail::tensor_value_t<E, B>, E>>& state) {
  using T = detail::tensor_value_t<E, B>;
  detail::forward_tensor(e, b, state);
  if constexpr (E::dims == shape{1, 1}) {
    return T(detail::value_view(state)[0]);
  } else {
    std::array<T, E::dims.size()> result{};
    auto values = detail::value_view(state);
    std::copy(values.begin(), values.end(), result.begin());
    return result;
  }
}

template <TensorExpression E, Bindings B>
constexpr auto eval(const E& e, const B& b) {
  if constexpr (detail::tensor_bindings_valid<E, B>()) {
    workspace<detail::tensor_value_t<E, B>, E> state;
    return eval(e, b, state);
  } else {
    return 0.0;  // a value, so that the message about the bindings stays the only error
  }
}

// Adds the gradient into a caller's flat array (the layout of tensor_gradient's
// flat: wrt order, row-major) and returns the loss: what a training loop calls
// per sample, with no allocation and no copy of the parameters.
template <TensorExpression E, class W, Bindings B, class T>
constexpr T add_gradient(const tensor_gradient_expression<E, W>& g, const B& b,
                         std::type_identity_t<workspace<T, E>>& state, std::span<T> gradient) {
  static_assert(std::is_same_v<T, detail::tensor_value_t<E, B>>,
                "ctdiff: the workspace's element type must be that of the bound tensors");
  return detail::add_gradient_at<W>(g.expression, b, state, gradient.data());
}

template <TensorExpression E, class W, Bindings B>
constexpr auto eval(const tensor_gradient_expression<E, W>& g, const B& b,
                    std::type_identity_t<workspace<detail::tensor_value_t<E, B>, E>>& state) {
  using T = detail::tensor_value_t<E, B>;
  tensor_gradient<T, W> result{};
  result.value = detail::add_gradient_at<W>(g.expression, b, state, result.flat.data());
  return result;
}

template <TensorExpression E, class W, Bindings B>
constexpr auto eval(const tensor_gradient_expression<E, W>& g, const B& b) {
  if constexpr (detail::tensor_bindings_valid<E, B>()) {
    workspace<detail::tensor_value_t<E, B>, E> state;
    return eval(g, b, state);
  } else {
    return tensor_gradient<double, W>{};
  }
}

}  // namespace ctdiff
