// The symbols a gradient is taken with respect to, wrt(...), the flat layout
// of its partials, and which subexpressions hold one of them: what the reverse
// sweep (walk.hpp) asks of a model before it walks.
#pragma once

#include <array>
#include <cstddef>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/core/families.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

// The number of values of a symbol's partial: one for a scalar symbol, one
// per element for a tensor symbol (tensor/nodes.hpp).
template <class Symbol>
inline constexpr std::size_t partial_size_v = 1;
template <class Symbol>
requires requires { Symbol::dims.size(); }
inline constexpr std::size_t partial_size_v<Symbol> = Symbol::dims.size();

namespace detail {
template <class Symbol>
struct member_tag {};

// Where each symbol's partial starts in the flat gradient, found by one
// base-class lookup (the sweep asks it of every use of a symbol).
template <class Symbol, std::size_t Offset>
struct offset_tag {};
template <class Symbol, std::size_t Absent, std::size_t Offset>
std::integral_constant<std::size_t, Offset> offset_in(const offset_tag<Symbol, Offset>*);
template <class Symbol, std::size_t Absent>
std::integral_constant<std::size_t, Absent> offset_in(const void*);

template <class... Symbols>
constexpr std::array<std::size_t, sizeof...(Symbols)> partial_starts() {
  std::array<std::size_t, sizeof...(Symbols)> starts{};
  [[maybe_unused]] std::size_t next = 0, offset = 0;
  ((starts[next++] = offset, offset += partial_size_v<Symbols>), ...);
  return starts;
}
}  // namespace detail

// The symbols a gradient or Hessian is taken with respect to, in order.
template <class... Symbols>
struct wrt_list {
  static constexpr std::size_t size = sizeof...(Symbols);
  struct set : detail::member_tag<Symbols>... {};

  // Position of S in the list; size if absent.
  template <class S>
  static constexpr std::size_t index_of = [] {
    std::size_t index = 0;
    bool found = false;
    ((found = found || std::is_same_v<S, Symbols>, index += found ? 0 : 1), ...);
    return index;
  }();

 private:
  static constexpr auto starts = detail::partial_starts<Symbols...>();
  template <class Indices>
  struct offsets_of;
  template <std::size_t... I>
  struct offsets_of<std::index_sequence<I...>> : detail::offset_tag<Symbols, starts[I]>... {};

 public:
  using offsets = offsets_of<std::make_index_sequence<size>>;
};

// The flat layout of a gradient: the symbols of wrt(...) in order, each
// tensor row-major, one after the other.
template <class W>
inline constexpr std::size_t flat_size_v = 0;
template <class... Symbols>
inline constexpr std::size_t flat_size_v<wrt_list<Symbols...>> = (partial_size_v<Symbols> + ... + 0);

// Where S's partial starts in the flat gradient of W; its size if S is not in W.
template <class W, class S>
struct flat_offset : decltype(detail::offset_in<S, flat_size_v<W>>(static_cast<const typename W::offsets*>(nullptr))) {
};
template <class W, class S>
inline constexpr std::size_t flat_offset_v = flat_offset<W, S>::value;

// A family in wrt(...) counts as its members, in order: wrt(theta, a).
template <class... Symbols>
constexpr auto wrt(Symbols...) {
  if constexpr ((is_symbol_family_v<Symbols> || ...)) {
    return []<class... Members>(detail::type_list<Members...>) {
      return wrt(Members{}...);
    }(detail::member_symbols_t<Symbols...>{});
  } else if constexpr ((is_wrt_symbol_v<Symbols> && ...)) {
    static_assert(detail::all_distinct<Symbols::name...>(), "ctdiff: a symbol appears twice in wrt(...)");
    return wrt_list<Symbols...>{};
  } else {
    static_assert((is_wrt_symbol_v<Symbols> && ...),
                  "ctdiff: wrt(...) takes symbols made by var<\"x\">, vector<\"b\", N> or matrix<\"W\", R, C>");
    return wrt_list<>{};  // the message above stays the only error
  }
}

namespace detail {
// Does E hold a symbol of W? One question per node, each answered from its
// operands' answers and, at a leaf, by one base-class lookup in W's set: a
// question per node and symbol made compile time and memory grow with
// (nodes x symbols of W), and a gradient asks it of every node.
template <class E, class W, std::size_t Operands = operands<E>::count>
struct contains_any : std::is_base_of<member_tag<E>, typename W::set> {};
template <class E, class W>
struct contains_any<E, W, 1> : contains_any<operand_t<E, 0>, W> {};
template <class E, class W>
struct contains_any<E, W, 2> : std::disjunction<contains_any<operand_t<E, 0>, W>, contains_any<operand_t<E, 1>, W>> {};
template <class E, class W>
struct contains_any<E, W, 3> : std::disjunction<contains_any<operand_t<E, 0>, W>, contains_any<operand_t<E, 1>, W>,
                                                contains_any<operand_t<E, 2>, W>> {};
}  // namespace detail

template <class E, class W>
inline constexpr bool contains_any_v = detail::contains_any<E, W>::value;

}  // namespace ctdiff
