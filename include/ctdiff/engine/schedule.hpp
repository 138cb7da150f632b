// The expression as a DAG laid out at compile time: every distinct
// subexpression once, children before parents. eval, gradient and hessian
// compute each entry once per evaluation, into a slot of a flat array, and
// the reverse sweep walks the schedule backwards, so a node's adjoint holds
// the sum over all its uses before it is passed on, once.
//
// Identity: a subtree whose type fixes its value (no runtime literal inside)
// is one value wherever it appears, so its type is its key. A named
// intermediate, let<"h">(e), is one value by its name. Any other node (one
// that holds a runtime literal, such as 0.5 * x) is its own occurrence,
// keyed by its path from the root.
#pragma once

#include <array>
#include <cstddef>
#include <ctdiff/core/expression.hpp>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {

struct root_path {};
template <class Parent, std::size_t Child>
struct child_path {};

template <fixed_string Name>
struct name_key {};

template <class E, class Path>
struct key_of {
  using type = std::conditional_t<is_static_v<E>, E, Path>;
};
template <fixed_string Name, class E, class Path>
struct key_of<named<Name, E>, Path> {
  using type = name_key<Name>;
};
template <class E, class Path>
using key_t = typename key_of<E, Path>::type;

template <class Key, class Node, class Path>
struct entry {
  using key = Key;
  using node = Node;
  using path = Path;
};

template <class Key>
struct key_tag {};
template <class Definition>
struct definition_tag {};

// The keys seen so far, and what each name was defined as (to report a
// second definition), as bases: each entry's set derives from the previous
// one and adds that entry's tags, so the set grows by one small class per
// entry (a class listing every key anew at each step made building the
// schedule quadratic in the compiler's base-class work). Only a named entry
// adds a definition: the compiler copies every base of the previous set into
// the next, so each tag an entry adds is paid again by every entry after it.
struct nothing_seen {};
template <class Previous, class Entry>
struct seen_with : Previous, key_tag<typename Entry::key> {};
template <class Previous, fixed_string Name, class E, class Path>
struct seen_with<Previous, entry<name_key<Name>, named<Name, E>, Path>>
    : Previous, key_tag<name_key<Name>>, definition_tag<named<Name, E>> {};

// The schedule while it is built: the entries so far, and the set of their
// keys, whose membership test is one base-class lookup. A bare list, asked
// by the templates below: a class with member templates, instantiated anew
// for every entry, made building the schedule take twice the memory.
template <class Seen, class... Entries>
struct entries {};

template <class State>
struct seen_in;
template <class Seen, class... Entries>
struct seen_in<entries<Seen, Entries...>> {
  using type = Seen;
};
template <class State, class Key>
using contains_key = std::is_base_of<key_tag<Key>, typename seen_in<State>::type>;
template <class State, class Definition>
using defines = std::is_base_of<definition_tag<Definition>, typename seen_in<State>::type>;

template <class State, class Entry>
struct appended;
template <class Seen, class... Entries, class Entry>
struct appended<entries<Seen, Entries...>, Entry> {
  using type = entries<seen_with<Seen, Entry>, Entries..., Entry>;
};
template <class State, class Entry>
using append_t = typename appended<State, Entry>::type;

// Instantiated for every named node met again, with Same false only when
// the name was defined as something else, so the instantiation line names it.
template <fixed_string Name, bool Same>
constexpr bool name_defined_once() {
  static_assert(Same,
                "ctdiff: one name, two definitions: let<\"name\">(...) is used with two different expressions in one "
                "model (the instantiation line names it)");
  return true;  // the message above is the only error
}

// Post-order: operands first, then the node, each key once.
template <class E, class Path, class State, bool Seen = contains_key<State, key_t<E, Path>>::value,
          std::size_t Operands = operands<E>::count>
struct visit {
  using type = append_t<State, entry<key_t<E, Path>, E, Path>>;
};
template <class E, class Path, class State, std::size_t Operands>
struct visit<E, Path, State, true, Operands> {
  using type = State;
};
template <fixed_string Name, class E, class Path, class State>
struct visit<named<Name, E>, Path, State, true, 1> {
  static_assert(name_defined_once<Name, defines<State, named<Name, E>>::value>());
  using type = State;
};
template <class E, class Path, class State>
struct visit<E, Path, State, false, 1> {
  using after_argument = typename visit<operand_t<E, 0>, child_path<Path, 0>, State>::type;
  using type = append_t<after_argument, entry<key_t<E, Path>, E, Path>>;
};
template <class E, class Path, class State>
struct visit<E, Path, State, false, 2> {
  using after_left = typename visit<operand_t<E, 0>, child_path<Path, 0>, State>::type;
  using after_right = typename visit<operand_t<E, 1>, child_path<Path, 1>, after_left>::type;
  using type = append_t<after_right, entry<key_t<E, Path>, E, Path>>;
};
template <class E, class Path, class State>
struct visit<E, Path, State, false, 3> {
  using after_first = typename visit<operand_t<E, 0>, child_path<Path, 0>, State>::type;
  using after_second = typename visit<operand_t<E, 1>, child_path<Path, 1>, after_first>::type;
  using after_third = typename visit<operand_t<E, 2>, child_path<Path, 2>, after_second>::type;
  using type = append_t<after_third, entry<key_t<E, Path>, E, Path>>;
};

// Calls visit.template operator()<I>() for I = 0, 1, ..., N - 1, in order.
// A braced list, not a fold expression: clang++ nests a fold's operands and
// stops at 256, and a schedule can be longer.
// Always inlined, as the visits: the forward pass and the sweep must become
// one straight-line body (g++ otherwise stops inlining at its size limits).
template <std::size_t N, class Visit>
[[gnu::always_inline]] constexpr void for_each_index(Visit&& visit) {
  [&]<std::size_t... I>(std::index_sequence<I...>) __attribute__((always_inline)) {
    [[maybe_unused]] const int in_order[] = {0, (visit.template operator()<I>(), 0)...};
  }
  (std::make_index_sequence<N>{});
}

template <class Key, std::size_t Index, class Entry>
struct indexed {};

// Declared only, for decltype: a lookup by overload resolution on the
// schedule's bases, which makes no function (see value_rule in engine/detail/numbers.hpp).
template <std::size_t Index, class Key, class Entry>
Entry entry_at_index(const indexed<Key, Index, Entry>*);
template <class Key, std::size_t Index, class Entry>
std::integral_constant<std::size_t, Index> index_of_key(const indexed<Key, Index, Entry>*);

template <class Entries, class Indices>
struct laid_out;
template <class Seen, class... Entries, std::size_t... Indices>
struct laid_out<entries<Seen, Entries...>, std::index_sequence<Indices...>> {
  struct map : indexed<typename Entries::key, Indices, Entries>... {};
};

// The entry at Index in S, and the slot of the entry keyed Key, each found
// once: a class template's instances are remembered, where an alias would
// deduce from every one of the schedule's bases at each use.
template <class S, std::size_t Index>
struct entry_at {
  using type = decltype(entry_at_index<Index>(static_cast<const typename S::map*>(nullptr)));
};
template <class S, class Key>
struct slot_of : decltype(index_of_key<Key>(static_cast<const typename S::map*>(nullptr))) {};

// The slot of an entry's child-th operand, or the entry's own where it has none.
template <class S, std::size_t Index, std::size_t Child, class Node = typename S::template entry<Index>::node,
          bool HasOperand = (Child < operands<Node>::count)>
struct operand_slot : std::integral_constant<std::size_t, Index> {};
template <class S, std::size_t Index, std::size_t Child, class Node>
struct operand_slot<S, Index, Child, Node, true>
    : slot_of<S, key_t<operand_t<Node, Child>, child_path<typename S::template entry<Index>::path, Child>>> {};

}  // namespace detail

// The schedule of E: size entries, the root last.
template <class E>
struct schedule {
  using entries = typename detail::visit<E, detail::root_path, detail::entries<detail::nothing_seen>>::type;

 private:
  template <class Seen, class... Entries>
  static constexpr std::size_t count(detail::entries<Seen, Entries...>) {
    return sizeof...(Entries);
  }

 public:
  static constexpr std::size_t size = count(entries{});
  using map = typename detail::laid_out<entries, std::make_index_sequence<size>>::map;

  template <std::size_t Index>
  using entry = typename detail::entry_at<schedule, Index>::type;

  template <class Key>
  static constexpr std::size_t index_of = detail::slot_of<schedule, Key>::value;

  // The slot of the child-th operand of the entry at Index (Index itself if it has none).
  template <std::size_t Index, std::size_t Child>
  static constexpr std::size_t child_slot = detail::operand_slot<schedule, Index, Child>::value;

  template <class Key>
  static constexpr bool contains = detail::contains_key<entries, Key>::value;
};

namespace detail {

template <class Parent, std::size_t Child, class Root>
constexpr const auto& child_at(const Root& root, child_path<Parent, Child>);

// The node at Path below root (literals are read where they are held).
template <class Path, class Root>
constexpr const auto& node_at(const Root& root) {
  if constexpr (std::is_same_v<Path, root_path>) {
    return root;
  } else {
    return child_at(root, Path{});
  }
}
template <class Parent, std::size_t Child, class Root>
constexpr const auto& child_at(const Root& root, child_path<Parent, Child>) {
  const auto& parent = node_at<Parent>(root);
  return operands<std::remove_cvref_t<decltype(parent)>>::template of<Child>(parent);
}

}  // namespace detail

}  // namespace ctdiff
