// Printing tensor expressions: to_string(W2 * sigmoid(W1 * x + b1) + b2)
// reads "W2*sigmoid(W1*x + b1) + b2", with parentheses only where
// precedence needs them. * is the matrix product; the elementwise product
// prints as hadamard(a, b).
#pragma once

#include <ctdiff/print.hpp>
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
inline constexpr bool is_scale_v = false;
template <class N>
inline constexpr bool is_scale_v<scale_op<N>> = true;

template <class E>
tensor_text render_tensor(const E& e) {
  if constexpr (is_tensor_symbol_v<E>) {
    return {std::string(E::name.view()), precedence::atom};
  } else if constexpr (is_tensor_unary_v<E>) {
    using Op = std::remove_cvref_t<decltype(e.operation)>;
    const tensor_text argument = render_tensor(e.argument);
    if constexpr (std::is_same_v<Op, elementwise_op<negate_op>>) {
      return {join({"-", parenthesized(argument, precedence::power)}), precedence::prefix};
    } else if constexpr (is_scale_v<Op>) {
      return {join({number_text(e.operation.factor), "*", parenthesized(argument, precedence::power)}),
              precedence::product};
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
      return {join({parenthesized(left, precedence::product), "*", parenthesized(right, precedence::power)}),
              precedence::product};
    } else if constexpr (std::is_same_v<Op, zip_op<product_op>> || std::is_same_v<Op, cross_entropy_op>) {
      return {join({Op::name, "(", left.text, ", ", right.text, ")"}), precedence::atom};
    } else {  // + and -: a - (b - c) keeps its parentheses
      const precedence right_needs = std::is_same_v<Op, zip_op<sum_op>> ? precedence::sum : precedence::product;
      return {join({parenthesized(left, precedence::sum), Op::name, parenthesized(right, right_needs)}),
              precedence::sum};
    }
  }
}

}  // namespace detail

template <TensorExpression E>
std::string to_string(const E& e) {
  return detail::render_tensor(e).text;
}

}  // namespace ctdiff
