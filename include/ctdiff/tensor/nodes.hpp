// Tensor symbols, views and expression nodes. A tensor's shape is part of its
// type, so a network's expression is a handful of nodes whatever its width,
// and a shape mismatch is a compile error.
//
// Storage is row-major: element (i, j) of an R x C tensor is at i*C + j. A
// vector is a column, R x 1; a loss is 1 x 1.
#pragma once

#include <array>
#include <cstddef>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/engine/gradient.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace ctdiff {

struct shape {
  std::size_t rows;
  std::size_t cols;

  [[nodiscard]] constexpr std::size_t size() const { return rows * cols; }
  friend constexpr bool operator==(shape, shape) = default;
};

// rows x cols values of type T (const T to read only) at a pointer, row-major.
// It is what a tensor symbol binds to, and what a gradient is read through.
template <class T, shape S>
struct tensor_view {
  using value_type = std::remove_const_t<T>;
  static constexpr shape dims = S;

  T* values;

  [[nodiscard]] static constexpr std::size_t size() { return S.size(); }
  [[nodiscard]] constexpr T* data() const { return values; }
  [[nodiscard]] constexpr T* begin() const { return values; }
  [[nodiscard]] constexpr T* end() const { return values + S.size(); }
  constexpr T& operator[](std::size_t index) const { return values[index]; }
  constexpr T& operator()(std::size_t row, std::size_t col) const { return values[row * S.cols + col]; }
};

namespace detail {

// A symbol bound to storage of the wrong size can only be found at run time
// (a std::vector, a span of dynamic extent): it fails where it is bound.
template <fixed_string Name, shape S>
void check_bound_size(std::size_t size) {
  if (size != S.size()) {
    throw std::length_error("ctdiff: tensor symbol '" + std::string(Name.view()) + "' is " + std::to_string(S.rows) +
                            "x" + std::to_string(S.cols) + " (" + std::to_string(S.size()) +
                            " values); the storage bound to it has " + std::to_string(size));
  }
}

}  // namespace detail

// A named tensor symbol of shape S: `matrix<"W1", 4, 2>`, `vector<"b1", 4>`.
// Assigning storage to it makes a binding for at(...) that views the storage
// (which must outlive the evaluation); the symbol itself never changes.
template <fixed_string Name, shape S>
struct tensor_symbol {
  using ctdiff_tensor_node = void;
  static constexpr fixed_string name = Name;
  static constexpr shape dims = S;

  template <class T, std::size_t N>
  constexpr binding<Name, tensor_view<const T, S>> operator=(const std::array<T, N>& values) const {
    static_assert(N == S.size(), "ctdiff: a std::array bound to a tensor symbol must have rows*cols elements");
    return {{values.data()}};
  }
  template <class T, std::size_t N>
  constexpr binding<Name, tensor_view<const std::remove_const_t<T>, S>> operator=(std::span<T, N> values) const {
    if constexpr (N == std::dynamic_extent) {
      detail::check_bound_size<Name, S>(values.size());
    } else {
      static_assert(N == S.size(), "ctdiff: a std::span bound to a tensor symbol must have rows*cols elements");
    }
    return {{values.data()}};
  }
  template <class T>
  binding<Name, tensor_view<const T, S>> operator=(const std::vector<T>& values) const {
    detail::check_bound_size<Name, S>(values.size());
    return {{values.data()}};
  }
  template <class T>
  constexpr binding<Name, tensor_view<const std::remove_const_t<T>, S>> operator=(tensor_view<T, S> values) const {
    return {{values.data()}};
  }
};

template <fixed_string Name, std::size_t Rows, std::size_t Cols>
inline constexpr tensor_symbol<Name, shape{Rows, Cols}> matrix{};

template <fixed_string Name, std::size_t Rows>
inline constexpr tensor_symbol<Name, shape{Rows, 1}> vector{};

// A scalar symbol inside a tensor expression, or in wrt(...) of a tensor
// gradient, is the 1x1 tensor symbol of its name: lambda * sum(square(W)) is
// bound with lambda = 0.1 (a number) and its gradient is one number.
template <class S>
struct as_tensor_symbol {
  using type = S;
};
template <fixed_string Name>
struct as_tensor_symbol<symbol<Name>> {
  using type = tensor_symbol<Name, shape{1, 1}>;
};
template <class S>
using as_tensor_symbol_t = typename as_tensor_symbol<S>::type;

// wrt(W, lambda) of a tensor gradient: every symbol as a tensor symbol.
template <class... Symbols>
using tensor_wrt_t = wrt_list<as_tensor_symbol_t<Symbols>...>;

// f(argument) for a tensor operation Op; Op may carry data (a scale factor).
template <class Op, class A>
struct tensor_unary {
  using ctdiff_tensor_node = void;
  using argument_type = A;
  static constexpr shape dims = Op::result(A::dims);
  [[no_unique_address]] Op operation;
  [[no_unique_address]] A argument;
};

template <class Op, class L, class R>
struct tensor_binary {
  using ctdiff_tensor_node = void;
  using left_type = L;
  using right_type = R;
  static constexpr shape dims = Op::result(L::dims, R::dims);
  [[no_unique_address]] Op operation;
  [[no_unique_address]] L left;
  [[no_unique_address]] R right;
};

template <class T>
inline constexpr bool is_tensor_symbol_v = false;
template <fixed_string Name, shape S>
inline constexpr bool is_tensor_symbol_v<tensor_symbol<Name, S>> = true;

template <class T>
inline constexpr bool is_tensor_unary_v = false;
template <class Op, class A>
inline constexpr bool is_tensor_unary_v<tensor_unary<Op, A>> = true;

template <fixed_string Name, shape S>
inline constexpr bool is_wrt_symbol_v<tensor_symbol<Name, S>> = true;

// A tensor node is one value wherever it appears (schedule.hpp) when its type
// fixes its value: its operation holds no data (a number does) and its
// operands are such nodes too.
template <class Op, class A>
inline constexpr bool is_static_v<tensor_unary<Op, A>> = std::is_empty_v<Op>&& is_static_v<A>;
template <class Op, class L, class R>
inline constexpr bool is_static_v<tensor_binary<Op, L, R>> = std::is_empty_v<Op>&& is_static_v<L>&& is_static_v<R>;

// let<"h">(W1 * x + b1): a tensor expression as one named value, computed once
// per evaluation wherever the name appears; a tensor node of its shape.
namespace detail {
template <class E>
requires TensorExpression<E>
struct named_kind<E> {
  using ctdiff_tensor_node = void;
  static constexpr shape dims = E::dims;
};
}  // namespace detail

template <fixed_string Name, TensorExpression E>
constexpr named<Name, E> let(const E& e) {
  return {{}, e};
}

}  // namespace ctdiff
