// Tensor nodes in the walk (engine/detail/walk.hpp): every entry holds blocks of
// values, one for one sample (tensor/gradient.hpp) or one per sample of a
// batch (batch/batch.hpp), and each operation runs on them through its own
// forward and backward functions (tensor/operations.hpp). What the one-sample
// and the batch storage have in common is here; each gives the rest as a
// class with
//   batched<Node>               whether Node holds one block per sample,
//   buffer<T, N>                the storage of N values a sample,
//   operation_buffers<T, Node>  what Node's operation needs besides (GEMM's),
//   view<Dims>(T*)              a block of shape Dims at a pointer,
// and may run an operation otherwise than sample by sample (a batch runs the
// matrix product as one GEMM).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/engine/detail/walk.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff::detail {

// What an operation keeps from its forward pass for its backward pass besides
// its value, a sample, if it declares kept(left, right) (the cross-entropy
// keeps its exps, so its backward pass computes none).
template <class Node>
struct kept_shape {
  static constexpr std::size_t size = 0;
};
template <class Node>
requires(operands<Node>::count == 2) && requires {
  decltype(Node::operation)::kept(operand_t<Node, 0>::dims, operand_t<Node, 1>::dims);
}
struct kept_shape<Node> {
  static constexpr auto dims = decltype(Node::operation)::kept(operand_t<Node, 0>::dims, operand_t<Node, 1>::dims);
  static constexpr std::size_t size = dims.size();
};

// The blocks of Node in storage holding count samples: one a sample, or one
// for all if Node does not depend on the sample.
template <class Storage, class Node>
constexpr std::size_t slices(std::size_t count) {
  return Storage::template batched<Node> ? count : 1;
}

// Sample j's block of Node at base.
template <class Storage, class Node, class T>
constexpr auto sample_of(T* base, std::size_t j) {
  return Storage::template view<Node::dims>(base + (Storage::template batched<Node> ? j * Node::dims.size() : 0));
}

// Storage a node does not need (no kept values, no buffers of its operation's
// own): empty, so it takes no room, whatever it is made with. Role tells two
// apart in one entry, which could not share an address otherwise.
template <class Role>
struct no_storage {
  constexpr no_storage() = default;
  template <class... Arguments>
  constexpr explicit no_storage(const Arguments&...) {}
};

// The storage of one entry: an operation's values, adjoint, what it keeps and
// needs, and the operation itself where it holds data (read from the
// expression by the forward pass); a symbol's, where its bound values are, or
// the number bound to it (a scalar symbol); a name's, where its expression's
// values are, and its adjoint. Default-constructed (one sample) its values
// are left uninitialised; made for a largest batch, it holds that many
// samples.
template <class T, class Node, class Storage, std::size_t Operands = operands<Node>::count>
struct entry_storage {
  typename Storage::template buffer<T, Node::dims.size()> values, adjoint;
  [[no_unique_address]] std::conditional_t<kept_shape<Node>::size == 0, no_storage<kept_shape<Node>>,
                                           typename Storage::template buffer<T, kept_shape<Node>::size>>
      kept;
  [[no_unique_address]] typename Storage::template operation_buffers<T, Node> operation_buffers;
  [[no_unique_address]] decltype(Node::operation) operation{};
  constexpr entry_storage() = default;
  explicit entry_storage(std::size_t largest_batch)
      : values(Node::dims.size() * slices<Storage, Node>(largest_batch)),
        adjoint(Node::dims.size() * slices<Storage, Node>(largest_batch)),
        kept(kept_shape<Node>::size * slices<Storage, Node>(largest_batch)),
        operation_buffers(operand_t<Node, 0>::dims, largest_batch) {}
  constexpr const T* values_of() const { return values.data(); }
};
template <class T, class Node, class Storage>
struct entry_storage<T, Node, Storage, 0> {
  const T* values = nullptr;
  T number{};
  constexpr entry_storage() = default;
  explicit entry_storage(std::size_t) {}
  constexpr const T* values_of() const { return values; }
};
template <class T, fixed_string Name, class E, class Storage>
struct entry_storage<T, named<Name, E>, Storage, 1> {
  const T* values = nullptr;
  typename Storage::template buffer<T, E::dims.size()> adjoint;
  constexpr entry_storage() = default;
  explicit entry_storage(std::size_t largest_batch) : adjoint(E::dims.size() * slices<Storage, E>(largest_batch)) {}
  constexpr const T* values_of() const { return values; }
};

template <std::size_t Index, class Slot>
struct indexed_slot {
  Slot slot;
};

// The storage of the entry at Index, found as a base class.
template <std::size_t Index, class Slot>
constexpr Slot& slot_at(indexed_slot<Index, Slot>& slots) {
  return slots.slot;
}
template <std::size_t Index, class Slot>
constexpr const Slot& slot_at(const indexed_slot<Index, Slot>& slots) {
  return slots.slot;
}

// Sets a block of a node's adjoint to zero before its first share is added.
template <class Storage, class Node, class T>
constexpr void clear(T* adjoint, std::size_t count) {
  if constexpr (Storage::template batched<Node>) {
    std::fill_n(adjoint, Node::dims.size() * count, T(0));
  } else {
    // A loop of known length: g++ unrolls it where short. (An unroll pragma
    // here made g++ -O3 warn that it ignored the annotation, where the loop was
    // peeled first; a warning it gives without an option to turn it off.)
    for (std::size_t i = 0; i != Node::dims.size(); ++i) adjoint[i] = T(0);
  }
}

// Every entry of the schedule S, each in its storage, as the walk asks for them.
template <class T, class S, class Storage, class Indices>
struct schedule_storage;
template <class T, class S, class Storage, std::size_t... Index>
struct schedule_storage<T, S, Storage, std::index_sequence<Index...>>
    : indexed_slot<Index, entry_storage<T, node_at_t<S, Index>, Storage>>... {
  using value_type = T;
  using storage = Storage;
  static constexpr bool indexed_by_type = true;
  constexpr schedule_storage() = default;
  explicit schedule_storage(std::size_t largest_batch)
      : indexed_slot<Index, entry_storage<T, node_at_t<S, Index>, Storage>>{
            entry_storage<T, node_at_t<S, Index>, Storage>(largest_batch)}... {}

  template <std::size_t I>
  constexpr auto& entry(std::integral_constant<std::size_t, I>) {
    return slot_at<I>(*this);
  }
  template <std::size_t I>
  constexpr const T* values_of(std::integral_constant<std::size_t, I>) const {
    return slot_at<I>(*this).values_of();
  }
  template <std::size_t I>
  constexpr T* adjoint_of(std::integral_constant<std::size_t, I>) {
    return slot_at<I>(*this).adjoint.data();
  }
  template <std::size_t I>
  constexpr void seed_adjoint(std::integral_constant<std::size_t, I> i, T seed, std::size_t count) {
    std::fill_n(adjoint_of(i), slices<Storage, node_at_t<S, I>>(count), seed);
  }
  // A symbol's values where they are bound, or, for a number bound to it (a
  // scalar symbol: lambda = 0.1), that number in the evaluation's element type.
  template <std::size_t I, class Bound>
  constexpr void bind(std::integral_constant<std::size_t, I>, const Bound& bound) {
    auto& slot = slot_at<I>(*this);
    if constexpr (std::is_arithmetic_v<Bound>) {
      slot.number = static_cast<T>(bound);
      slot.values = &slot.number;
    } else {
      slot.values = bound.values;
    }
  }
  template <std::size_t I, class Node>
  constexpr void hold(std::integral_constant<std::size_t, I>, const Node& node) {
    slot_at<I>(*this).operation = node.operation;
  }
  template <std::size_t I, bool ToGradient, bool Clears>
  constexpr T* share_target(std::integral_constant<std::size_t, I> i, std::bool_constant<ToGradient>,
                            std::bool_constant<Clears>, T* gradient, std::size_t count) {
    if constexpr (ToGradient) {
      return gradient + I;
    } else {
      if constexpr (Clears) clear<Storage, node_at_t<S, I>>(adjoint_of(i), count);
      return adjoint_of(i);
    }
  }
  static constexpr void add_to_gradient(T* gradient, std::size_t offset, T value) { gradient[offset] += value; }
};

template <class T, class E, class Storage>
using schedule_storage_t = schedule_storage<T, schedule<E>, Storage, std::make_index_sequence<schedule<E>::size>>;

// Calls call with sample j's block of what Node's operation keeps from its
// forward pass, if it keeps anything, else with no argument.
template <class Storage, class Node, class Slot, class Call>
constexpr void with_kept(Slot& slot, std::size_t j, Call call) {
  if constexpr (kept_shape<Node>::size != 0) {
    call(Storage::template view<kept_shape<Node>::dims>(slot.kept.data() + j * kept_shape<Node>::size));
  } else {
    call();
  }
}

// Calls each(j) for every block j of Node in storage holding count samples:
// once, with no loop, where Node holds one block for all.
template <class Storage, class Node, class Each>
constexpr void for_each_block(std::size_t count, Each each) {
  if constexpr (Storage::template batched<Node>) {
    for (std::size_t j = 0; j != count; ++j) each(j);
  } else {
    each(std::size_t(0));
  }
}

// Whether a node's Operand-th operand can read the node's adjoint as its own:
// a name's expression, an operand whose partial is the constant 1 (the
// operands of a sum, the left of a difference).
template <class Node, std::size_t Operand>
constexpr bool passes_adjoint() {
  if constexpr (is_named_v<Node>) {
    return true;
  } else if constexpr (operands<Node>::count == 2) {
    using Op = decltype(Node::operation);
    if constexpr (Operand == 0) {
      return requires { requires Op::left_partial_is_one; };
    } else {
      return requires { requires Op::right_partial_is_one; };
    }
  } else {
    return false;
  }
}

template <class Storage, class Node>
struct batched_node : std::bool_constant<Storage::template batched<Node>> {};

// How tensor operations run on Storage: sample by sample, through their
// per-sample forward and backward (backward_left, backward_right), with what
// they kept; Storage may run some otherwise (forward_unary, forward_binary,
// backward_unary, backward_binary of its own).
template <class Storage>
struct sample_by_sample {
  template <class Node>
  using rule = Node;
  template <class Node, std::size_t Operand>
  using carries_adjoint = std::true_type;
  template <class Node, std::size_t Operand>
  using shares_adjoint = std::bool_constant<passes_adjoint<Node, Operand>()>;
  template <class Node>
  using is_batched = batched_node<Storage, Node>;

  template <class Node, class Slot, class T>
  static constexpr void forward(Slot& slot, const T* first, const T* second, const T*, std::size_t count) {
    if constexpr (is_named_v<Node>) {
      slot.values = first;
    } else if constexpr (operands<Node>::count == 1) {
      Storage::template forward_unary<Node>(slot.operation, first, slot, count);
    } else if constexpr (operands<Node>::count == 2) {
      Storage::template forward_binary<Node>(slot.operation, first, second, slot, count);
    }
  }

  template <class Node, std::size_t Operand, class Slot, class T>
  static constexpr void backward(Slot& slot, const T* first, const T* second, const T*, const T* adjoint, T* target,
                                 std::size_t count) {
    if constexpr (is_named_v<Node>) {
      using Argument = operand_t<Node, 0>;
      for (std::size_t i = 0; i != Argument::dims.size() * slices<Storage, Argument>(count); ++i) {
        target[i] += adjoint[i];
      }
    } else if constexpr (operands<Node>::count == 1) {
      Storage::template backward_unary<Node>(slot.operation, first, slot, adjoint, target, count);
    } else {
      Storage::template backward_binary<Node, Operand>(slot.operation, first, second, slot, adjoint, target, count);
    }
  }

  template <class Node, class Op, class T, class Slot>
  static constexpr void forward_unary(const Op& operation, const T* argument, Slot& slot, std::size_t count) {
    for_each_block<Storage, Node>(count, [&](std::size_t j) {
      operation.forward(sample_of<Storage, operand_t<Node, 0>>(argument, j),
                        sample_of<Storage, Node>(slot.values.data(), j));
    });
  }

  template <class Node, class Op, class T, class Slot>
  static constexpr void forward_binary(const Op& operation, const T* left, const T* right, Slot& slot,
                                       std::size_t count) {
    for_each_block<Storage, Node>(count, [&](std::size_t j) {
      with_kept<Storage, Node>(slot, j, [&](auto... kept) {
        operation.forward(sample_of<Storage, operand_t<Node, 0>>(left, j),
                          sample_of<Storage, operand_t<Node, 1>>(right, j),
                          sample_of<Storage, Node>(slot.values.data(), j), kept...);
      });
    });
  }

  template <class Node, class Op, class T, class Slot>
  static constexpr void backward_unary(const Op& operation, const T* argument, Slot& slot, const T* adjoint, T* target,
                                       std::size_t count) {
    using A = operand_t<Node, 0>;
    for_each_block<Storage, Node>(count, [&](std::size_t j) {
      operation.backward(sample_of<Storage, A>(argument, j), sample_of<Storage, Node>(slot.values.data(), j),
                         sample_of<Storage, Node>(adjoint, j), sample_of<Storage, A>(target, j));
    });
  }

  template <class Node, std::size_t Operand, class Op, class T, class Slot>
  static constexpr void backward_binary(const Op& operation, const T* left, const T* right, Slot& slot,
                                        const T* adjoint, T* target, std::size_t count) {
    for_each_block<Storage, Node>(count, [&](std::size_t j) {
      const auto left_j = sample_of<Storage, operand_t<Node, 0>>(left, j);
      const auto right_j = sample_of<Storage, operand_t<Node, 1>>(right, j);
      const auto value_j = sample_of<Storage, Node>(slot.values.data(), j);
      const auto adjoint_j = sample_of<Storage, Node>(adjoint, j);
      const auto target_j = sample_of<Storage, operand_t<Node, Operand>>(target, j);
      with_kept<Storage, Node>(slot, j, [&](auto... kept) {
        if constexpr (Operand == 0) {
          operation.backward_left(left_j, right_j, value_j, adjoint_j, target_j, kept...);
        } else {
          operation.backward_right(left_j, right_j, value_j, adjoint_j, target_j, kept...);
        }
      });
    });
  }
};

}  // namespace ctdiff::detail
