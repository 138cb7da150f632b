// The tensor operations. Each is a small struct with its result shape, its
// value (forward) and its local partials (backward), side by side, so how a
// matrix product is differentiated is written next to the matrix product.
//
// forward(arguments..., out) writes the node's value. backward(arguments...,
// out, adjoint, argument_adjoint) adds dL/d(argument) given the node's
// adjoint dL/d(out); it reads the stored values (sigmoid' = s(1 - s) from the
// stored s). Elementwise operations reuse the scalar core's value and partial.
// An operation that needs more than its value to go backward declares
// kept(argument shapes...), the shape of what it keeps, and gets a view of that
// storage as the last argument of forward and backward.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/core/functions.hpp>
#include <ctdiff/tensor/nodes.hpp>
#include <string_view>
#include <type_traits>

namespace ctdiff {

namespace detail {

template <class View>
using element_t = typename View::value_type;

// The shape rules. Each is instantiated with the shapes it checks, so the
// compiler's "in instantiation of ..." line names them: shape{4, 2}, shape{3, 1}.
// Functions, not classes: on clang++ a class whose static_assert failed makes
// every later use of it another error. The operations build their node even
// for mismatched shapes, so an expression that goes on around the mistake
// compiles and the message stays the only error.
template <shape Left, shape Right>
constexpr void matrix_product_shapes() {
  static_assert(Left.cols == Right.rows,
                "ctdiff: matrix product of mismatched shapes: the left operand's column count must equal the right "
                "operand's row count (the instantiation line names both shapes as shape{rows, cols})");
}

template <shape Left, shape Right>
constexpr void elementwise_shapes() {
  static_assert(Left == Right,
                "ctdiff: dot and the losses need operands of the same shape (the "
                "instantiation line names both shapes as shape{rows, cols})");
}

template <shape Left, shape Right>
constexpr void broadcastable_shapes() {
  static_assert(Left == Right || Left == shape{1, 1} || Right == shape{1, 1},
                "ctdiff: +, -, / and hadamard need operands of the same shape, or one of them 1x1 (a number or a "
                "scalar symbol, applied to every element); the instantiation line names both shapes as "
                "shape{rows, cols}");
}

template <shape Argument>
constexpr void broadcast_shape() {
  static_assert(Argument.cols == 1, "ctdiff: broadcast<N>(v) repeats a column vector (cols == 1) N times");
}

}  // namespace detail

// An elementwise function: the scalar core's Op applied to every element.
template <class ScalarOp>
struct elementwise_op {
  using scalar_operation = ScalarOp;
  // The printed name: the scalar function's, or square for x^2 (negation prints as a prefix).
  static constexpr std::string_view name = [] {
    if constexpr (requires { ScalarOp::name; }) {
      return ScalarOp::name;
    } else {
      return std::string_view("square");
    }
  }();
  static constexpr shape result(shape argument) { return argument; }
  constexpr void forward(auto argument, auto out) const {
    using T = detail::element_t<decltype(out)>;
    for (std::size_t i = 0; i != out.size(); ++i) out[i] = static_cast<T>(ScalarOp::apply(argument[i]));
  }
  constexpr void backward(auto argument, auto out, auto adjoint, auto argument_adjoint) const {
    using T = detail::element_t<decltype(out)>;
    for (std::size_t i = 0; i != out.size(); ++i)
      argument_adjoint[i] +=
          adjoint[i] * static_cast<T>(detail::constant_value(ScalarOp::derivative(argument[i], out[i])));
  }
};

// Which operand of an elementwise combination is 1x1 and stands for every
// element of the other (lambda * W, sum(a) + b), if either.
enum class broadcast_operand { none, left, right };

// An elementwise combination: the scalar core's Op (+, -, *, /) on each pair
// of elements of equal shapes, or of each element and a broadcast 1x1 operand,
// whose adjoint is then the sum over the elements.
template <class ScalarOp, broadcast_operand Broadcast = broadcast_operand::none>
struct zip_op {
  using scalar_operation = ScalarOp;
  static constexpr shape result(shape left, shape right) { return Broadcast == broadcast_operand::left ? right : left; }
  // A partial of 1 (+, the left of -) into an operand of the result's shape:
  // the sweep gives an inner argument the node's adjoint itself rather than
  // calling backward_left (backward_right).
  static constexpr bool left_partial_is_one =
      is_one_v<decltype(ScalarOp::d_left(0.0, 0.0, 0.0))> && Broadcast != broadcast_operand::left;
  static constexpr bool right_partial_is_one =
      is_one_v<decltype(ScalarOp::d_right(0.0, 0.0, 0.0))> && Broadcast != broadcast_operand::right;
  constexpr void forward(auto left, auto right, auto out) const {
    for (std::size_t i = 0; i != out.size(); ++i) out[i] = ScalarOp::apply(left[left_index(i)], right[right_index(i)]);
  }
  constexpr void backward_left(auto left, auto right, auto out, auto adjoint, auto left_adjoint) const {
    using T = detail::element_t<decltype(out)>;
    for (std::size_t i = 0; i != out.size(); ++i)
      left_adjoint[left_index(i)] +=
          adjoint[i] *
          static_cast<T>(detail::constant_value(ScalarOp::d_left(left[left_index(i)], right[right_index(i)], out[i])));
  }
  constexpr void backward_right(auto left, auto right, auto out, auto adjoint, auto right_adjoint) const {
    using T = detail::element_t<decltype(out)>;
    for (std::size_t i = 0; i != out.size(); ++i)
      right_adjoint[right_index(i)] +=
          adjoint[i] *
          static_cast<T>(detail::constant_value(ScalarOp::d_right(left[left_index(i)], right[right_index(i)], out[i])));
  }

 private:
  static constexpr std::size_t left_index(std::size_t i) { return Broadcast == broadcast_operand::left ? 0 : i; }
  static constexpr std::size_t right_index(std::size_t i) { return Broadcast == broadcast_operand::right ? 0 : i; }
};

// A = L R for L of shape m x k and R of shape k x n (R a vector: a matrix-vector
// product). dL/dL = delta R^T, dL/dR = L^T delta.
struct matrix_product_op {
  static constexpr shape result(shape left, shape right) { return {left.rows, right.cols}; }
  constexpr void forward(auto left, auto right, auto out) const {
    using T = detail::element_t<decltype(out)>;
    constexpr std::size_t m = decltype(left)::dims.rows, k = decltype(left)::dims.cols, n = decltype(right)::dims.cols;
    if constexpr (n == 1) {
      // Matrix times vector: the dot products of `block` rows at once, each
      // summed in a register in the order p = 0, 1, ... (the same sums as one
      // row at a time), so that `block` chains of additions overlap rather
      // than each waiting for the last. Summed in out, every step would be
      // stored, as out may alias the operands.
      constexpr std::size_t block = 4, blocked_rows = m - m % block;
      for (std::size_t i = 0; i != blocked_rows; i += block) {
        std::array<T, block> totals{};
        for (std::size_t p = 0; p != k; ++p)
          for (std::size_t r = 0; r != block; ++r) totals[r] += left(i + r, p) * right[p];
        for (std::size_t r = 0; r != block; ++r) out[i + r] = totals[r];
      }
      for (std::size_t i = blocked_rows; i != m; ++i) {
        T total = 0;
        for (std::size_t p = 0; p != k; ++p) total += left(i, p) * right[p];
        out[i] = total;
      }
    } else {
      std::fill(out.begin(), out.end(), T(0));
      for (std::size_t i = 0; i != m; ++i)
        for (std::size_t p = 0; p != k; ++p)
          for (std::size_t j = 0; j != n; ++j) out(i, j) += left(i, p) * right(p, j);
    }
  }
  constexpr void backward_left(auto, auto right, auto, auto adjoint, auto left_adjoint) const {
    constexpr std::size_t m = decltype(adjoint)::dims.rows, k = decltype(right)::dims.rows,
                          n = decltype(right)::dims.cols;
    for (std::size_t i = 0; i != m; ++i)
      for (std::size_t p = 0; p != k; ++p)
        for (std::size_t j = 0; j != n; ++j) left_adjoint(i, p) += adjoint(i, j) * right(p, j);
  }
  constexpr void backward_right(auto left, auto, auto, auto adjoint, auto right_adjoint) const {
    using T = detail::element_t<decltype(right_adjoint)>;
    constexpr std::size_t m = decltype(left)::dims.rows, k = decltype(left)::dims.cols,
                          n = decltype(adjoint)::dims.cols;
    if constexpr (n == 1) {
      // Leftᵀ times a vector, summed in a local array and added once: summed
      // in right_adjoint, which may alias the operands, every row's step
      // would be stored and loaded again by the next row's.
      std::array<T, k> totals{};
      for (std::size_t i = 0; i != m; ++i)
        for (std::size_t p = 0; p != k; ++p) totals[p] += left(i, p) * adjoint[i];
      for (std::size_t p = 0; p != k; ++p) right_adjoint[p] += totals[p];
    } else {
      for (std::size_t i = 0; i != m; ++i)
        for (std::size_t p = 0; p != k; ++p)
          for (std::size_t j = 0; j != n; ++j) right_adjoint(p, j) += left(i, p) * adjoint(i, j);
    }
  }
};

struct transpose_op {
  static constexpr std::string_view name = "transpose";
  static constexpr shape result(shape argument) { return {argument.cols, argument.rows}; }
  constexpr void forward(auto argument, auto out) const {
    for (std::size_t i = 0; i != out.dims.rows; ++i)
      for (std::size_t j = 0; j != out.dims.cols; ++j) out(i, j) = argument(j, i);
  }
  constexpr void backward(auto, auto out, auto adjoint, auto argument_adjoint) const {
    for (std::size_t i = 0; i != out.dims.rows; ++i)
      for (std::size_t j = 0; j != out.dims.cols; ++j) argument_adjoint(j, i) += adjoint(i, j);
  }
};

// A column vector repeated as the N columns of a matrix (a bias over a batch):
// its adjoint is the sum of the columns' adjoints.
template <std::size_t N>
struct broadcast_op {
  static constexpr shape result(shape argument) { return {argument.rows, N}; }
  constexpr void forward(auto argument, auto out) const {
    for (std::size_t i = 0; i != out.dims.rows; ++i)
      for (std::size_t j = 0; j != N; ++j) out(i, j) = argument[i];
  }
  constexpr void backward(auto, auto out, auto adjoint, auto argument_adjoint) const {
    for (std::size_t i = 0; i != out.dims.rows; ++i)
      for (std::size_t j = 0; j != N; ++j) argument_adjoint[i] += adjoint(i, j);
  }
};

// The sum (Mean: the mean) of all elements, a 1 x 1 result.
template <bool Mean>
struct reduce_all_op {
  static constexpr std::string_view name = Mean ? "mean" : "sum";
  static constexpr shape result(shape) { return {1, 1}; }
  constexpr void forward(auto argument, auto out) const {
    using T = detail::element_t<decltype(out)>;
    T total = 0;
    for (auto value : argument) total += value;
    out[0] = Mean ? total / T(argument.size()) : total;
  }
  constexpr void backward(auto argument, auto out, auto adjoint, auto argument_adjoint) const {
    using T = detail::element_t<decltype(out)>;
    const T share = Mean ? adjoint[0] / T(argument.size()) : adjoint[0];
    for (auto& value : argument_adjoint) value += share;
  }
};
using sum_all_op = reduce_all_op<false>;
using mean_all_op = reduce_all_op<true>;

// Each element and a number known at run time, combined by the scalar core's
// Op (+, -, *, /): 1.0 - y (the number on the left), x + 1, W / 2 (on the
// right). The number is converted to the evaluation's element type.
template <class ScalarOp, class Number, bool NumberOnLeft>
struct number_op {
  using scalar_operation = ScalarOp;
  static constexpr bool number_on_left = NumberOnLeft;
  Number number;
  static constexpr shape result(shape argument) { return argument; }
  constexpr void forward(auto argument, auto out) const {
    using T = detail::element_t<decltype(out)>;
    const T n = static_cast<T>(number);
    for (std::size_t i = 0; i != out.size(); ++i)
      out[i] = NumberOnLeft ? ScalarOp::apply(n, argument[i]) : ScalarOp::apply(argument[i], n);
  }
  constexpr void backward(auto argument, auto out, auto adjoint, auto argument_adjoint) const {
    using T = detail::element_t<decltype(out)>;
    const T n = static_cast<T>(number);
    for (std::size_t i = 0; i != out.size(); ++i) {
      T partial;
      if constexpr (NumberOnLeft) {
        partial = static_cast<T>(detail::constant_value(ScalarOp::d_right(n, argument[i], out[i])));
      } else {
        partial = static_cast<T>(detail::constant_value(ScalarOp::d_left(argument[i], n, out[i])));
      }
      argument_adjoint[i] += adjoint[i] * partial;
    }
  }
};

namespace detail {

// log(sum(exp(z))) of column j, computed stably as m + log(sum(exp(z - m)))
// with m the column's maximum, so that exp cannot overflow.
template <class View>
element_t<View> column_log_sum_exp(View z, std::size_t j) {
  using std::exp, std::log;
  using T = element_t<View>;
  T largest = z(0, j);
  for (std::size_t i = 1; i != View::dims.rows; ++i) largest = std::max<T>(largest, z(i, j));
  T total = 0;
  for (std::size_t i = 0; i != View::dims.rows; ++i) total += exp(z(i, j) - largest);
  return largest + log(total);
}

}  // namespace detail

// Softmax of each column (of a vector: of the whole), exp(z - lse(z)). With
// s = softmax(z) and adjoint g: dL/dz = s * (g - sum(g * s)), per column.
struct softmax_op {
  static constexpr std::string_view name = "softmax";
  static constexpr shape result(shape argument) { return argument; }
  void forward(auto argument, auto out) const {
    using std::exp;
    for (std::size_t j = 0; j != out.dims.cols; ++j) {
      const auto normalizer = detail::column_log_sum_exp(argument, j);
      for (std::size_t i = 0; i != out.dims.rows; ++i) out(i, j) = exp(argument(i, j) - normalizer);
    }
  }
  constexpr void backward(auto, auto out, auto adjoint, auto argument_adjoint) const {
    using T = detail::element_t<decltype(out)>;
    for (std::size_t j = 0; j != out.dims.cols; ++j) {
      T weighted = 0;
      for (std::size_t i = 0; i != out.dims.rows; ++i) weighted += adjoint(i, j) * out(i, j);
      for (std::size_t i = 0; i != out.dims.rows; ++i) argument_adjoint(i, j) += out(i, j) * (adjoint(i, j) - weighted);
    }
  }
};

// log(sum(exp(z))) of each column, a 1 x cols row. Its partial is the
// softmax exp(z - lse), recomputed from the stored result.
struct log_sum_exp_op {
  static constexpr std::string_view name = "log_sum_exp";
  static constexpr shape result(shape argument) { return {1, argument.cols}; }
  void forward(auto argument, auto out) const {
    for (std::size_t j = 0; j != out.size(); ++j) out[j] = detail::column_log_sum_exp(argument, j);
  }
  void backward(auto argument, auto out, auto adjoint, auto argument_adjoint) const {
    using std::exp;
    for (std::size_t i = 0; i != argument.dims.rows; ++i)
      for (std::size_t j = 0; j != argument.dims.cols; ++j)
        argument_adjoint(i, j) += adjoint[j] * exp(argument(i, j) - out[j]);
  }
};

// The cross-entropy of softmax(z) against targets y, column by column,
// averaged over the columns: -sum(y * log softmax(z)) / cols, with
// log softmax(z) = z - lse(z). One node, so the logits' subtree is evaluated
// once. dL/dz = (softmax(z) * sum(y) - y) / cols, which is p - onehot for a
// one-hot column; dL/dy = -log softmax(z) / cols. The forward pass keeps what
// the backward pass reads, so that it computes no exp and no log: under each
// column, exp(z - max) of its elements, their sum, and lse(z).
struct cross_entropy_op {
  static constexpr std::string_view name = "cross_entropy";
  static constexpr shape result(shape, shape) { return {1, 1}; }
  static constexpr shape kept(shape logits, shape) { return {logits.rows + 2, logits.cols}; }
  void forward(auto logits, auto target, auto out, auto kept) const {
    using std::exp, std::log;
    using T = detail::element_t<decltype(out)>;
    constexpr std::size_t rows = decltype(logits)::dims.rows;
    T total = 0;
    for (std::size_t j = 0; j != logits.dims.cols; ++j) {
      T largest = logits(0, j);
      for (std::size_t i = 1; i != rows; ++i) largest = std::max<T>(largest, logits(i, j));
      T exponential_total = 0;
      for (std::size_t i = 0; i != rows; ++i) exponential_total += kept(i, j) = exp(logits(i, j) - largest);
      const T normalizer = largest + log(exponential_total);
      kept(rows, j) = exponential_total;
      kept(rows + 1, j) = normalizer;
      for (std::size_t i = 0; i != rows; ++i) total += target(i, j) * (normalizer - logits(i, j));
    }
    out[0] = total / T(logits.dims.cols);
  }
  void backward_left(auto logits, auto target, auto out, auto adjoint, auto logits_adjoint, auto kept) const {
    using T = detail::element_t<decltype(out)>;
    constexpr std::size_t rows = decltype(logits)::dims.rows;
    const T share = adjoint[0] / T(logits.dims.cols);
    for (std::size_t j = 0; j != logits.dims.cols; ++j) {
      T target_total = 0;
      for (std::size_t i = 0; i != rows; ++i) target_total += target(i, j);
      const T scale = target_total / kept(rows, j);
      for (std::size_t i = 0; i != rows; ++i) logits_adjoint(i, j) += share * (kept(i, j) * scale - target(i, j));
    }
  }
  void backward_right(auto logits, auto, auto out, auto adjoint, auto target_adjoint, auto kept) const {
    using T = detail::element_t<decltype(out)>;
    constexpr std::size_t rows = decltype(logits)::dims.rows;
    const T share = adjoint[0] / T(logits.dims.cols);
    for (std::size_t j = 0; j != logits.dims.cols; ++j)
      for (std::size_t i = 0; i != rows; ++i) target_adjoint(i, j) += share * (kept(rows + 1, j) - logits(i, j));
  }
};

// The public functions that build tensor nodes; a shape rule that fails stops
// here, with one message, before any node is built.

namespace detail {

template <class ScalarOp, class L, class R>
constexpr auto make_zip(const L& left, const R& right) {
  broadcastable_shapes<L::dims, R::dims>();
  constexpr broadcast_operand broadcast = L::dims == R::dims       ? broadcast_operand::none
                                          : L::dims == shape{1, 1} ? broadcast_operand::left
                                                                   : broadcast_operand::right;
  return tensor_binary<zip_op<ScalarOp, broadcast>, L, R>{{}, left, right};
}

template <class ScalarOp, class E>
constexpr auto make_elementwise(const E& e) {
  return tensor_unary<elementwise_op<ScalarOp>, E>{{}, e};
}

template <class ScalarOp, class L, class R>
constexpr auto tensor_arithmetic(const L& left, const R& right);

// An operand of a tensor operator as a tensor node or a number. A scalar
// expression (lambda, exp(lambda), 0.5 * pow<2>(lambda)) becomes the same
// formula in 1x1 tensor nodes, its scalar symbols 1x1 tensor symbols, so that
// a scalar symbol is bound (to a number) and differentiated (in wrt(...)) as
// when it stands alone, and the tensor sweep carries its gradient. A part
// without symbols is its number.
template <class E>
constexpr auto as_tensor(const E& e) {
  if constexpr (!Expression<E>) {
    return e;
  } else if constexpr (std::is_same_v<symbols_t<E>, symbol_list<>>) {
    return eval(e, at());
  } else if constexpr (is_symbol_v<E>) {
    return as_tensor_symbol_t<E>{};
  } else if constexpr (is_unary_v<E>) {
    return make_elementwise<typename E::operation>(as_tensor(e.argument));
  } else if constexpr (is_binary_v<E>) {
    return tensor_arithmetic<typename E::operation>(as_tensor(e.left), as_tensor(e.right));
  } else {
    return let<E::name>(as_tensor(e.expression));
  }
}

// left Op right with a tensor on one side and a tensor, a scalar expression or
// a number on the other (or, inside a scalar expression, 1x1 tensors and
// numbers). * of two tensors is the matrix product, unless one of them is
// 1x1: then it scales every element of the other.
template <class ScalarOp, class L, class R>
constexpr auto tensor_arithmetic(const L& left, const R& right) {
  if constexpr (Expression<L> || Expression<R>) {
    return tensor_arithmetic<ScalarOp>(as_tensor(left), as_tensor(right));
  } else if constexpr (Number<L>) {
    return tensor_unary<number_op<ScalarOp, L, true>, R>{{left}, right};
  } else if constexpr (Number<R>) {
    return tensor_unary<number_op<ScalarOp, R, false>, L>{{right}, left};
  } else if constexpr (std::is_same_v<ScalarOp, product_op> && L::dims != shape{1, 1} && R::dims != shape{1, 1}) {
    matrix_product_shapes<L::dims, R::dims>();
    return tensor_binary<matrix_product_op, L, R>{{}, left, right};
  } else {
    return make_zip<ScalarOp>(left, right);
  }
}

}  // namespace detail

// +, -, * and / of a tensor and a tensor, a number (1.0 - y, W / 2) or a
// scalar expression (lambda * W, exp(lambda) * sum(square(W))), on either
// side. * of two tensors is the matrix product (W * x, A * B) unless one is
// 1x1; the others are elementwise, a 1x1 operand or a number standing for
// every element.
#define CTDIFF_TENSOR_OPERATOR(OP, SCALAR_OP)                 \
  template <class L, TensorExpression R>                      \
  requires TensorExpression<L> || Operand<L>                  \
  constexpr auto operator OP(const L& left, const R& right) { \
    return detail::tensor_arithmetic<SCALAR_OP>(left, right); \
  }                                                           \
  template <TensorExpression L, Operand R>                    \
  constexpr auto operator OP(const L& left, const R& right) { \
    return detail::tensor_arithmetic<SCALAR_OP>(left, right); \
  }
CTDIFF_TENSOR_OPERATOR(+, sum_op)
CTDIFF_TENSOR_OPERATOR(-, difference_op)
CTDIFF_TENSOR_OPERATOR(*, product_op)
CTDIFF_TENSOR_OPERATOR(/, quotient_op)
#undef CTDIFF_TENSOR_OPERATOR

// The elementwise (Hadamard) product.
template <TensorExpression L, TensorExpression R>
constexpr auto hadamard(const L& left, const R& right) {
  return detail::make_zip<product_op>(left, right);
}

template <TensorExpression E>
constexpr auto operator-(const E& e) {
  return detail::make_elementwise<negate_op>(e);
}

template <TensorExpression E>
constexpr auto sigmoid(const E& e) {
  return detail::make_elementwise<sigmoid_op>(e);
}
template <TensorExpression E>
constexpr auto tanh(const E& e) {
  return detail::make_elementwise<tanh_op>(e);
}
template <TensorExpression E>
constexpr auto relu(const E& e) {
  return detail::make_elementwise<relu_op>(e);
}
template <TensorExpression E>
constexpr auto exp(const E& e) {
  return detail::make_elementwise<exp_op>(e);
}
template <TensorExpression E>
constexpr auto log(const E& e) {
  return detail::make_elementwise<log_op>(e);
}
template <TensorExpression E>
constexpr auto log1p(const E& e) {
  return detail::make_elementwise<log1p_op>(e);
}
template <TensorExpression E>
constexpr auto softplus(const E& e) {
  return detail::make_elementwise<softplus_op>(e);
}
template <TensorExpression E>
constexpr auto square(const E& e) {
  return detail::make_elementwise<power_op<2>>(e);
}

template <TensorExpression E>
constexpr auto transpose(const E& e) {
  return tensor_unary<transpose_op, E>{{}, e};
}

// broadcast<N>(b): the column vector b as each of the N columns of a matrix,
// the bias of a layer applied to a batch of N samples: W * X + broadcast<N>(b).
template <std::size_t N, TensorExpression E>
constexpr auto broadcast(const E& e) {
  detail::broadcast_shape<E::dims>();
  return tensor_unary<broadcast_op<N>, E>{{}, e};
}

template <TensorExpression E>
constexpr auto sum(const E& e) {
  return tensor_unary<sum_all_op, E>{{}, e};
}
template <TensorExpression E>
constexpr auto mean(const E& e) {
  return tensor_unary<mean_all_op, E>{{}, e};
}
template <TensorExpression L, TensorExpression R>
constexpr auto dot(const L& left, const R& right) {
  detail::elementwise_shapes<L::dims, R::dims>();
  return sum(hadamard(left, right));
}

template <TensorExpression E>
constexpr auto softmax(const E& e) {
  return tensor_unary<softmax_op, E>{{}, e};
}
template <TensorExpression E>
constexpr auto log_sum_exp(const E& e) {
  return tensor_unary<log_sum_exp_op, E>{{}, e};
}

// The cross-entropy of softmax(logits) against target distributions (one-hot
// columns of labels, for instance), averaged over the columns of a batch.
template <TensorExpression Z, TensorExpression Y>
constexpr auto cross_entropy(const Z& logits, const Y& target) {
  detail::elementwise_shapes<Z::dims, Y::dims>();
  return tensor_binary<cross_entropy_op, Z, Y>{{}, logits, target};
}

// The binary cross-entropy of sigmoid(logits) against targets in [0, 1],
// averaged over the elements: -y log s(z) - (1 - y) log(1 - s(z)), written as
// softplus(z) - y z, which never takes the log of a rounded 0 and never
// overflows. Its gradient is (sigmoid(z) - y) / size.
template <TensorExpression Z, TensorExpression Y>
constexpr auto binary_cross_entropy(const Z& logits, const Y& target) {
  detail::elementwise_shapes<Z::dims, Y::dims>();
  return mean(softplus(logits) - hadamard(target, logits));
}

// The mean over all elements of (prediction - target)^2.
template <TensorExpression P, TensorExpression Y>
constexpr auto mean_squared_error(const P& prediction, const Y& target) {
  return mean(square(prediction - target));
}

}  // namespace ctdiff
