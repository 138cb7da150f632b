// Families of symbols and compile-time sums: vars<"θ", 9> is the symbols θ0
// ... θ8, theta[i] one of them for a compile-time index i, and
// sum<9>([](auto i) { return theta[i] * pow<i>(x); }) the sum of nine terms.
// A family binds to a std::array of its size (at, params) and counts as its
// members, in order (wrt); nothing of it exists at run time but its members.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/core/simplify.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {

constexpr std::size_t decimal_digits(std::size_t n) {
  std::size_t digits = 1;
  for (; n >= 10; n /= 10) ++digits;
  return digits;
}

// The name of member Index of the family Name: Name followed by Index in decimal.
template <fixed_string Name, std::size_t Index>
constexpr auto make_member_name() {
  constexpr std::size_t digits = decimal_digits(Index);
  char text[Name.size() + digits + 1]{};
  for (std::size_t i = 0; i != Name.size(); ++i) text[i] = Name.data[i];
  std::size_t rest = Index;
  for (std::size_t position = Name.size() + digits; position-- != Name.size(); rest /= 10) {
    text[position] = static_cast<char>('0' + rest % 10);
  }
  return fixed_string<Name.size() + digits + 1>(text);
}
template <fixed_string Name, std::size_t Index>
inline constexpr auto member_name = make_member_name<Name, Index>();

// Instantiated for every index a family is asked for, InRange false only for
// one out of range, so that the instantiation line names the family and the index.
template <fixed_string Family, std::intmax_t Index, std::size_t Size, bool InRange>
constexpr bool family_index_in_range() {
  static_assert(InRange,
                "ctdiff: a family index is out of range (the instantiation line names the family, the index "
                "and the family's size)");
  return InRange;
}

// A compile-time index: int_c<2>, std::integral_constant, the i of sum<N>.
template <class Index>
concept compile_time_index = requires {
  { Index::value } -> std::convertible_to<std::intmax_t>;
};

}  // namespace detail

// theta = values: every member of the family bound to its value.
template <fixed_string Name, std::size_t N, class T>
struct family_binding {
  std::array<T, N> values;
};

template <fixed_string Name, std::size_t N>
struct symbol_family {
  static constexpr fixed_string name = Name;
  static constexpr std::size_t size = N;
  template <std::size_t Index>
  using member = symbol<detail::member_name<Name, Index>>;

  template <detail::compile_time_index Index>
  constexpr auto operator[](Index) const {
    constexpr auto index = static_cast<std::intmax_t>(Index::value);
    constexpr bool in_range = index >= 0 && index < static_cast<std::intmax_t>(N);
    if constexpr (detail::family_index_in_range<Name, index, N, in_range>()) {
      return member<static_cast<std::size_t>(index)>{};
    } else {
      return member<0>{};  // the message above stays the only error
    }
  }

  template <class T>
  requires std::is_arithmetic_v<T>
  constexpr family_binding<Name, N, T> operator=(const std::array<T, N>& values) const { return {values}; }
};

// vars<"θ", 9>: the symbols θ0, ..., θ8.
template <fixed_string Name, std::size_t N>
inline constexpr symbol_family<Name, N> vars{};

template <class T>
inline constexpr bool is_symbol_family_v = false;
template <fixed_string Name, std::size_t N>
inline constexpr bool is_symbol_family_v<symbol_family<Name, N>> = true;

template <class T>
inline constexpr bool is_family_binding_v = false;
template <fixed_string Name, std::size_t N, class T>
inline constexpr bool is_family_binding_v<family_binding<Name, N, T>> = true;

namespace detail {

// A list of types, concatenated with +: spreading families into their members
// without std::tuple, whose recursive layout costs the compiler quadratic
// work in a family of over a hundred members.
template <class... Types>
struct type_list {};
template <class... Left, class... Right>
type_list<Left..., Right...> operator+(type_list<Left...>, type_list<Right...>);

// The bindings an argument of at(...) stands for: itself, or one a member of a family's.
template <class Binding>
struct member_bindings {
  using type = type_list<Binding>;
};
// Declared only, for decltype (a lambda there crashes clang++ 14).
template <fixed_string Name, class T, std::size_t... I>
type_list<binding<member_name<Name, I>, T>...> member_bindings_of(std::index_sequence<I...>);
template <fixed_string Name, std::size_t N, class T>
struct member_bindings<family_binding<Name, N, T>> {
  using type = decltype(member_bindings_of<Name, T>(std::make_index_sequence<N>{}));
};

// The symbols an argument of wrt(...) stands for: itself, or a family's members.
template <class Symbol>
struct member_symbols {
  using type = type_list<Symbol>;
};
template <class Family, std::size_t... I>
type_list<typename Family::template member<I>...> member_symbols_of(std::index_sequence<I...>);
template <fixed_string Name, std::size_t N>
struct member_symbols<symbol_family<Name, N>> {
  using type = decltype(member_symbols_of<symbol_family<Name, N>>(std::make_index_sequence<N>{}));
};

template <class... Arguments>
using member_bindings_t = decltype((typename member_bindings<Arguments>::type{} + ...));
template <class... Symbols>
using member_symbols_t = decltype((typename member_symbols<Symbols>::type{} + ...));

// The terms From ... To - 1, summed as a balanced tree: its depth, and so the
// depth of the compiler's recursion over it, grows as log N.
template <std::size_t From, std::size_t To, class F>
constexpr auto sum_of_terms(const F& term) {
  if constexpr (To - From == 1) {
    return term(std::integral_constant<std::size_t, From>{});
  } else {
    constexpr std::size_t middle = From + (To - From) / 2;
    return make_sum(sum_of_terms<From, middle>(term), sum_of_terms<middle, To>(term));
  }
}

}  // namespace detail

// sum<N>(term): term(i) summed for i = 0, ..., N - 1, each i a compile-time
// index (theta[i], pow<i>(x)), simplified as the terms are added.
template <std::size_t N, class F>
constexpr auto sum(const F& term) {
  static_assert(N > 0, "ctdiff: sum<N>(term) needs at least one term");
  return detail::sum_of_terms<0, N>(term);
}

}  // namespace ctdiff
