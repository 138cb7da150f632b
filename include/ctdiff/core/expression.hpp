// The expression node types. A model's type is its formula: every node is an
// empty type or a literal type that holds its operands by value, so an
// expression outlives the temporaries it was built from.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ctdiff/core/fixed_string.hpp>
#include <ctdiff/core/numbers.hpp>
#include <iterator>
#include <type_traits>

namespace ctdiff {

template <fixed_string Name, class T>
struct binding {
  T value;
};
template <fixed_string Name, class Column>
struct column_binding;  // train.hpp

template <class T>
inline constexpr bool is_column_binding_v = false;
template <fixed_string Name, class Column>
inline constexpr bool is_column_binding_v<column_binding<Name, Column>> = true;

namespace detail {
// A static_assert(always_false_v<T>, ...) fails only when its template is instantiated.
template <class...>
inline constexpr bool always_false_v = false;
}  // namespace detail

// A range whose elements are numbers (not characters: a string is text).
template <class R>
inline constexpr bool is_number_range_v = requires(const R& r) {
  std::begin(r);
  std::end(r);
}
&&std::is_arithmetic_v<std::remove_cvref_t<decltype(*std::begin(std::declval<const R&>()))>> &&
    !std::is_same_v<std::remove_cvref_t<decltype(*std::begin(std::declval<const R&>()))>, char>;

// A named scalar symbol: `constexpr auto x = var<"x">;`. Assigning a value to
// it makes a binding for at(...); the symbol itself never changes.
template <fixed_string Name>
struct symbol {
  using ctdiff_node = void;
  static constexpr fixed_string name = Name;

  // A number, or a pack of them (simd/pack.hpp): one sample per lane.
  template <class T>
  requires is_number_v<T>
  constexpr binding<Name, T> operator=(T value) const { return {value}; }

  // A whole data column for training: data(x = xs) in train.hpp.
  template <class Column>
  requires(!is_number_v<Column>) constexpr auto operator=(const Column& values) const {
    if constexpr (is_number_range_v<Column>) {
      return column_binding<Name, Column>(values);
    } else {
      static_assert(is_number_range_v<Column>,
                    "ctdiff: a symbol is bound to a number (at(x = 2.0)) or to a range of numbers (data(x = xs)); "
                    "this value is neither (the instantiation line names the symbol and the value's type)");
      return binding<Name, double>{};  // a binding, so the message above stays the only error
    }
  }
};

template <fixed_string Name>
inline constexpr symbol<Name> var{};

// A compile-time integer constant: folded and compared by simplification.
template <std::intmax_t N>
struct integer {
  using ctdiff_node = void;
  static constexpr std::intmax_t value = N;
};

template <std::intmax_t N>
inline constexpr integer<N> int_c{};

// A constant known only at run time (`0.5 * e`), converted to the value type
// of the evaluation, so a double literal in a float model computes in float.
template <class T>
struct literal {
  using ctdiff_node = void;
  T value;
};

// f(argument) for an elementary function or unary operator Op.
template <class Op, class A>
struct unary {
  using ctdiff_node = void;
  using operation = Op;
  using argument_type = A;
  [[no_unique_address]] A argument;
};

// left Op right for an arithmetic operator Op.
template <class Op, class L, class R>
struct binary {
  using ctdiff_node = void;
  using operation = Op;
  using left_type = L;
  using right_type = R;
  [[no_unique_address]] L left;
  [[no_unique_address]] R right;
};

// where(condition, then, otherwise): then where the condition holds, else
// otherwise (conditions.hpp). Both branches are nodes of the schedule, so a
// pack of samples computes both and blends them.
template <class C, class A, class B>
struct selection {
  using ctdiff_node = void;
  using condition_type = C;
  using then_type = A;
  using otherwise_type = B;
  [[no_unique_address]] C condition;
  [[no_unique_address]] A then;
  [[no_unique_address]] B otherwise;
};

namespace detail {
// A named value is an expression of its expression's kind: scalar here;
// tensor/nodes.hpp makes the name of a tensor expression a tensor node.
template <class E>
struct named_kind {
  using ctdiff_node = void;
};
}  // namespace detail

// let<"h">(e): e as one named value. Wherever the name appears in a model it
// is computed once per evaluation, whatever e holds, and it prints as its
// name (schedule.hpp, print.hpp).
template <fixed_string Name, class E>
struct named : detail::named_kind<E> {
  using expression_type = E;
  static constexpr fixed_string name = Name;
  [[no_unique_address]] E expression;
};

// A comparison (x > 0) or a combination of them (&&, ||, !): a node of the
// schedule, valued 1 or 0, but not an expression: it stands only as the
// first argument of where(...) (conditions.hpp).
template <class T>
inline constexpr bool is_condition_v = false;
template <class Op, class L, class R>
requires(Op::is_condition) inline constexpr bool is_condition_v<binary<Op, L, R>> = true;
template <class Op, class A>
requires(Op::is_condition) inline constexpr bool is_condition_v<unary<Op, A>> = true;

template <class T>
concept Expression = requires {
  typename std::remove_cvref_t<T>::ctdiff_node;
}
&&!is_condition_v<std::remove_cvref_t<T>>;

template <class T>
concept Condition = is_condition_v<std::remove_cvref_t<T>>;

// A node of a tensor expression (tensor/nodes.hpp), declared here so that the
// scalar operators leave an operator with a tensor operand to the tensor ones.
template <class T>
concept TensorExpression = requires {
  typename std::remove_cvref_t<T>::ctdiff_tensor_node;
};

// What may stand beside an expression in an operator: an expression or a plain number.
template <class T>
concept Operand = Expression<T> || is_number_v<std::remove_cvref_t<T>>;

template <class T>
concept Number = std::is_arithmetic_v<T>;

template <class T>
inline constexpr bool is_symbol_v = false;
template <fixed_string Name>
inline constexpr bool is_symbol_v<symbol<Name>> = true;

// What wrt(...) accepts: scalar symbols here; tensor/nodes.hpp adds tensor symbols.
template <class T>
inline constexpr bool is_wrt_symbol_v = is_symbol_v<T>;

template <class T>
inline constexpr bool is_unary_v = false;
template <class Op, class A>
inline constexpr bool is_unary_v<unary<Op, A>> = true;

template <class T>
inline constexpr bool is_binary_v = false;
template <class Op, class L, class R>
inline constexpr bool is_binary_v<binary<Op, L, R>> = true;

template <class T>
inline constexpr bool is_selection_v = false;
template <class C, class A, class B>
inline constexpr bool is_selection_v<selection<C, A, B>> = true;

template <class T>
inline constexpr bool is_named_v = false;
template <fixed_string Name, class E>
inline constexpr bool is_named_v<named<Name, E>> = true;

template <fixed_string Name, Expression E>
constexpr named<Name, E> let(const E& e) {
  return {{}, e};
}

template <class T>
inline constexpr bool is_integer_v = false;
template <std::intmax_t N>
inline constexpr bool is_integer_v<integer<N>> = true;

template <class T>
inline constexpr bool is_zero_v = std::is_same_v<T, integer<0>>;
template <class T>
inline constexpr bool is_one_v = std::is_same_v<T, integer<1>>;

namespace detail {
// The operands of a node: none for a leaf (a symbol, a number); one for f(x),
// a name and a tensor function; two for a binary operation, scalar or tensor;
// three for where(...), the condition first.
// One trait, so that the schedule and every question asked of a model
// (contains_symbol, symbols_of) serve both kinds.
template <class Node>
struct operands {
  static constexpr std::size_t count = 0;
};
template <class Node>
requires requires { typename Node::argument_type; }
struct operands<Node> {
  static constexpr std::size_t count = 1;
  template <std::size_t>
  using type = typename Node::argument_type;
  template <std::size_t>
  static constexpr const auto& of(const Node& node) {
    return node.argument;
  }
};
template <fixed_string Name, class E>
struct operands<named<Name, E>> {
  static constexpr std::size_t count = 1;
  template <std::size_t>
  using type = E;
  template <std::size_t>
  static constexpr const E& of(const named<Name, E>& node) {
    return node.expression;
  }
};
template <class Node>
requires requires {
  typename Node::left_type;
  typename Node::right_type;
}
struct operands<Node> {
  static constexpr std::size_t count = 2;
  template <std::size_t Operand>
  using type = std::conditional_t<Operand == 0, typename Node::left_type, typename Node::right_type>;
  template <std::size_t Operand>
  static constexpr const auto& of(const Node& node) {
    if constexpr (Operand == 0) {
      return node.left;
    } else {
      return node.right;
    }
  }
};

template <class C, class A, class B>
struct operands<selection<C, A, B>> {
  static constexpr std::size_t count = 3;
  template <std::size_t Operand>
  using type = std::conditional_t<Operand == 0, C, std::conditional_t<Operand == 1, A, B>>;
  template <std::size_t Operand>
  static constexpr const auto& of(const selection<C, A, B>& node) {
    if constexpr (Operand == 0) {
      return node.condition;
    } else if constexpr (Operand == 1) {
      return node.then;
    } else {
      return node.otherwise;
    }
  }
};

template <class Node, std::size_t Operand>
using operand_t = typename operands<Node>::template type<Operand>;

// Does the expression type E contain the symbol S? (Decided by the type
// alone.) A type, not a variable, as the schedule's lookups (see value_rule
// in engine/detail/numbers.hpp): it is asked for every node and symbol of a model.
template <class E, class S, std::size_t Operands = operands<E>::count>
struct contains_symbol : std::is_same<E, S> {};
template <class E, class S>
struct contains_symbol<E, S, 1> : contains_symbol<operand_t<E, 0>, S> {};
template <class E, class S>
struct contains_symbol<E, S, 2>
    : std::disjunction<contains_symbol<operand_t<E, 0>, S>, contains_symbol<operand_t<E, 1>, S>> {};
template <class E, class S>
struct contains_symbol<E, S, 3>
    : std::disjunction<contains_symbol<operand_t<E, 0>, S>, contains_symbol<operand_t<E, 1>, S>,
                       contains_symbol<operand_t<E, 2>, S>> {};
}  // namespace detail

template <class E, class S>
inline constexpr bool contains_v = detail::contains_symbol<E, S>::value;

// Is the value of E fixed by its type alone (no runtime literal inside)?
// Only such types can be compared for equality at compile time, which is what
// collecting like terms (x*x -> x^2) needs.
template <class E>
inline constexpr bool is_static_v = true;
template <class T>
inline constexpr bool is_static_v<literal<T>> = false;
template <class Op, class A>
inline constexpr bool is_static_v<unary<Op, A>> = is_static_v<A>;
template <class Op, class L, class R>
inline constexpr bool is_static_v<binary<Op, L, R>> = is_static_v<L>&& is_static_v<R>;
template <class C, class A, class B>
inline constexpr bool is_static_v<selection<C, A, B>> = is_static_v<C>&& is_static_v<A>&& is_static_v<B>;
// A named value is one value by its name, whatever literals it holds.
template <fixed_string Name, class E>
inline constexpr bool is_static_v<named<Name, E>> = true;

}  // namespace ctdiff
