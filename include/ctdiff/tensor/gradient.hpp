// Evaluation and the gradient of tensor expressions, laid out by the same
// compile-time schedule as scalars (schedule.hpp), one entry per distinct
// tensor subexpression: the forward pass computes each entry once into its
// slot of the workspace, and the backward pass walks the entries back from
// the loss, so an entry's adjoint holds the sum over all its uses before it is
// passed on, once. Both are the walk of engine/detail/walk.hpp, on one sample's
// storage (one_sample, over tensor/detail/storage.hpp). A symbol's value is read where it is bound, and its
// gradient is added where the caller wants it, so the storage the sweep needs
// grows with the activations, not the weights.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <ctdiff/engine/detail/walk.hpp>
#include <ctdiff/engine/evaluate.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <ctdiff/tensor/detail/storage.hpp>
#include <ctdiff/tensor/operations.hpp>
#include <span>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {

// One sample: every entry holds one block of its shape, in a std::array, and
// every operation runs on it once.
struct one_sample : sample_by_sample<one_sample> {
  template <class Node>
  static constexpr bool batched = false;
  template <class T, std::size_t N>
  using buffer = std::array<T, N>;
  template <class T, class Node>
  using operation_buffers = no_storage<Node>;
  template <shape Dims, class T>
  static constexpr tensor_view<T, Dims> view(T* values) {
    return {values};
  }
};

}  // namespace detail

// The values and adjoints of every entry of E's schedule, for T-valued
// evaluation. It can be large (a batch of activations): create it once, where
// it fits (a member, a static, or
// std::make_unique<workspace<double, decltype(loss)>>()), and pass it to
// eval(..., ws) and add_gradient(...). Its contents need no initialization;
// no evaluation allocates anything else.
template <class T, class E>
struct workspace : detail::schedule_storage_t<T, E, detail::one_sample> {};

// workspace<double, decltype(loss)> for a constexpr loss names a const type: the same workspace.
template <class T, class E>
struct workspace<T, const E> : workspace<T, E> {};

namespace detail {

template <class B, fixed_string Name>
using bound_t = std::remove_cvref_t<decltype(bound_value<Name>(std::declval<const B&>()))>;

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

template <class E, class B>
using tensor_value_t = typename bound_element<B, symbols_t<E>>::type;

// Every bound symbol of E holds storage of its shape: one message per
// offending symbol, naming it.
template <class E, class B, class T>
constexpr bool check_tensor_bindings() {
  if constexpr (is_tensor_symbol_v<E>) {
    return tensor_binding_fits<E::name, E::dims, bound_t<B, E::name>, T>::valid;
  } else {
    return [&]<std::size_t... Operand>(std::index_sequence<Operand...>) {
      return (check_tensor_bindings<operand_t<E, Operand>, B, T>() && ...);
    }
    (std::make_index_sequence<operands<E>::count>{});
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
  forward_pass(e, b, state, 1);
  reverse_sweep<W, E>(state, gradient, 1, T(1));
  return state.values_of(index_c<schedule<E>::size - 1>)[0];
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
  detail::forward_pass(e, b, state, 1);
  const T* values = state.values_of(detail::index_c<schedule<E>::size - 1>);
  if constexpr (E::dims == shape{1, 1}) {
    return values[0];
  } else {
    std::array<T, E::dims.size()> result{};
    std::copy_n(values, E::dims.size(), result.begin());
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
