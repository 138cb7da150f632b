// Batches of samples through a tensor model. The model is written for one
// sample, as for add_gradient: `cross_entropy(W2 * sigmoid(W1 * x + b1) + b2, y)`
// with x and y vectors whose sizes are compile-time and checked. A batch binds
// n samples to each per-sample symbol at once, n known only at run time, so
// one compiled model takes a mini-batch of 32, the last batch of 7 and the
// whole data set. The loss of a batch is the sum over its samples of the
// per-sample loss (times a weight: 1/n gives the mean), so its gradient is the
// sum of the per-sample gradients.
//
// Every node that depends on a per-sample symbol holds the values of all n
// samples, one after the other (a column vector's: a column-major rows x n
// matrix). A weight matrix times such a node is one matrix-matrix product, and
// so are its two adjoints, computed by Eigen's cache-blocked, vectorised GEMM
// kernel (compile with -march=native or -mavx2 -mfma for its full speed); every
// other operation runs sample by sample through the per-sample operation of
// <ctdiff/tensor.hpp>. The workspace is sized by the largest batch once, with
// the GEMM kernel's packing buffers: evaluating allocates nothing.
//
// fit(loss, params(W1 = w1, ...), data(samples(x, X), samples(y, Y)), options)
// trains such a model with train.hpp's optimizers and options, a batch (or a
// thread's chunk of one) at a time; predict gives the model's value for
// every sample.
//
// Needs Eigen 3.4, so it is not part of <ctdiff/ctdiff.hpp>: include it
// yourself and link the CMake target ctdiff::batch.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstddef>
#include <ctdiff/csv.hpp>
#include <ctdiff/tensor.hpp>
#include <ctdiff/train.hpp>
#include <initializer_list>
#include <memory>
#include <numeric>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctdiff {

// n samples of a per-sample tensor of shape S, one after the other, each
// row-major: what samples(x, values) binds to x.
template <class T, shape S>
struct sample_batch {
  using value_type = std::remove_const_t<T>;
  T* values;
  std::size_t count;
  // The values' storage where the batch made it (samples(x, table, names));
  // empty where it views the caller's.
  std::shared_ptr<const std::vector<value_type>> owner{};
};

// Binds the per-sample symbol x to values holding a whole number of samples
// one after the other (a row-major matrix with one sample per row).
template <fixed_string Name, shape S, std::ranges::contiguous_range Values>
binding<Name, sample_batch<const std::ranges::range_value_t<Values>, S>> samples(tensor_symbol<Name, S>,
                                                                                 const Values& values) {
  const std::size_t size = std::ranges::size(values);
  if (size % S.size() != 0) {
    throw std::length_error("ctdiff: per-sample symbol '" + std::string(Name.view()) + "' holds " +
                            std::to_string(S.size()) + " values a sample; the storage bound to it has " +
                            std::to_string(size) + ", not a whole number of samples");
  }
  return {{std::ranges::data(values), size / S.size()}};
}

// Binds the per-sample symbol x to columns of a CSV table, one sample a row:
// samples(x, table, {"a", "b", "c"}) for vector<"x", 3> gives x the values of
// columns a, b and c. The binding owns a row-major copy of them, so it can be
// kept (in data(...)) after the table is gone.
template <fixed_string Name, shape S>
binding<Name, sample_batch<const double, S>> samples(tensor_symbol<Name, S>, const csv_table& table,
                                                     std::initializer_list<std::string_view> names) {
  if (names.size() != S.size()) {
    throw std::length_error("ctdiff: per-sample symbol '" + std::string(Name.view()) + "' holds " +
                            std::to_string(S.size()) + " values a sample; samples(" + std::string(Name.view()) +
                            ", table, names) was given " + std::to_string(names.size()) + " column names");
  }
  auto rows = std::make_shared<const std::vector<double>>(table.row_major(names));
  return {{rows->data(), table.rows(), rows}};
}

// The symbols that take one value per sample (the data), as opposed to the
// parameters, which every sample shares.
template <class... Symbols>
constexpr wrt_list<Symbols...> per_sample(Symbols...) {
  static_assert((is_tensor_symbol_v<Symbols> && ...),
                "ctdiff: per_sample(...) takes tensor symbols (vector<\"x\", N>, matrix<\"X\", R, C>)");
  return {};
}

namespace detail {

template <class E, class Data>
inline constexpr bool batched_v = contains_any_v<E, Data>;

// A weight matrix (the same for every sample) times a column vector that
// depends on the sample: one matrix-matrix product over the batch.
template <class Op, class L, class R, class Data>
inline constexpr bool uses_gemm_v =
    std::is_same_v<Op, matrix_product_op> && !batched_v<L, Data> && batched_v<R, Data> && R::dims.cols == 1;

template <int Order, class T>
using gemm_blocking =
    Eigen::internal::gemm_blocking_space<Order, T, T, Eigen::Dynamic, Eigen::Dynamic, Eigen::Dynamic, 1, false>;

// The packing buffers of one rows x cols x depth product (cols or depth the
// largest batch), allocated here, once; a smaller batch uses a part of them.
template <int Order, class T>
std::unique_ptr<gemm_blocking<Order, T>> make_blocking(std::size_t rows, std::size_t cols, std::size_t depth) {
  auto blocking =
      std::make_unique<gemm_blocking<Order, T>>(Eigen::Index(rows), Eigen::Index(cols), Eigen::Index(depth), 1, true);
  blocking->allocateAll();
  return blocking;
}

// result += lhs * rhs on raw storage, with Eigen's GEMM kernel on one thread;
// each stride is the leading dimension of its operand's storage order.
template <int LhsOrder, int RhsOrder, int ResultOrder, class T>
void add_product(std::size_t rows, std::size_t cols, std::size_t depth, const T* lhs, std::size_t lhs_stride,
                 const T* rhs, std::size_t rhs_stride, T* result, std::size_t result_stride,
                 gemm_blocking<ResultOrder, T>& blocking) {
  using Index = Eigen::Index;
  Eigen::internal::general_matrix_matrix_product<Index, T, LhsOrder, false, T, RhsOrder, false, ResultOrder, 1>::run(
      Index(rows), Index(cols), Index(depth), lhs, Index(lhs_stride), rhs, Index(rhs_stride), result, 1,
      Index(result_stride), T(1), blocking, nullptr);
}

// The three products of W x over a batch, for W of shape m x k: the value
// (m x n), W's adjoint (m x k, row-major like W) and x's adjoint (k x n).
template <class T>
struct product_blockings {
  std::unique_ptr<gemm_blocking<Eigen::ColMajor, T>> value, right_adjoint;
  std::unique_ptr<gemm_blocking<Eigen::RowMajor, T>> left_adjoint;
  product_blockings(shape left, std::size_t largest_batch)
      : value(make_blocking<Eigen::ColMajor, T>(left.rows, largest_batch, left.cols)),
        right_adjoint(make_blocking<Eigen::ColMajor, T>(left.cols, largest_batch, left.rows)),
        left_adjoint(make_blocking<Eigen::RowMajor, T>(left.rows, left.cols, largest_batch)) {}
};
struct no_blockings {
  no_blockings(shape, std::size_t) {}
};

// Elementwise functions with a vectorised counterpart in Eigen, applied to
// all samples of a batch in one pass (the per-sample loop calls libm's exp
// once per element).
template <class Op>
struct vectorised_function {};
template <>
struct vectorised_function<elementwise_op<sigmoid_op>> {
  static auto apply(const auto& values) { return values.logistic(); }
};
template <>
struct vectorised_function<elementwise_op<exp_op>> {
  static auto apply(const auto& values) { return values.exp(); }
};
template <>
struct vectorised_function<elementwise_op<tanh_op>> {
  static auto apply(const auto& values) { return values.tanh(); }
};

template <class Op>
inline constexpr bool is_vectorised_v = requires(const Eigen::ArrayXd& values) {
  vectorised_function<Op>::apply(values);
};

// A node's values and adjoints: one tensor of its shape, or one per sample of
// the largest batch if it depends on the sample.
template <class T, class E, class Data>
struct batch_values {
  static constexpr std::size_t samples_per_node(std::size_t largest_batch) {
    return batched_v<E, Data> ? largest_batch : 1;
  }
  std::vector<T> values, adjoint;
  explicit batch_values(std::size_t largest_batch)
      : values(E::dims.size() * samples_per_node(largest_batch)),
        adjoint(E::dims.size() * samples_per_node(largest_batch)) {}
};

// A symbol: where its bound values are, or the number bound to it (a scalar symbol).
template <class T, class E, class Data>
struct batch_state {
  const T* values = nullptr;
  T number{};
  explicit batch_state(std::size_t) {}
};

template <class T, class Op, class A, class Data>
struct batch_state<T, tensor_unary<Op, A>, Data> : batch_values<T, tensor_unary<Op, A>, Data> {
  batch_state<T, A, Data> argument;
  explicit batch_state(std::size_t largest_batch)
      : batch_values<T, tensor_unary<Op, A>, Data>(largest_batch), argument(largest_batch) {}
};

template <class T, class Op, class L, class R, class Data>
struct batch_state<T, tensor_binary<Op, L, R>, Data> : batch_values<T, tensor_binary<Op, L, R>, Data> {
  static constexpr std::size_t kept_size = [] {
    if constexpr (requires { Op::kept(L::dims, R::dims); }) {
      return Op::kept(L::dims, R::dims).size();
    } else {
      return std::size_t(0);
    }
  }();
  std::vector<T> kept;
  [[no_unique_address]] std::conditional_t<uses_gemm_v<Op, L, R, Data>, product_blockings<T>, no_blockings> blockings;
  batch_state<T, L, Data> left;
  batch_state<T, R, Data> right;
  explicit batch_state(std::size_t largest_batch)
      : batch_values<T, tensor_binary<Op, L, R>, Data>(largest_batch),
        kept(kept_size * this->samples_per_node(largest_batch)),
        blockings(L::dims, largest_batch),
        left(largest_batch),
        right(largest_batch) {}
};

template <class E, class Data, class T>
const T* values_of(const batch_state<T, E, Data>& state) {
  if constexpr (is_tensor_symbol_v<E>) {
    return state.values;
  } else {
    return state.values.data();
  }
}

// Sample j's slice of a node's storage; a node that does not depend on the
// sample has one slice, the same for every j.
template <class E, class Data, class T>
tensor_view<T, E::dims> sample_view(T* base, std::size_t j) {
  return {base + (batched_v<E, Data> ? j * E::dims.size() : 0)};
}

template <class E, class Data>
std::size_t slices(std::size_t count) {
  return batched_v<E, Data> ? count : 1;
}

template <class E, class Data, class B, class T>
void forward_batch(const E& e, const B& b, batch_state<T, E, Data>& state, std::size_t count) {
  if constexpr (is_tensor_symbol_v<E>) {
    state.values = bound_tensor_values<E::name>(b, state.number);
  } else if constexpr (is_tensor_unary_v<E>) {
    using A = typename E::argument_type;
    using Op = std::remove_cvref_t<decltype(e.operation)>;
    forward_batch(e.argument, b, state.argument, count);
    if constexpr (batched_v<E, Data> && is_vectorised_v<Op>) {
      using array = Eigen::Array<T, Eigen::Dynamic, 1>;
      const auto size = Eigen::Index(E::dims.size() * count);
      Eigen::Map<array>(state.values.data(), size) =
          vectorised_function<Op>::apply(Eigen::Map<const array>(values_of(state.argument), size));
    } else {
      for (std::size_t j = 0; j != slices<E, Data>(count); ++j)
        e.operation.forward(sample_view<A, Data>(values_of(state.argument), j),
                            sample_view<E, Data>(state.values.data(), j));
    }
  } else {
    using L = typename E::left_type;
    using R = typename E::right_type;
    using Op = std::remove_cvref_t<decltype(e.operation)>;
    forward_batch(e.left, b, state.left, count);
    forward_batch(e.right, b, state.right, count);
    if constexpr (uses_gemm_v<Op, L, R, Data>) {
      constexpr std::size_t m = L::dims.rows, k = L::dims.cols;
      std::fill_n(state.values.data(), m * count, T(0));
      add_product<Eigen::RowMajor, Eigen::ColMajor, Eigen::ColMajor>(m, count, k, values_of(state.left), k,
                                                                     values_of(state.right), k, state.values.data(), m,
                                                                     *state.blockings.value);
    } else {
      for (std::size_t j = 0; j != slices<E, Data>(count); ++j) {
        auto forward = [&](auto... kept) {
          e.operation.forward(sample_view<L, Data>(values_of(state.left), j),
                              sample_view<R, Data>(values_of(state.right), j),
                              sample_view<E, Data>(state.values.data(), j), kept...);
        };
        if constexpr (std::remove_reference_t<decltype(state)>::kept_size != 0) {
          forward(
              tensor_view<T, Op::kept(L::dims, R::dims)>{state.kept.data() + j * Op::kept(L::dims, R::dims).size()});
        } else {
          forward();
        }
      }
    }
  }
}

// Where the adjoint of an argument goes: a parameter of W adds into its slice
// of the flat gradient; an inner node gets its own adjoint storage, cleared.
template <class W, class E, class Data, class T>
T* batch_adjoint_target(batch_state<T, E, Data>& state, T* gradient, std::size_t count) {
  if constexpr (is_tensor_symbol_v<E>) {
    return gradient + flat_offset_v<W, E>;
  } else {
    std::fill_n(state.adjoint.data(), E::dims.size() * slices<E, Data>(count), T(0));
    return state.adjoint.data();
  }
}

// Whether an argument's adjoint is the node's own, read where it is: a
// partial of 1 (the left of a sum) between nodes that both depend on the
// sample, or both not.
template <class E, class A, class Data, bool PartialIsOne>
inline constexpr bool shares_adjoint_v =
    PartialIsOne && !is_tensor_symbol_v<A> && batched_v<A, Data> == batched_v<E, Data>;

// A binary node's operand on side Side (0: left, 1: right), and its state.
template <std::size_t Side, class Node>
constexpr auto& operand_of(Node& node) {
  if constexpr (Side == 0) {
    return node.left;
  } else {
    return node.right;
  }
}

template <class W, class E, class Data, class T>
void backward_batch(const E& e, batch_state<T, E, Data>& state, T* adjoint, T* gradient, std::size_t count);

// Passes a binary node's adjoint on to its operand on side Side, if that
// holds a parameter: by one matrix-matrix product for a weight matrix times a
// per-sample vector, else sample by sample through the operation's
// backward_left (backward_right), with what it kept from the forward pass.
template <std::size_t Side, class W, class E, class Data, class T>
void backward_operand(const E& e, batch_state<T, E, Data>& state, T* adjoint, T* gradient, std::size_t count) {
  using L = typename E::left_type;
  using R = typename E::right_type;
  using A = std::remove_cvref_t<decltype(operand_of<Side>(e))>;
  using Op = std::remove_cvref_t<decltype(e.operation)>;
  if constexpr (contains_any_v<A, W>) {
    constexpr bool partial_is_one = Side == 0 ? passes_adjoint_left_v<Op> : passes_adjoint_right_v<Op>;
    auto& operand_state = operand_of<Side>(state);
    if constexpr (shares_adjoint_v<E, A, Data, partial_is_one>) {
      backward_batch<W>(operand_of<Side>(e), operand_state, adjoint, gradient, count);
    } else {
      T* target = batch_adjoint_target<W>(operand_state, gradient, count);
      if constexpr (uses_gemm_v<Op, L, R, Data>) {
        constexpr std::size_t m = L::dims.rows, k = L::dims.cols;
        if constexpr (Side == 0) {
          // dW += adjoint * x^T: (m x n) times (n x k), into W's row-major storage.
          add_product<Eigen::ColMajor, Eigen::RowMajor, Eigen::RowMajor>(
              m, k, count, adjoint, m, values_of(state.right), k, target, k, *state.blockings.left_adjoint);
        } else {
          // dx += W^T * adjoint: (k x m) times (m x n); W^T is W's storage read column-major.
          add_product<Eigen::ColMajor, Eigen::ColMajor, Eigen::ColMajor>(k, count, m, values_of(state.left), k, adjoint,
                                                                         m, target, k, *state.blockings.right_adjoint);
        }
      } else {
        for (std::size_t j = 0; j != slices<E, Data>(count); ++j) {
          auto call = [&](auto... kept) {
            const auto left = sample_view<L, Data>(values_of(state.left), j);
            const auto right = sample_view<R, Data>(values_of(state.right), j);
            const auto out = sample_view<E, Data>(values_of(state), j);
            const auto node_adjoint = sample_view<E, Data>(adjoint, j);
            const auto operand_adjoint = sample_view<A, Data>(target, j);
            if constexpr (Side == 0) {
              e.operation.backward_left(left, right, out, node_adjoint, operand_adjoint, kept...);
            } else {
              e.operation.backward_right(left, right, out, node_adjoint, operand_adjoint, kept...);
            }
          };
          if constexpr (std::remove_reference_t<decltype(state)>::kept_size != 0) {
            call(tensor_view<T, Op::kept(L::dims, R::dims)>{state.kept.data() + j * Op::kept(L::dims, R::dims).size()});
          } else {
            call();
          }
        }
      }
      backward_batch<W>(operand_of<Side>(e), operand_state, target, gradient, count);
    }
  }
}

template <class W, class E, class Data, class T>
void backward_batch(const E& e, batch_state<T, E, Data>& state, T* adjoint, T* gradient, std::size_t count) {
  if constexpr (is_tensor_unary_v<E>) {
    using A = typename E::argument_type;
    if constexpr (contains_any_v<A, W>) {
      T* target = batch_adjoint_target<W>(state.argument, gradient, count);
      for (std::size_t j = 0; j != slices<E, Data>(count); ++j)
        e.operation.backward(sample_view<A, Data>(values_of(state.argument), j),
                             sample_view<E, Data>(values_of(state), j), sample_view<E, Data>(adjoint, j),
                             sample_view<A, Data>(target, j));
      backward_batch<W>(e.argument, state.argument, target, gradient, count);
    }
  } else if constexpr (!is_tensor_symbol_v<E>) {
    backward_operand<0, W>(e, state, adjoint, gradient, count);
    backward_operand<1, W>(e, state, adjoint, gradient, count);
  }
}

template <class W, class Data>
inline constexpr bool disjoint_v = false;
template <class... Symbols, class Data>
inline constexpr bool disjoint_v<wrt_list<Symbols...>, Data> = !(contains_any_v<Symbols, Data> || ...);

template <class Bound>
inline constexpr bool is_sample_batch_v = false;
template <class T, shape S>
inline constexpr bool is_sample_batch_v<sample_batch<T, S>> = true;

// Instantiated with the symbol's name, so that the compiler's line names it.
template <fixed_string Name, class Bound>
constexpr void require_samples_bound() {
  static_assert(is_sample_batch_v<Bound>,
                "ctdiff: a per-sample symbol of a batch is bound to its samples with samples(x, values)");
}

// The number of samples bound to the per-sample symbols, the same for each.
template <class B, class... Data>
std::size_t batch_size(const B& b, wrt_list<Data...>) {
  if constexpr (!(is_sample_batch_v<bound_t<B, Data::name>> && ...)) {
    (require_samples_bound<Data::name, bound_t<B, Data::name>>(), ...);
    return 0;  // the message above stays the only error
  } else {
    const std::size_t counts[] = {bound_value<Data::name>(b).count...};
    for (std::size_t count : counts) {
      if (count != counts[0]) {
        throw std::invalid_argument(
            "ctdiff: the per-sample symbols of a batch are bound to different numbers of samples");
      }
    }
    return counts[0];
  }
}

}  // namespace detail

// What a batch needs besides its bindings: every node's values and adjoints
// for the largest batch, and the GEMM kernel's buffers. Make it once (with
// make_batch_workspace) and pass it to every batch: no evaluation allocates.
template <class T, class E, class Data>
class batch_workspace {
 public:
  using expression_type = std::remove_cv_t<E>;
  using data_list = Data;

  explicit batch_workspace(std::size_t largest_batch) : largest_batch_(largest_batch), root_(largest_batch) {}

  [[nodiscard]] std::size_t largest_batch() const { return largest_batch_; }

  // Binds, checks the batch's size and runs the forward pass: the number of samples.
  template <class B>
  std::size_t forward(const expression_type& e, const B& b) {
    const std::size_t count = detail::batch_size(b, Data{});
    if (count > largest_batch_) {
      throw std::length_error("ctdiff: a batch of " + std::to_string(count) +
                              " samples in a workspace made for at most " + std::to_string(largest_batch_));
    }
    detail::forward_batch(e, b, root_, count);
    return count;
  }

  detail::batch_state<T, expression_type, Data>& root() { return root_; }

 private:
  std::size_t largest_batch_;
  detail::batch_state<T, expression_type, Data> root_;
};

// make_batch_workspace<double>(loss, per_sample(x, y), 128): a workspace for
// batches of up to 128 samples.
template <class T, TensorExpression E, class... Data>
batch_workspace<T, E, wrt_list<Data...>> make_batch_workspace(const E&, wrt_list<Data...>, std::size_t largest_batch) {
  static_assert(std::is_floating_point_v<T>, "ctdiff: make_batch_workspace<T>: T is the element type, double or float");
  return batch_workspace<T, E, wrt_list<Data...>>(largest_batch);
}

// Each sample's value of e (rows*cols values a sample, sample after sample),
// a view into the workspace valid until its next use.
template <TensorExpression E, Bindings B, class T, class Data>
std::span<const T> eval_samples(const E& e, const B& b, batch_workspace<T, E, Data>& state) {
  const std::size_t count = state.forward(e, b);
  return {detail::values_of(state.root()), E::dims.size() * detail::slices<E, Data>(count)};
}

// The loss of a batch: the sum over its samples of e, a 1x1 per-sample loss.
template <TensorExpression E, Bindings B, class T, class Data>
T eval(const E& e, const B& b, batch_workspace<T, E, Data>& state) {
  static_assert(E::dims == shape{1, 1}, "ctdiff: eval over a batch sums a 1x1 loss; eval_samples gives other values");
  T total = T(0);
  for (T value : eval_samples(e, b, state)) total += value;
  return total;
}

// Returns weight times the batch's loss (the sum of the per-sample losses;
// weight 1/n: their mean) and adds its gradient into the flat gradient (the
// layout of wrt(...)), with no allocation.
template <TensorExpression E, class W, Bindings B, class T, class Data>
T add_gradient(const tensor_gradient_expression<E, W>& g, const B& b, batch_workspace<T, E, Data>& state,
               std::span<T> gradient, T weight = T(1)) {
  static_assert(!is_tensor_symbol_v<E>, "ctdiff: the loss of a batch is an expression, not a symbol");
  static_assert(detail::disjoint_v<W, Data>,
                "ctdiff: a per-sample symbol cannot be in wrt(...): the gradient is taken with respect to parameters");
  if (gradient.size() != flat_size_v<W>) {
    throw std::length_error("ctdiff: the gradient span has " + std::to_string(gradient.size()) +
                            " values; the tensors of wrt(...) have " + std::to_string(flat_size_v<W>));
  }
  const std::size_t count = state.forward(g.expression, b);
  auto& root = state.root();
  constexpr bool batched = detail::batched_v<E, Data>;
  const T seed = batched ? weight : weight * T(count);
  std::fill_n(root.adjoint.data(), detail::slices<E, Data>(count), seed);
  detail::backward_batch<W>(g.expression, root, root.adjoint.data(), gradient.data(), count);
  T total = T(0);
  for (std::size_t j = 0; j != detail::slices<E, Data>(count); ++j) total += root.values[j];
  return batched ? weight * total : seed * total;
}

// ---------------------------------------------------------------------------
// Training: fit and predict
// ---------------------------------------------------------------------------

// The starting values of tensor parameters, params(W1 = w1, b1 = b1_init),
// copied into one flat array in the order given (each row-major): the layout
// of gradient(loss, wrt(W1, b1)).
template <class W, class T>
struct tensor_parameter_list {
  std::vector<T> initial;
};

namespace detail {

// A parameter of a tensor model: a tensor's storage, or a number for a scalar
// symbol (lambda = 0.1), a 1x1 tensor of the tensors' element type.
template <class Bound>
struct tensor_parameter {
  static constexpr bool valid = false;
};
template <class T, shape S>
struct tensor_parameter<tensor_view<const T, S>> {
  static constexpr bool valid = true, is_tensor = true;
  static constexpr shape dims = S;
  using element_type = T;
};
template <Number N>
struct tensor_parameter<N> {
  static constexpr bool valid = true, is_tensor = false;
  static constexpr shape dims{1, 1};
  using element_type = void;
};

// The element type of the first tensor parameter.
template <class First, class... Rest>
auto first_tensor_element() {
  if constexpr (tensor_parameter<First>::is_tensor || sizeof...(Rest) == 0) {
    return std::type_identity<typename tensor_parameter<First>::element_type>{};
  } else {
    return first_tensor_element<Rest...>();
  }
}

template <class T, class Bound>
void append_parameter(std::vector<T>& flat, const Bound& value) {
  if constexpr (tensor_parameter<Bound>::is_tensor) {
    static_assert(std::is_same_v<typename Bound::value_type, T>,
                  "ctdiff: the tensor parameters of params(...) share one element type");
    flat.insert(flat.end(), value.begin(), value.end());
  } else {
    flat.push_back(static_cast<T>(value));
  }
}

}  // namespace detail

// params(W1 = w1, b1 = b1_init, lambda = 0.1): tensors and scalar symbols, at
// least one tensor (params of scalars only is scalar fit's, in train.hpp).
template <fixed_string... Names, class... Bound>
requires(detail::tensor_parameter<Bound>::valid&&...) &&
    (detail::tensor_parameter<Bound>::is_tensor || ...) auto params(binding<Names, Bound>... values) {
  using T = typename decltype(detail::first_tensor_element<Bound...>())::type;
  static_assert(detail::all_distinct<Names...>(), "ctdiff: a symbol is bound twice in params(...)");
  tensor_parameter_list<wrt_list<tensor_symbol<Names, detail::tensor_parameter<Bound>::dims>...>, T> list;
  list.initial.reserve((detail::tensor_parameter<Bound>::dims.size() + ...));
  (detail::append_parameter(list.initial, values.value), ...);
  return list;
}

// The training samples of a tensor model: data(samples(x, X), samples(y, Y)),
// each per-sample symbol bound to all samples, one after the other.
template <class... DataBindings>
struct sample_data {
  bindings<DataBindings...> columns;
  std::size_t size;
};

template <fixed_string... Names, class... Ts, shape... Shapes>
auto data(binding<Names, sample_batch<const Ts, Shapes>>... columns) {
  static_assert(sizeof...(Names) > 0, "ctdiff: data(...) needs at least one per-sample symbol");
  static_assert(detail::all_distinct<Names...>(), "ctdiff: a symbol is bound twice in data(...)");
  const auto all = at(columns...);
  return sample_data<binding<Names, sample_batch<const Ts, Shapes>>...>{
      all, detail::batch_size(all, per_sample(tensor_symbol<Names, Shapes>{}...))};
}

// The fitted parameters, flat in the order of params(...) (result[W1] is W1's
// view into them), beside the training record of scalar fit.
template <class W, class T>
struct tensor_fit_result : training_result<T> {
  std::vector<T> flat;

  // result[W1]: a view of W1's fitted values; result[lambda]: a scalar parameter's value.
  template <class Symbol>
  auto operator[](Symbol symbol) const -> decltype(tensors_in(W{}, std::span<const T>())[symbol]) {
    return tensors_in(W{}, std::span<const T>(flat))[symbol];
  }
};

namespace detail {

// At most this many samples go through the workspace at once; a longer list
// of samples is summed piece after piece, in order.
inline constexpr std::size_t largest_fit_piece = 256;

// Runs samples, given by index into the data, through the workspace piece by
// piece: a piece of consecutive indices is bound where it is, any other is
// first copied into buffers of the workspace's size (made once, here).
template <class E, class T, class... DataBindings>
class sample_pieces;

template <class E, class T, fixed_string... Names, class... Ts, shape... Shapes>
class sample_pieces<E, T, binding<Names, sample_batch<const Ts, Shapes>>...> {
 public:
  using data_type = sample_data<binding<Names, sample_batch<const Ts, Shapes>>...>;
  using data_list = wrt_list<tensor_symbol<Names, Shapes>...>;

  sample_pieces(const data_type& samples, std::size_t largest)
      : samples_(&samples), workspace_(largest), buffers_{std::vector<T>(Shapes.size() * largest)...} {}
  sample_pieces(const sample_pieces& other) : sample_pieces(*other.samples_, other.workspace_.largest_batch()) {}
  sample_pieces& operator=(const sample_pieces&) = delete;

  // Calls step(data bindings, workspace) for each piece of `indices`.
  template <class Step>
  void for_each_piece(std::span<const std::size_t> indices, Step step) {
    const std::size_t largest = workspace_.largest_batch();
    for (std::size_t first = 0; first < indices.size(); first += largest) {
      const auto piece = indices.subspan(first, std::min(largest, indices.size() - first));
      step(bind(piece, std::index_sequence_for<Ts...>{}), workspace_);
    }
  }

 private:
  template <std::size_t... K>
  auto bind(std::span<const std::size_t> piece, std::index_sequence<K...>) {
    const bool consecutive =
        piece.back() - piece.front() + 1 == piece.size() && std::is_sorted(piece.begin(), piece.end());
    return at(bind_one<Names, Shapes, K>(piece, consecutive)...);
  }

  template <fixed_string Name, shape S, std::size_t K>
  binding<Name, sample_batch<const T, S>> bind_one(std::span<const std::size_t> piece, bool consecutive) {
    const T* const all = bound_value<Name>(samples_->columns).values;
    if (consecutive) return {{all + S.size() * piece.front(), piece.size()}};
    T* const buffer = buffers_[K].data();
    for (std::size_t j = 0; j != piece.size(); ++j)
      std::copy_n(all + S.size() * piece[j], S.size(), buffer + S.size() * j);
    return {{buffer, piece.size()}};
  }

  const data_type* samples_;
  batch_workspace<T, E, data_list> workspace_;
  std::array<std::vector<T>, sizeof...(Names)> buffers_;
};

// The objective minimize() calls: the summed loss of the samples and their
// summed gradient, a piece of samples at a time. A copy (one per thread) has
// a workspace of its own and reads the same flat parameters.
template <class E, class W, class T, class Data>
class batch_objective;

template <class E, class W, class T, class... DataBindings>
class batch_objective<E, W, T, sample_data<DataBindings...>> {
 public:
  batch_objective(const E& loss, std::span<const T> parameters, const sample_data<DataBindings...>& samples)
      : loss_(loss),
        parameters_(tensors_in(W{}, parameters).bindings()),
        pieces_(samples, std::min(samples.size, largest_fit_piece)) {}

  T operator()(std::span<const std::size_t> indices, std::span<T> gradient) {
    T total = T(0);
    pieces_.for_each_piece(indices, [&](const auto& piece, auto& workspace) {
      const auto b = combine(parameters_, piece);
      total += gradient.empty() ? eval(loss_, b, workspace)
                                : add_gradient(ctdiff::gradient(loss_, W{}), b, workspace, gradient);
    });
    return total;
  }

 private:
  E loss_;
  decltype(tensors_in(W{}, std::span<const T>()).bindings()) parameters_;
  sample_pieces<E, T, DataBindings...> pieces_;
};

}  // namespace detail

// Fits tensor parameters to minimize the mean of a per-sample loss over the
// samples, by options.method, with every option of scalar fit (mini-batches,
// shuffling, tolerances, progress, callback, threads). Each batch's gradient
// is the batch evaluation above.
template <TensorExpression Loss, class W, class T, class... DataBindings>
tensor_fit_result<W, T> fit(const Loss& loss, const tensor_parameter_list<W, T>& parameters,
                            const sample_data<DataBindings...>& samples, const options& o = {}) {
  static_assert(Loss::dims == shape{1, 1}, "ctdiff: fit minimizes a 1x1 per-sample loss");
  tensor_fit_result<W, T> result{{}, parameters.initial};
  detail::batch_objective<std::remove_cv_t<Loss>, W, T, sample_data<DataBindings...>> objective(
      loss, std::span<const T>(result.flat), samples);
  static_cast<training_result<T>&>(result) = minimize(objective, result.flat, samples.size, o);
  return result;
}

// The value of `model` for every sample (rows*cols values a sample, sample
// after sample), with fitted parameters.
template <TensorExpression Model, class W, class T, class... DataBindings>
std::vector<T> predict(const Model& model, const tensor_fit_result<W, T>& parameters,
                       const sample_data<DataBindings...>& samples) {
  const auto parameter_bindings = tensors_in(W{}, std::span<const T>(parameters.flat)).bindings();
  detail::sample_pieces<std::remove_cv_t<Model>, T, DataBindings...> pieces(
      samples, std::min(samples.size, detail::largest_fit_piece));
  std::vector<T> values;
  values.reserve(Model::dims.size() * samples.size);
  std::vector<std::size_t> indices(samples.size);
  std::iota(indices.begin(), indices.end(), std::size_t(0));
  pieces.for_each_piece(indices, [&](const auto& piece, auto& workspace) {
    const auto piece_values = eval_samples(model, combine(parameter_bindings, piece), workspace);
    values.insert(values.end(), piece_values.begin(), piece_values.end());
  });
  return values;
}

}  // namespace ctdiff
