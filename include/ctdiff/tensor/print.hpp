// Printing tensor expressions: to_string(W2 * sigmoid(W1 * x + b1) + b2)
// reads "W2*sigmoid(W1*x + b1) + b2", with parentheses only where
// precedence needs them. * is the matrix product; the elementwise product
// prints as hadamard(a, b).
#pragma once

#include <ctdiff/io/print.hpp>
#include <ctdiff/tensor/operations.hpp>
#include <string>
#include <type_traits>

namespace ctdiff {

namespace detail {

struct tensor_text {
  std::string text;
  precedence binding;
};

// Strings are joined by detail::join (print.hpp): "(" + text trips g++ 12's -Wrestrict false positive.
inline std::string parenthesized(const tensor_text& part, precedence needed) {
  return part.binding >= needed ? part.text : join({"(", part.text, ")"});
}

inline tensor_text call_text(std::string_view name, const tensor_text& argument) {
  return {join({name, "(", argument.text, ")"}), precedence::atom};
}

template <class T>
inline constexpr bool is_broadcast_v = false;
template <std::size_t N>
inline constexpr bool is_broadcast_v<broadcast_op<N>> = true;

template <class T>
inline constexpr bool is_number_op_v = false;
template <class ScalarOp, class N, bool NumberOnLeft>
inline constexpr bool is_number_op_v<number_op<ScalarOp, N, NumberOnLeft>> = true;

template <class T>
inline constexpr bool is_zip_v = false;
template <class ScalarOp, broadcast_operand B>
inline constexpr bool is_zip_v<zip_op<ScalarOp, B>> = true;

// left Op right with the fewest parentheses: a + b + c, a - (b - c), a*(b*c)
// (the matrix product is not commutative, so its right operand keeps them).
// A right operand of + or - that begins with a sign gives it to the
// operator: a + -b reads a - b, a - -2*b reads a + 2*b, a + (-b + c) reads
// a - b + c. (After -, only a term without parentheses begins with a sign:
// a product or a negation, whose sign is the whole term's.)
template <class ScalarOp>
tensor_text infix_text(const tensor_text& left, const tensor_text& right) {
  constexpr bool sum = std::is_same_v<ScalarOp, sum_op>;
  constexpr bool difference = std::is_same_v<ScalarOp, difference_op>;
  constexpr precedence right_needs = sum ? precedence::sum : difference ? precedence::product : precedence::power;
  std::string right_text = parenthesized(right, right_needs);
  std::string_view symbol = ScalarOp::symbol;
  if ((sum || difference) && right_text.starts_with('-')) {
    symbol = sum ? " - " : " + ";
    right_text.erase(0, 1);
  }
  return {join({parenthesized(left, ScalarOp::binding), symbol, right_text}), ScalarOp::binding};
}

// A scalar operation of a tensor node: infix (a*b, 2*W), or, for a two-argument
// function from a scalar expression inside the tensor expression, a call (atan2(a, b)).
template <class ScalarOp>
tensor_text scalar_operation_text(const tensor_text& left, const tensor_text& right) {
  if constexpr (requires { ScalarOp::name; }) {
    return {join({ScalarOp::name, "(", left.text, ", ", right.text, ")"}), precedence::atom};
  } else {
    return infix_text<ScalarOp>(left, right);
  }
}
template <class ScalarOp>
std::string scalar_operation_label() {
  if constexpr (requires { ScalarOp::name; }) {
    return std::string(ScalarOp::name);
  } else {
    return operator_label(ScalarOp::symbol);
  }
}

// A power other than square, from a scalar expression inside the tensor expression (pow<3>(lambda)).
template <class Op>
inline constexpr bool is_power_other_than_square_v = false;
template <std::intmax_t N>
inline constexpr bool is_power_other_than_square_v<elementwise_op<power_op<N>>> = N != 2;

template <class E>
tensor_text render_tensor(const E& e) {
  if constexpr (is_tensor_symbol_v<E> || is_named_v<E>) {  // a named value prints as its name
    return {std::string(E::name.view()), precedence::atom};
  } else if constexpr (is_tensor_unary_v<E>) {
    using Op = std::remove_cvref_t<decltype(e.operation)>;
    const tensor_text argument = render_tensor(e.argument);
    if constexpr (std::is_same_v<Op, elementwise_op<negate_op>>) {
      return {join({"-", parenthesized(argument, precedence::power)}), precedence::prefix};
    } else if constexpr (is_number_op_v<Op>) {
      using ScalarOp = typename Op::scalar_operation;
      const rendered number = with_sign(render_number(e.operation.number), false);
      const tensor_text number_part{number.text, number.binding};
      return Op::number_on_left ? scalar_operation_text<ScalarOp>(number_part, argument)
                                : scalar_operation_text<ScalarOp>(argument, number_part);
    } else if constexpr (is_power_other_than_square_v<Op>) {
      return {join({parenthesized(argument, precedence::atom), "^", number_text(Op::scalar_operation::exponent)}),
              precedence::power};
    } else if constexpr (is_broadcast_v<Op>) {
      return call_text(join({"broadcast<", std::to_string(E::dims.cols), ">"}), argument);
    } else {
      return call_text(Op::name, argument);
    }
  } else {
    using Op = std::remove_cvref_t<decltype(e.operation)>;
    const tensor_text left = render_tensor(e.left);
    const tensor_text right = render_tensor(e.right);
    if constexpr (std::is_same_v<Op, matrix_product_op>) {
      return infix_text<product_op>(left, right);
    } else if constexpr (std::is_same_v<Op, zip_op<product_op>> &&
                         std::remove_cvref_t<decltype(e.left)>::dims != shape{1, 1} &&
                         std::remove_cvref_t<decltype(e.right)>::dims != shape{1, 1}) {
      return {join({"hadamard(", left.text, ", ", right.text, ")"}), precedence::atom};
    } else if constexpr (is_zip_v<Op>) {  // +, -, /, and * with a 1x1 operand: a scaling
      return scalar_operation_text<typename Op::scalar_operation>(left, right);
    } else {
      return {join({Op::name, "(", left.text, ", ", right.text, ")"}), precedence::atom};
    }
  }
}

// The labels of tensor nodes in to_dot: a symbol's name, the function, or
// the operator as to_string writes it (a number with its operator, 2*).
template <fixed_string Name, shape S>
struct dot_label<tensor_symbol<Name, S>> {
  static std::string of(const tensor_symbol<Name, S>&) { return std::string(Name.view()); }
};
template <class Op, class A>
struct dot_label<tensor_unary<Op, A>> {
  static std::string of(const tensor_unary<Op, A>& node) {
    if constexpr (std::is_same_v<Op, elementwise_op<negate_op>>) {
      return "-";
    } else if constexpr (is_number_op_v<Op>) {
      const std::string number = with_sign(render_number(node.operation.number), false).text;
      const std::string symbol = scalar_operation_label<typename Op::scalar_operation>();
      return Op::number_on_left ? join({number, symbol}) : join({symbol, number});
    } else if constexpr (is_power_other_than_square_v<Op>) {
      return join({"^", number_text(Op::scalar_operation::exponent)});
    } else if constexpr (is_broadcast_v<Op>) {
      return join({"broadcast<", std::to_string(tensor_unary<Op, A>::dims.cols), ">"});
    } else {
      return std::string(Op::name);
    }
  }
};
template <class Op, class L, class R>
struct dot_label<tensor_binary<Op, L, R>> {
  static std::string of(const tensor_binary<Op, L, R>&) {
    if constexpr (std::is_same_v<Op, matrix_product_op>) {
      return "*";
    } else if constexpr (std::is_same_v<Op, zip_op<product_op>> && L::dims != shape{1, 1} && R::dims != shape{1, 1}) {
      return "hadamard";
    } else if constexpr (is_zip_v<Op>) {
      return scalar_operation_label<typename Op::scalar_operation>();
    } else {
      return std::string(Op::name);
    }
  }
};

}  // namespace detail

template <TensorExpression E>
std::string to_string(const E& e) {
  return detail::render_tensor(e).text;
}

}  // namespace ctdiff
