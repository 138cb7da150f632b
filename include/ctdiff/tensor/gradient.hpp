// Evaluation and the gradient of tensor expressions, laid out by the same
// compile-time schedule as scalars (schedule.hpp), one entry per distinct
// tensor subexpression: the forward pass computes each entry once into its
// slot of the workspace, and the backward pass walks the entries back from
// the loss, so an entry's adjoint holds the sum over all its uses before it is
// passed on, once. A symbol's value is read where it is bound, and its
// gradient is added where the caller wants it, so the storage the sweep needs
// grows with the activations, not the weights.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <ctdiff/engine/evaluate.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <ctdiff/tensor/operations.hpp>
#include <span>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {

// What an operation keeps from its forward pass for its backward pass besides
// its value, if it declares kept(left, right), the shape of that storage (the
// cross-entropy keeps its exps, so its backward pass computes none).
template <class T, class Node>
struct kept_values {};
template <class T, class Op, class L, class R>
requires requires { Op::kept(L::dims, R::dims); }
struct kept_values<T, tensor_binary<Op, L, R>> {
  static constexpr shape dims = Op::kept(L::dims, R::dims);
  std::array<T, dims.size()> values;
};

// The storage of one schedule entry: an operation's value, its adjoint and
// what it keeps; a symbol's, where its bound values are; a name's, its
// adjoint only, as its value is its expression's.
template <class T, class Node>
struct tensor_slot {
  std::array<T, Node::dims.size()> values;
  std::array<T, Node::dims.size()> adjoint;
  [[no_unique_address]] kept_values<T, Node> kept;
};
template <class T, fixed_string Name, shape S>
struct tensor_slot<T, tensor_symbol<Name, S>> {
  const T* values = nullptr;
  T number{};  // the number bound to a scalar symbol
};
template <class T, fixed_string Name, class E>
struct tensor_slot<T, named<Name, E>> {
  std::array<T, E::dims.size()> adjoint;
};

template <std::size_t Index, class Slot>
struct indexed_slot {
  Slot slot;
};

template <class T, class S, class Indices>
struct tensor_slots;
template <class T, class S, std::size_t... Index>
struct tensor_slots<T, S, std::index_sequence<Index...>>
    : indexed_slot<Index, tensor_slot<T, typename S::template entry<Index>::node>>... {};

// The slot of the entry at Index, found as a base class.
template <std::size_t Index, class Slot>
constexpr Slot& slot_at(indexed_slot<Index, Slot>& slots) {
  return slots.slot;
}
template <std::size_t Index, class Slot>
constexpr const Slot& slot_at(const indexed_slot<Index, Slot>& slots) {
  return slots.slot;
}

}  // namespace detail

// The values and adjoints of every entry of E's schedule, for T-valued
// evaluation. It can be large (a batch of activations): create it once, where
// it fits (a member, a static, or
// std::make_unique<workspace<double, decltype(loss)>>()), and pass it to
// eval(..., ws) and add_gradient(...). Its contents need no initialization;
// no evaluation allocates anything else.
template <class T, class E>
struct workspace : detail::tensor_slots<T, schedule<E>, std::make_index_sequence<schedule<E>::size>> {};

// workspace<double, decltype(loss)> for a constexpr loss names a const type: the same workspace.
template <class T, class E>
struct workspace<T, const E> : workspace<T, E> {};

namespace detail {

template <class E, std::size_t Index>
using tensor_node_t = typename schedule<E>::template entry<Index>::node;

// The value of the entry at Index: where a symbol is bound, a name's
// expression's value, else the entry's own.
template <class E, std::size_t Index, class T>
constexpr auto value_view(const workspace<T, E>& state) {
  using Node = tensor_node_t<E, Index>;
  if constexpr (is_named_v<Node>) {
    return value_view<E, schedule<E>::template child_slot<Index, 0>>(state);
  } else if constexpr (is_tensor_symbol_v<Node>) {
    return tensor_view<const T, Node::dims>{slot_at<Index>(state).values};
  } else {
    return tensor_view<const T, Node::dims>{slot_at<Index>(state).values.data()};
  }
}

template <class E, std::size_t Index, class T>
constexpr tensor_view<T, tensor_node_t<E, Index>::dims> own_values(workspace<T, E>& state) {
  return {slot_at<Index>(state).values.data()};
}

// The operation of the entry at Index: made afresh where it holds no data,
// else read where the expression holds it (a number).
template <class E, std::size_t Index>
constexpr auto operation_at(const E& e) {
  using Op = decltype(tensor_node_t<E, Index>::operation);
  if constexpr (std::is_empty_v<Op>) {
    return Op{};
  } else {
    return node_at<typename schedule<E>::template entry<Index>::path>(e).operation;
  }
}

// Calls step with a view of what the operation keeps from its forward pass,
// if it keeps anything, else with no argument.
template <class T, class Node, class Step>
constexpr void with_kept(tensor_slot<T, Node>& slot, Step step) {
  if constexpr (requires { kept_values<T, Node>::dims; }) {
    step(tensor_view<T, kept_values<T, Node>::dims>{slot.kept.values.data()});
  } else {
    step();
  }
}

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

template <class E, std::size_t Index, class B, class T>
constexpr void forward_entry(const E& e, const B& b, workspace<T, E>& state) {
  using S = schedule<E>;
  using Node = tensor_node_t<E, Index>;
  if constexpr (is_tensor_symbol_v<Node>) {
    auto& slot = slot_at<Index>(state);
    slot.values = bound_tensor_values<Node::name>(b, slot.number);
  } else if constexpr (is_tensor_unary_v<Node>) {
    operation_at<E, Index>(e).forward(value_view<E, S::template child_slot<Index, 0>>(state),
                                      own_values<E, Index>(state));
  } else if constexpr (operands<Node>::count == 2) {
    with_kept(slot_at<Index>(state), [&](auto... kept) {
      operation_at<E, Index>(e).forward(value_view<E, S::template child_slot<Index, 0>>(state),
                                        value_view<E, S::template child_slot<Index, 1>>(state),
                                        own_values<E, Index>(state), kept...);
    });
  }  // a name's value is its expression's
}

template <class E, class B, class T>
constexpr void forward_tensor(const E& e, const B& b, workspace<T, E>& state) {
  for_each_index<schedule<E>::size>([&]<std::size_t Index>() { forward_entry<E, Index>(e, b, state); });
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

// Whether a node's Operand-th operand gets the node's own adjoint: a name's
// expression, the operands of a sum, the left of a difference.
template <class Node, std::size_t Operand>
constexpr bool passes_adjoint() {
  if constexpr (is_named_v<Node>) {
    return true;
  } else if constexpr (operands<Node>::count == 2) {
    using Op = decltype(Node::operation);
    return Operand == 0 ? passes_adjoint_left_v<Op> : passes_adjoint_right_v<Op>;
  } else {
    return false;
  }
}

// Where each entry's adjoint is kept, and which use clears it. An inner entry
// used once, by a node that passes its own adjoint on, reads that node's
// adjoint where it is (home): a copy would be a pass over it and a clear.
// Any other inner entry has its own, cleared by the use the sweep meets first
// (the user latest in the schedule) and summed into by every use.
// Whether an operand and its user keep their adjoints alike, so that one may
// read the other's in place: always for one sample (batch.hpp: not between a
// node of the batch's samples and one shared by them).
struct same_storage {
  template <class User, class Operand>
  static constexpr bool value = true;
};

template <std::size_t Size>
struct adjoint_layout {
  std::array<std::size_t, Size> home{};
  std::array<bool, 2 * Size> clears{};  // by 2 * user + operand
};

template <class E, class SameStorage>
constexpr auto lay_out_adjoints() {
  using S = schedule<E>;
  adjoint_layout<S::size> layout;
  std::array<std::size_t, S::size> uses{};
  for_each_index<S::size>([&]<std::size_t Index>() {
    layout.home[Index] = Index;
    for_each_index<operands<tensor_node_t<E, Index>>::count>(
        [&]<std::size_t Operand>() { ++uses[S::template child_slot<Index, Operand>]; });
  });
  std::array<bool, S::size> met{};
  for_each_index<S::size>([&]<std::size_t Reversed>() {
    constexpr std::size_t user = S::size - 1 - Reversed;
    using Node = tensor_node_t<E, user>;
    for_each_index<operands<Node>::count>([&]<std::size_t Operand>() {
      constexpr std::size_t argument = S::template child_slot<user, Operand>;
      if (is_tensor_symbol_v<tensor_node_t<E, argument>>) return;
      if (uses[argument] == 1 && passes_adjoint<Node, Operand>() &&
          SameStorage::template value<Node, tensor_node_t<E, argument>>) {
        layout.home[argument] = layout.home[user];
      } else if (!met[argument]) {
        layout.clears[2 * user + Operand] = true;
      }
      met[argument] = true;
    });
  });
  return layout;
}

template <class E, class SameStorage = same_storage>
inline constexpr auto adjoint_layout_v = lay_out_adjoints<E, SameStorage>();

template <class E, std::size_t Index, class T>
constexpr tensor_view<T, tensor_node_t<E, Index>::dims> adjoint_view(workspace<T, E>& state) {
  return {slot_at<adjoint_layout_v<E>.home[Index]>(state).adjoint.data()};
}

// Where the user's share of its Operand-th operand's adjoint goes: a symbol
// of W adds into its slice of the flat gradient; an inner entry into its own
// adjoint, cleared here by its first use.
template <class W, class E, std::size_t User, std::size_t Operand, class T>
constexpr auto adjoint_target(workspace<T, E>& state, T* gradient) {
  constexpr std::size_t argument = schedule<E>::template child_slot<User, Operand>;
  using Argument = tensor_node_t<E, argument>;
  if constexpr (is_tensor_symbol_v<Argument>) {
    return tensor_view<T, Argument::dims>{gradient + flat_offset_v<W, Argument>};
  } else {
    auto& adjoint = slot_at<argument>(state).adjoint;
    if constexpr (adjoint_layout_v<E>.clears[2 * User + Operand]) {
      // A loop unrolled, not fill(): g++ -O3 clears a fill of a few dozen values
      // with rep stos, whose start-up costs more than the vector stores of the
      // unrolled loop (3% of the digits network's gradient, five clears a sample).
#pragma GCC unroll 64
      for (T& value : adjoint) value = T(0);
    }
    return tensor_view<T, Argument::dims>{adjoint.data()};
  }
}

// Passes the user's adjoint on to its Operand-th operand if that holds a
// symbol of W and does not read the user's adjoint in place already.
template <class W, class E, std::size_t User, std::size_t Operand, class T>
constexpr void pass_to_operand(const E& e, workspace<T, E>& state, T* gradient) {
  using S = schedule<E>;
  using Node = tensor_node_t<E, User>;
  constexpr std::size_t argument = S::template child_slot<User, Operand>;
  constexpr const auto& layout = adjoint_layout_v<E>;
  if constexpr (contains_any_v<operand_t<Node, Operand>, W> && layout.home[argument] != layout.home[User]) {
    const auto adjoint = adjoint_view<E, User>(state);
    const auto target = adjoint_target<W, E, User, Operand>(state, gradient);
    if constexpr (is_named_v<Node>) {
      for (std::size_t i = 0; i != target.size(); ++i) target[i] += adjoint[i];
    } else if constexpr (is_tensor_unary_v<Node>) {
      operation_at<E, User>(e).backward(value_view<E, argument>(state), value_view<E, User>(state), adjoint, target);
    } else {
      const auto left = value_view<E, S::template child_slot<User, 0>>(state);
      const auto right = value_view<E, S::template child_slot<User, 1>>(state);
      with_kept(slot_at<User>(state), [&](auto... kept) {
        if constexpr (Operand == 0) {
          operation_at<E, User>(e).backward_left(left, right, value_view<E, User>(state), adjoint, target, kept...);
        } else {
          operation_at<E, User>(e).backward_right(left, right, value_view<E, User>(state), adjoint, target, kept...);
        }
      });
    }
  }
}

// Passes the adjoint of the entry at Index, complete when the sweep reaches
// it, to its operands; entries without a symbol of W are skipped at compile time.
template <class W, class E, std::size_t Index, class T>
constexpr void pass_adjoint(const E& e, workspace<T, E>& state, T* gradient) {
  using Node = tensor_node_t<E, Index>;
  if constexpr (contains_any_v<Node, W>) {
    for_each_index<operands<Node>::count>(
        [&]<std::size_t Operand>() { pass_to_operand<W, E, Index, Operand>(e, state, gradient); });
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
  constexpr std::size_t root = schedule<E>::size - 1;
  forward_tensor(e, b, state);
  if constexpr (is_tensor_symbol_v<E>) {
    if constexpr (contains_any_v<E, W>) gradient[flat_offset_v<W, E>] += T(1);
  } else {
    slot_at<root>(state).adjoint[0] = T(1);
    for_each_index<schedule<E>::size>(
        [&]<std::size_t Reversed>() { pass_adjoint<W, E, root - Reversed>(e, state, gradient); });
  }
  return value_view<E, root>(state)[0];
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
  const auto values = detail::value_view<E, schedule<E>::size - 1>(state);
  if constexpr (E::dims == shape{1, 1}) {
    return T(values[0]);
  } else {
    std::array<T, E::dims.size()> result{};
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
