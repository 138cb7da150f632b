// The forward pass and the reverse sweep over a schedule (schedule.hpp) whose
// entries hold blocks of values: a tensor for one sample (tensor/gradient.hpp)
// or one per sample of a batch (batch/batch.hpp). The walk is written once,
// here: which entry is computed when, where each adjoint is kept and which use
// clears it, which operands get a share. What differs is the Storage policy
// the tensor and batch layers give, as a class with
//   batched<Node>        whether Node holds one block per sample,
//   buffer<T, N>         the storage of N values a sample,
//   operation_buffers<T, Node>  what Node's operation needs besides (GEMM's),
//   view<Dims>(T*)       a block of shape Dims at a pointer,
// and how an operation runs on that storage: sample by sample
// (sample_by_sample below), unless the policy runs it otherwise (a batch runs
// the matrix product as one GEMM).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/engine/gradient.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff::detail {

template <class E, std::size_t Index>
using node_t = typename schedule<E>::template entry<Index>::node;

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

// The storage of one entry: an operation's values, adjoint and what it keeps
// and needs; a symbol's, where its bound values are, or the number bound to it
// (a scalar symbol); a name's, its adjoint only (its values are its
// expression's). Default-constructed (one sample) its values are left
// uninitialised; made for a largest batch, it holds that many samples.
template <class T, class Node, class Storage, std::size_t Operands = operands<Node>::count>
struct entry_storage {
  typename Storage::template buffer<T, Node::dims.size()> values, adjoint;
  [[no_unique_address]] std::conditional_t<kept_shape<Node>::size == 0, no_storage<kept_shape<Node>>,
                                           typename Storage::template buffer<T, kept_shape<Node>::size>>
      kept;
  [[no_unique_address]] typename Storage::template operation_buffers<T, Node> operation_buffers;
  constexpr entry_storage() = default;
  explicit entry_storage(std::size_t largest_batch)
      : values(Node::dims.size() * slices<Storage, Node>(largest_batch)),
        adjoint(Node::dims.size() * slices<Storage, Node>(largest_batch)),
        kept(kept_shape<Node>::size * slices<Storage, Node>(largest_batch)),
        operation_buffers(operand_t<Node, 0>::dims, largest_batch) {}
};
template <class T, class Node, class Storage>
struct entry_storage<T, Node, Storage, 0> {
  const T* values = nullptr;
  T number{};
  constexpr entry_storage() = default;
  explicit entry_storage(std::size_t) {}
};
template <class T, fixed_string Name, class E, class Storage>
struct entry_storage<T, named<Name, E>, Storage, 1> {
  typename Storage::template buffer<T, E::dims.size()> adjoint;
  constexpr entry_storage() = default;
  explicit entry_storage(std::size_t largest_batch) : adjoint(E::dims.size() * slices<Storage, E>(largest_batch)) {}
};

template <std::size_t Index, class Slot>
struct indexed_slot {
  Slot slot;
};

template <class T, class S, class Storage, class Indices>
struct schedule_storage;
template <class T, class S, class Storage, std::size_t... Index>
struct schedule_storage<T, S, Storage, std::index_sequence<Index...>>
    : indexed_slot<Index, entry_storage<T, typename S::template entry<Index>::node, Storage>>... {
  using value_type = T;
  using storage = Storage;
  constexpr schedule_storage() = default;
  explicit schedule_storage(std::size_t largest_batch)
      : indexed_slot<Index, entry_storage<T, typename S::template entry<Index>::node, Storage>>{
            entry_storage<T, typename S::template entry<Index>::node, Storage>(largest_batch)}... {}
};

template <class T, class E, class Storage>
using schedule_storage_t = schedule_storage<T, schedule<E>, Storage, std::make_index_sequence<schedule<E>::size>>;

// The storage of the entry at Index, found as a base class.
template <std::size_t Index, class Slot>
constexpr Slot& slot_at(indexed_slot<Index, Slot>& slots) {
  return slots.slot;
}
template <std::size_t Index, class Slot>
constexpr const Slot& slot_at(const indexed_slot<Index, Slot>& slots) {
  return slots.slot;
}

// The values of the entry at Index, sample after sample: where a symbol is
// bound, a name's expression's, else the entry's own.
template <class E, std::size_t Index, class Slots>
constexpr const typename Slots::value_type* values_of(const Slots& slots) {
  using Node = node_t<E, Index>;
  if constexpr (is_named_v<Node>) {
    return values_of<E, schedule<E>::template child_slot<Index, 0>>(slots);
  } else if constexpr (operands<Node>::count == 0) {
    return slot_at<Index>(slots).values;
  } else {
    return slot_at<Index>(slots).values.data();
  }
}

// The operation of the entry at Index: made afresh where it holds no data,
// else read where the expression holds it (a number).
template <class E, std::size_t Index>
constexpr auto operation_at(const E& e) {
  using Op = decltype(node_t<E, Index>::operation);
  if constexpr (std::is_empty_v<Op>) {
    return Op{};
  } else {
    return node_at<typename schedule<E>::template entry<Index>::path>(e).operation;
  }
}

// Where the values of the symbol Name are: the storage bound to it, or, for a
// number bound to it (a scalar symbol: lambda = 0.1), `number`, set to that
// number in the evaluation's element type.
template <fixed_string Name, class B, class T>
constexpr const T* bound_values(const B& b, T& number) {
  const auto& bound = bound_value<Name>(b);
  if constexpr (std::is_arithmetic_v<std::remove_cvref_t<decltype(bound)>>) {
    number = static_cast<T>(bound);
    return &number;
  } else {
    return bound.values;
  }
}

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

// How an operation runs on Storage: sample by sample, through its per-sample
// forward and backward (backward_left, backward_right), with what it kept.
template <class Storage>
struct sample_by_sample {
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

template <class E, std::size_t Index, class B, class Slots>
constexpr void forward_entry(const E& e, const B& b, Slots& slots, std::size_t count) {
  using Storage = typename Slots::storage;
  using S = schedule<E>;
  using Node = node_t<E, Index>;
  auto& slot = slot_at<Index>(slots);
  if constexpr (operands<Node>::count == 0) {
    slot.values = bound_values<Node::name>(b, slot.number);
  } else if constexpr (is_named_v<Node>) {
    // a name's values are its expression's
  } else if constexpr (operands<Node>::count == 1) {
    Storage::template forward_unary<Node>(operation_at<E, Index>(e),
                                          values_of<E, S::template child_slot<Index, 0>>(slots), slot, count);
  } else {
    Storage::template forward_binary<Node>(operation_at<E, Index>(e),
                                           values_of<E, S::template child_slot<Index, 0>>(slots),
                                           values_of<E, S::template child_slot<Index, 1>>(slots), slot, count);
  }
}

// Every entry in order, children first, for count samples.
template <class E, class B, class Slots>
constexpr void forward_pass(const E& e, const B& b, Slots& slots, std::size_t count) {
  for_each_index<schedule<E>::size>([&]<std::size_t Index>() { forward_entry<E, Index>(e, b, slots, count); });
}

// Whether a node's Operand-th operand gets the node's own adjoint: a name's
// expression, an operand whose partial is the constant 1 (the operands of a
// sum, the left of a difference).
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

template <std::size_t Size>
struct adjoint_layout {
  std::array<std::size_t, Size> home{};
  std::array<bool, 2 * Size> clears{};  // by 2 * user + operand
};

// Where each entry's adjoint is kept, and which use clears it. An inner entry
// used once, by a node that passes its own adjoint on and is stored alike (both
// or neither a block per sample), reads that node's adjoint where it is
// (home): a copy would be a pass over it and a clear. Any other inner entry
// has its own, cleared by the use the sweep meets first (the user latest in
// the schedule) and summed into by every use.
template <class E, class Storage>
constexpr auto lay_out_adjoints() {
  using S = schedule<E>;
  adjoint_layout<S::size> layout;
  std::array<std::size_t, S::size> uses{};
  for_each_index<S::size>([&]<std::size_t Index>() {
    layout.home[Index] = Index;
    for_each_index<operands<node_t<E, Index>>::count>(
        [&]<std::size_t Operand>() { ++uses[S::template child_slot<Index, Operand>]; });
  });
  std::array<bool, S::size> met{};
  for_each_index<S::size>([&]<std::size_t Reversed>() {
    constexpr std::size_t user = S::size - 1 - Reversed;
    using Node = node_t<E, user>;
    for_each_index<operands<Node>::count>([&]<std::size_t Operand>() {
      constexpr std::size_t argument = S::template child_slot<user, Operand>;
      using Argument = node_t<E, argument>;
      if (operands<Argument>::count == 0) return;
      if (uses[argument] == 1 && passes_adjoint<Node, Operand>() &&
          Storage::template batched<Node> == Storage::template batched<Argument>) {
        layout.home[argument] = layout.home[user];
      } else if (!met[argument]) {
        layout.clears[2 * user + Operand] = true;
      }
      met[argument] = true;
    });
  });
  return layout;
}

template <class E, class Storage>
inline constexpr auto adjoint_layout_v = lay_out_adjoints<E, Storage>();

// Sets an adjoint to zero before its first share is added.
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

// Where the user's share of its Operand-th operand's adjoint goes: a symbol
// of W adds into its slice of the flat gradient; an inner entry into its own
// adjoint, cleared here by its first use.
template <class W, class E, std::size_t User, std::size_t Operand, class Slots>
constexpr auto adjoint_target(Slots& slots, typename Slots::value_type* gradient, std::size_t count) {
  using Storage = typename Slots::storage;
  constexpr std::size_t argument = schedule<E>::template child_slot<User, Operand>;
  using Argument = node_t<E, argument>;
  if constexpr (operands<Argument>::count == 0) {
    return gradient + flat_offset_v<W, Argument>;
  } else {
    auto* adjoint = slot_at<argument>(slots).adjoint.data();
    if constexpr (adjoint_layout_v<E, Storage>.clears[2 * User + Operand]) clear<Storage, Argument>(adjoint, count);
    return adjoint;
  }
}

// Passes the user's adjoint on to its Operand-th operand if that holds a
// symbol of W and does not read the user's adjoint in place already.
template <class W, class E, std::size_t User, std::size_t Operand, class Slots>
constexpr void pass_to_operand(const E& e, Slots& slots, typename Slots::value_type* gradient, std::size_t count) {
  using Storage = typename Slots::storage;
  using S = schedule<E>;
  using Node = node_t<E, User>;
  constexpr std::size_t argument = S::template child_slot<User, Operand>;
  using Argument = node_t<E, argument>;
  constexpr const auto& layout = adjoint_layout_v<E, Storage>;
  if constexpr (contains_any_v<Argument, W> && layout.home[argument] != layout.home[User]) {
    const auto* adjoint = slot_at<layout.home[User]>(slots).adjoint.data();
    auto* target = adjoint_target<W, E, User, Operand>(slots, gradient, count);
    if constexpr (is_named_v<Node>) {
      for (std::size_t i = 0; i != Argument::dims.size() * slices<Storage, Argument>(count); ++i) {
        target[i] += adjoint[i];
      }
    } else if constexpr (operands<Node>::count == 1) {
      Storage::template backward_unary<Node>(operation_at<E, User>(e), values_of<E, argument>(slots),
                                             slot_at<User>(slots), adjoint, target, count);
    } else {
      Storage::template backward_binary<Node, Operand>(
          operation_at<E, User>(e), values_of<E, S::template child_slot<User, 0>>(slots),
          values_of<E, S::template child_slot<User, 1>>(slots), slot_at<User>(slots), adjoint, target, count);
    }
  }
}

// The reverse sweep: the root's adjoint set to seed, then each entry's
// adjoint, complete when the sweep reaches it, passed on to its operands once;
// entries without a symbol of W are skipped at compile time. The shares of
// the symbols of W are added into gradient (the layout of wrt(...)).
template <class W, class E, class Slots, class T = typename Slots::value_type>
constexpr void reverse_sweep(const E& e, Slots& slots, T* gradient, std::size_t count, T seed) {
  using Storage = typename Slots::storage;
  constexpr std::size_t root = schedule<E>::size - 1;
  std::fill_n(slot_at<root>(slots).adjoint.data(), slices<Storage, E>(count), seed);
  for_each_index<schedule<E>::size>([&]<std::size_t Reversed>() {
    using Node = node_t<E, root - Reversed>;
    if constexpr (contains_any_v<Node, W>) {
      for_each_index<operands<Node>::count>(
          [&]<std::size_t Operand>() { pass_to_operand<W, E, root - Reversed, Operand>(e, slots, gradient, count); });
    }
  });
}

}  // namespace ctdiff::detail
