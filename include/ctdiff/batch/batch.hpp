// Batches of samples through a tensor model. The model is written for one
// sample, as for add_gradient: `cross_entropy(W2 * sigmoid(W1 * x + b1) + b2, y)`
// with x and y vectors whose sizes are compile-time and checked. A batch binds
// n samples to each per-sample symbol at once, n known only at run time, so
// one compiled model takes a mini-batch of 32, the last batch of 7 and the
// whole data set. The loss of a batch is the sum over its samples of the
// per-sample loss (times a weight: 1/n gives the mean), so its gradient is the
// sum of the per-sample gradients.
//
// The model is laid out by its schedule (schedule.hpp) and walked by the
// walk of one sample (engine/detail/walk.hpp) on batch storage (batch_storage): a
// subexpression used twice is computed once per batch, and its adjoint,
// summed over its uses, is passed on once. Every entry that depends on a
// per-sample symbol holds the values of all n samples, one after the other
// (a column vector's: a column-major rows x n matrix). A weight matrix times such a node is one matrix-matrix product,
// and so are its two adjoints, computed by Eigen's cache-blocked, vectorised GEMM kernel (compile with -march=native or
// -mavx2 -mfma for its full speed); every other operation runs sample by sample through the per-sample operation of
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
#include <boost/hana/filter.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cstddef>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/engine/detail/walk.hpp>
#include <ctdiff/fit/fit.hpp>
#include <ctdiff/io/csv.hpp>
#include <ctdiff/tensor.hpp>
#include <ctdiff/tensor/detail/storage.hpp>
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
template <class Node, class Data>
inline constexpr bool uses_gemm_v = false;
template <class L, class R, class Data>
inline constexpr bool uses_gemm_v<tensor_binary<matrix_product_op, L, R>, Data> =
    !batched_v<L, Data> && batched_v<R, Data> && R::dims.cols == 1;

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

// Elementwise functions with a vectorised counterpart in Eigen, applied to
// all samples of a batch in one pass (the per-sample loop calls libm's exp
// once per element): exp, log, and sigmoid. Eigen's logistic of doubles is the
// scalar core's formula 1/(1 + e^−x) on its vectorised exp; of floats it
// takes e^x below −9 (thousands of ulps from the formula), so floats take
// the formula written out. Not Eigen's tanh: a rational approximation for
// float (5 ulp), and libm's own for double.
template <class Op>
struct vectorised_function {};
template <>
struct vectorised_function<elementwise_op<sigmoid_op>> {
  template <class Values>
  static auto apply(const Values& values) {
    if constexpr (std::is_same_v<typename Values::Scalar, double>) {
      return values.logistic();
    } else {
      return (1 + (-values).exp()).inverse();
    }
  }
};
template <>
struct vectorised_function<elementwise_op<exp_op>> {
  static auto apply(const auto& values) { return values.exp(); }
};
template <>
struct vectorised_function<elementwise_op<log_op>> {
  static auto apply(const auto& values) { return values.log(); }
};

template <class Op>
inline constexpr bool is_vectorised_v = requires(const Eigen::ArrayXd& values) {
  vectorised_function<Op>::apply(values);
};

// A batch's storage: an entry that depends on the sample holds the values of
// all n samples, one after the other (a column vector's: a column-major
// rows x n matrix); any other, one block for all. A weight matrix times a
// column vector that depends on the sample is one matrix-matrix product, and
// so are its two adjoints; elementwise exp and sigmoid run over all
// samples in one vectorised pass; every other operation sample by sample.
template <class Data>
struct batch_storage : sample_by_sample<batch_storage<Data>> {
  using per_sample = sample_by_sample<batch_storage>;
  template <class Node>
  static constexpr bool batched = batched_v<Node, Data>;
  template <class T, std::size_t>
  using buffer = std::vector<T>;
  template <class T, class Node>
  using operation_buffers = std::conditional_t<uses_gemm_v<Node, Data>, product_blockings<T>, no_storage<Node>>;
  template <shape Dims, class T>
  static tensor_view<T, Dims> view(T* values) {
    return {values};
  }

  template <class Node, class Op, class T, class Slot>
  static void forward_unary(const Op& operation, const T* argument, Slot& slot, std::size_t count) {
    if constexpr (batched<Node> && is_vectorised_v<Op>) {
      using array = Eigen::Array<T, Eigen::Dynamic, 1>;
      const auto size = Eigen::Index(Node::dims.size() * count);
      Eigen::Map<array>(slot.values.data(), size) =
          vectorised_function<Op>::apply(Eigen::Map<const array>(argument, size));
    } else {
      per_sample::template forward_unary<Node>(operation, argument, slot, count);
    }
  }

  template <class Node, class Op, class T, class Slot>
  static void forward_binary(const Op& operation, const T* left, const T* right, Slot& slot, std::size_t count) {
    if constexpr (uses_gemm_v<Node, Data>) {
      constexpr std::size_t m = operand_t<Node, 0>::dims.rows, k = operand_t<Node, 0>::dims.cols;
      std::fill_n(slot.values.data(), m * count, T(0));
      add_product<Eigen::RowMajor, Eigen::ColMajor, Eigen::ColMajor>(m, count, k, left, k, right, k, slot.values.data(),
                                                                     m, *slot.operation_buffers.value);
    } else {
      per_sample::template forward_binary<Node>(operation, left, right, slot, count);
    }
  }

  template <class Node, std::size_t Operand, class Op, class T, class Slot>
  static void backward_binary(const Op& operation, const T* left, const T* right, Slot& slot, const T* adjoint,
                              T* target, std::size_t count) {
    if constexpr (!uses_gemm_v<Node, Data>) {
      per_sample::template backward_binary<Node, Operand>(operation, left, right, slot, adjoint, target, count);
    } else {
      constexpr std::size_t m = operand_t<Node, 0>::dims.rows, k = operand_t<Node, 0>::dims.cols;
      if constexpr (Operand == 0) {
        // dW += adjoint * x^T: (m x n) times (n x k), into W's row-major storage.
        add_product<Eigen::ColMajor, Eigen::RowMajor, Eigen::RowMajor>(m, k, count, adjoint, m, right, k, target, k,
                                                                       *slot.operation_buffers.left_adjoint);
      } else {
        // dx += W^T * adjoint: (k x m) times (m x n); W^T is W's storage read column-major.
        add_product<Eigen::ColMajor, Eigen::ColMajor, Eigen::ColMajor>(k, count, m, left, k, adjoint, m, target, k,
                                                                       *slot.operation_buffers.right_adjoint);
      }
    }
  }
};

template <class T, class E, class Data>
using batch_slots_t = schedule_storage_t<T, E, batch_storage<Data>>;

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

  explicit batch_workspace(std::size_t largest_batch) : largest_batch_(largest_batch), slots_(largest_batch) {}

  [[nodiscard]] std::size_t largest_batch() const { return largest_batch_; }

  // Binds, checks the batch's size and runs the forward pass: the number of samples.
  template <class B>
  std::size_t forward(const expression_type& e, const B& b) {
    const std::size_t count = detail::batch_size(b, Data{});
    if (count > largest_batch_) {
      throw std::length_error("ctdiff: a batch of " + std::to_string(count) +
                              " samples in a workspace made for at most " + std::to_string(largest_batch_));
    }
    detail::forward_pass(e, b, slots_, count);
    return count;
  }

  detail::batch_slots_t<T, expression_type, Data>& slots() { return slots_; }

 private:
  std::size_t largest_batch_;
  detail::batch_slots_t<T, expression_type, Data> slots_;
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
  return {state.slots().values_of(detail::index_c<schedule<E>::size - 1>),
          E::dims.size() * detail::slices<detail::batch_storage<Data>, E>(count)};
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
  constexpr std::size_t root = schedule<E>::size - 1;
  constexpr bool batched = detail::batched_v<E, Data>;
  const T seed = batched ? weight : weight * T(count);
  T* flat = gradient.data();
  detail::reverse_sweep<W, E>(state.slots(), flat, count, seed);
  const T* values = state.slots().values_of(detail::index_c<root>);
  T total = T(0);
  for (std::size_t j = 0; j != detail::slices<detail::batch_storage<Data>, E>(count); ++j) total += values[j];
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

// The training samples of a tensor model: data(samples(x, X), samples(y, Y),
// lambda = 1e-3), each per-sample symbol bound to all samples, one after the
// other, and each constant (a number bound to a scalar symbol) the same for
// every sample: held fixed by fit, where params(...) would train it.
template <class Columns, class Constants>
struct sample_data {
  Columns columns;      // the per-sample symbols' bindings
  Constants constants;  // the constants' bindings
  std::size_t size;
};

namespace detail {

// What a tensor model's data(...) takes: a per-sample symbol's samples or a constant.
template <class Entry>
struct sample_entry {
  static constexpr bool valid = false;
};
template <fixed_string Name, class T, shape S>
struct sample_entry<binding<Name, sample_batch<const T, S>>> {
  static constexpr bool valid = true, is_column = true;
  static constexpr fixed_string name = Name;
};
template <fixed_string Name, Number N>
struct sample_entry<binding<Name, N>> {
  static constexpr bool valid = true, is_column = false;
  static constexpr fixed_string name = Name;
};

// The per-sample symbols (Columns true) or the constants of data(...), as one bindings object.
template <bool Columns, class... Entries>
auto bindings_where(const Entries&... entries) {
  const auto kept = boost::hana::filter(boost::hana::make_tuple(entries...), []<class Entry>(const Entry&) {
    return boost::hana::bool_c<sample_entry<Entry>::is_column == Columns>;
  });
  return boost::hana::unpack(kept, [](const auto&... bound) { return at(bound...); });
}

template <class Columns>
struct per_sample_symbols;
template <fixed_string... Names, class... Ts, shape... Shapes>
struct per_sample_symbols<bindings<binding<Names, sample_batch<const Ts, Shapes>>...>> {
  using type = wrt_list<tensor_symbol<Names, Shapes>...>;
};

}  // namespace detail

template <class... Entries>
requires(detail::sample_entry<Entries>::valid&&...) &&
    (detail::sample_entry<Entries>::is_column || ...) auto data(const Entries&... entries) {
  static_assert(detail::all_distinct<detail::sample_entry<Entries>::name...>(),
                "ctdiff: a symbol is bound twice in data(...)");
  auto columns = detail::bindings_where<true>(entries...);
  auto constants = detail::bindings_where<false>(entries...);
  const std::size_t size = detail::batch_size(columns, typename detail::per_sample_symbols<decltype(columns)>::type{});
  return sample_data<decltype(columns), decltype(constants)>{columns, constants, size};
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
template <class E, class T, class Columns>
class sample_pieces;

template <class E, class T, fixed_string... Names, class... Ts, shape... Shapes>
class sample_pieces<E, T, bindings<binding<Names, sample_batch<const Ts, Shapes>>...>> {
 public:
  using columns_type = bindings<binding<Names, sample_batch<const Ts, Shapes>>...>;
  using data_list = wrt_list<tensor_symbol<Names, Shapes>...>;

  sample_pieces(const columns_type& columns, std::size_t largest)
      : columns_(&columns), workspace_(largest), buffers_{std::vector<T>(Shapes.size() * largest)...} {}
  sample_pieces(const sample_pieces& other) : sample_pieces(*other.columns_, other.workspace_.largest_batch()) {}
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
    const T* const all = bound_value<Name>(*columns_).values;
    if (consecutive) return {{all + S.size() * piece.front(), piece.size()}};
    T* const buffer = buffers_[K].data();
    for (std::size_t j = 0; j != piece.size(); ++j)
      std::copy_n(all + S.size() * piece[j], S.size(), buffer + S.size() * j);
    return {{buffer, piece.size()}};
  }

  const columns_type* columns_;
  batch_workspace<T, E, data_list> workspace_;
  std::array<std::vector<T>, sizeof...(Names)> buffers_;
};

// What every sample of a fit or a prediction shares: the parameters, views
// into the flat array, and the constants of data(...).
template <class W, class T, class Columns, class Constants>
auto shared_bindings(std::span<const T> flat, const sample_data<Columns, Constants>& samples) {
  return combine(tensors_in(W{}, flat).bindings(), samples.constants);
}

// One message for each symbol of data(...) that is also a parameter, naming
// it; whether there is none.
template <class Parameters, fixed_string... Names, class... Ts>
constexpr bool report_parameters_in_data(std::type_identity<bindings<binding<Names, Ts>...>>) {
  (require_not_in_params_and_data<Names, is_bound_v<Parameters, Names>>(), ...);
  return !(is_bound_v<Parameters, Names> || ...);
}

template <class First, class Second>
using combined_t = decltype(combine(std::declval<First>(), std::declval<Second>()));

// Whether each symbol of E is bound once, as a parameter or in data(...). If
// not, the messages name each symbol bound twice, or else each one bound
// nowhere (Site's message), and the caller compiles nothing more.
template <class Site, class E, class W, class T, class Columns, class Constants>
constexpr bool fit_bindings_valid() {
  using parameters = decltype(tensors_in(W{}, std::span<const T>()).bindings());
  using data_bindings = combined_t<Columns, Constants>;
  if constexpr (!report_parameters_in_data<parameters>(std::type_identity<data_bindings>{})) {
    return false;
  } else if constexpr (all_bound_v<E, combined_t<parameters, data_bindings>>) {
    return true;
  } else {
    report_unbound_symbols<Site, combined_t<parameters, data_bindings>>(symbols_t<E>{});
    return false;
  }
}

// The objective minimize() calls: the summed loss of the samples and their
// summed gradient, a piece of samples at a time. A copy (one per thread) has
// a workspace of its own and reads the same flat parameters.
template <class E, class W, class T, class Data>
class batch_objective;

template <class E, class W, class T, class Columns, class Constants>
class batch_objective<E, W, T, sample_data<Columns, Constants>> {
 public:
  batch_objective(const E& loss, std::span<const T> parameters, const sample_data<Columns, Constants>& samples)
      : loss_(loss),
        shared_(shared_bindings<W>(parameters, samples)),
        pieces_(samples.columns, std::min(samples.size, largest_fit_piece)) {}

  T operator()(std::span<const std::size_t> indices, std::span<T> gradient) {
    T total = T(0);
    pieces_.for_each_piece(indices, [&](const auto& piece, auto& workspace) {
      const auto b = combine(shared_, piece);
      total += gradient.empty() ? eval(loss_, b, workspace)
                                : add_gradient(ctdiff::gradient(loss_, W{}), b, workspace, gradient);
    });
    return total;
  }

 private:
  E loss_;
  decltype(shared_bindings<W>(std::span<const T>(), std::declval<const sample_data<Columns, Constants>&>())) shared_;
  sample_pieces<E, T, Columns> pieces_;
};

}  // namespace detail

// Fits tensor parameters to minimize the mean of a per-sample loss over the
// samples, by options.method, with every option of scalar fit (mini-batches,
// shuffling, tolerances, progress, callback, threads). Each batch's gradient
// is the batch evaluation above.
template <TensorExpression Loss, class W, class T, class Columns, class Constants>
tensor_fit_result<W, T> fit(const Loss& loss, const tensor_parameter_list<W, T>& parameters,
                            const sample_data<Columns, Constants>& samples, const options& o = {}) {
  static_assert(Loss::dims == shape{1, 1}, "ctdiff: fit minimizes a 1x1 per-sample loss");
  tensor_fit_result<W, T> result{{}, parameters.initial};
  if constexpr (detail::fit_bindings_valid<detail::bound_in_params_or_data, Loss, W, T, Columns, Constants>()) {
    detail::batch_objective<std::remove_cv_t<Loss>, W, T, sample_data<Columns, Constants>> objective(
        loss, std::span<const T>(result.flat), samples);
    static_cast<training_result<T>&>(result) = minimize(objective, result.flat, samples.size, o);
  }
  return result;
}

// The value of `model` for every sample (rows*cols values a sample, sample
// after sample), with fitted parameters.
template <TensorExpression Model, class W, class T, class Columns, class Constants>
std::vector<T> predict(const Model& model, const tensor_fit_result<W, T>& parameters,
                       const sample_data<Columns, Constants>& samples) {
  std::vector<T> values;
  if constexpr (detail::fit_bindings_valid<detail::bound_in_parameters_or_data, Model, W, T, Columns, Constants>()) {
    const auto shared = detail::shared_bindings<W>(std::span<const T>(parameters.flat), samples);
    detail::sample_pieces<std::remove_cv_t<Model>, T, Columns> pieces(
        samples.columns, std::min(samples.size, detail::largest_fit_piece));
    values.reserve(Model::dims.size() * samples.size);
    std::vector<std::size_t> indices(samples.size);
    std::iota(indices.begin(), indices.end(), std::size_t(0));
    pieces.for_each_piece(indices, [&](const auto& piece, auto& workspace) {
      const auto piece_values = eval_samples(model, combine(shared, piece), workspace);
      values.insert(values.end(), piece_values.begin(), piece_values.end());
    });
  }
  return values;
}

}  // namespace ctdiff
