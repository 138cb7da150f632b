// Bindings: at(x = 2.0, y = 3.0) is a flat aggregate of values. Looking a
// symbol up is overload resolution against one base class, resolved at
// compile time, with no search through a type list.
#pragma once

#include <cstddef>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/core/families.hpp>
#include <ctdiff/core/numbers.hpp>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctdiff {

template <class... Bindings>
struct bindings;

namespace detail {

template <fixed_string Name, class T>
constexpr T& bound_value(binding<Name, T>& b) {
  return b.value;
}
template <fixed_string Name, class T>
constexpr const T& bound_value(const binding<Name, T>& b) {
  return b.value;
}

template <class B, fixed_string Name>
inline constexpr bool is_bound_v = requires(const B& b) {
  detail::bound_value<Name>(b);
};

// Where a symbol's value should have come from. require<Name, Bound>() is
// instantiated for every symbol an entry point checks, with Bound false only
// for a missing one, so the compiler's instantiation line names it
// ([with Name = "theta"]). A function, not a class: on clang++ a class whose
// static_assert failed makes every later use of it another error.
struct bound_in_at {
  template <fixed_string Name, bool Bound>
  static constexpr void require() {
    static_assert(Bound, "ctdiff: this symbol is used in the expression but not bound in at(...)");
  }
};
// fit, fit_newton and least_squares, scalar and tensor.
struct bound_in_params_or_data {
  template <fixed_string Name, bool Bound>
  static constexpr void require() {
    static_assert(Bound,
                  "ctdiff: this symbol is used in the loss but is neither a parameter in params(...) nor bound in "
                  "data(...), to a column (x = xs, samples(x, X)) or to a constant (lambda = 1e-3)");
  }
};
// least_squares(residuals(...), params(...)), which has no data.
struct bound_in_params {
  template <fixed_string Name, bool Bound>
  static constexpr void require() {
    static_assert(Bound, "ctdiff: this symbol is used in residuals(...) but is not a parameter in params(...)");
  }
};
// predict(model, parameters, data(...)).
struct bound_in_parameters_or_data {
  template <fixed_string Name, bool Bound>
  static constexpr void require() {
    static_assert(Bound,
                  "ctdiff: this symbol is used in the model but is neither one of the parameters given to predict "
                  "nor bound in data(...)");
  }
};

// Instantiated for each symbol of data(...), InBoth true for one that is also
// a parameter, so that the instantiation line names it.
template <fixed_string Name, bool InBoth>
constexpr void require_not_in_params_and_data() {
  static_assert(!InBoth,
                "ctdiff: this symbol is both a parameter in params(...) and bound in data(...): a parameter is "
                "fitted, a constant in data(...) is held fixed; bind it in one of them");
}

template <class T>
using floating_t = std::conditional_t<is_real_v<T>, T, double>;

// The values' common type is a number: a class (a pack, a dual number) or
// arithmetic. For a pack of doubles beside a pack of floats clang++ finds the
// raw vector register, which both convert to and ctdiff does not compute in.
template <class... Ts>
concept have_common_number = requires {
  typename std::common_type_t<floating_t<Ts>...>;
}
&&(std::is_class_v<std::common_type_t<floating_t<Ts>...>> ||
   std::is_arithmetic_v<std::common_type_t<floating_t<Ts>...>>);

// Instantiated for each value of at(...), Common false for the first whose
// number type has none in common with the values before it, so that the
// instantiation line names its symbol and its type.
template <fixed_string Name, class T, bool Common>
constexpr void require_common_number() {
  static_assert(Common,
                "ctdiff: this symbol's value has no number type in common with the values bound before it in "
                "at(...) (a pack of floats beside a pack of doubles, say): bind every value as one number type, "
                "or plain numbers beside packs of one type");
}

template <class Values, std::size_t... I>
constexpr bool first_have_common_number(std::index_sequence<I...>) {
  return have_common_number<std::tuple_element_t<I, Values>...>;
}

// The value at Index has a number type in common with those before it, or
// those have none among themselves: only the first culprit is reported.
template <class Values, std::size_t Index>
constexpr bool common_with_earlier() {
  if constexpr (Index == 0) {
    return true;
  } else {
    return first_have_common_number<Values>(std::make_index_sequence<Index + 1>{}) ||
           !first_have_common_number<Values>(std::make_index_sequence<Index>{});
  }
}

template <fixed_string... Names, class... Ts>
constexpr void report_values_without_common_number(const binding<Names, Ts>&...) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (require_common_number<Names, Ts, common_with_earlier<std::tuple<Ts...>, I>()>(), ...);
  }
  (std::index_sequence_for<Ts...>{});
}

template <fixed_string... Names>
constexpr bool all_distinct() {
  std::string_view names[] = {Names.view()..., ""};
  for (std::size_t i = 0; i != sizeof...(Names); ++i)
    for (std::size_t j = i + 1; j != sizeof...(Names); ++j)
      if (names[i] == names[j]) return false;
  return true;
}

}  // namespace detail

// The values are public members of the bases; change one in place with b[x] = 3.0.
template <fixed_string... Names, class... Ts>
struct bindings<binding<Names, Ts>...> : binding<Names, Ts>... {
  // The type every evaluation under these bindings computes in: the common
  // type of the bound values (integers count as double).
  using value_type = std::common_type_t<detail::floating_t<Ts>...>;

  template <fixed_string Name>
  constexpr auto& operator[](symbol<Name>) {
    return detail::bound_value<Name>(*this);
  }
  template <fixed_string Name>
  constexpr const auto& operator[](symbol<Name>) const {
    return detail::bound_value<Name>(*this);
  }
  // A family's values, as an array in the order of its members.
  template <fixed_string Name, std::size_t N>
  constexpr auto operator[](symbol_family<Name, N> family) const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array{(*this)[family[std::integral_constant<std::size_t, I>{}]]...};
    }
    (std::make_index_sequence<N>{});
  }
};

// With no values bound, constant expressions evaluate in double.
template <>
struct bindings<> {
  using value_type = double;
};

// x = xs with a range xs is a data column, which at(...) cannot hold.
template <class... Arguments>
requires(is_column_binding_v<Arguments> || ...) constexpr bindings<> at(const Arguments&...) {
  static_assert(detail::always_false_v<Arguments...>,
                "ctdiff: at(x = value) binds one number to a scalar symbol; a range of numbers is a data column, "
                "bound with data(x = values) for fit(...)");
  return {};
}

namespace detail {
// Copies an argument of at(...) into the bindings b: one value, or a family's each into its member's.
template <class B, fixed_string Name, class T>
constexpr void bind_into(B& b, const binding<Name, T>& one) {
  bound_value<Name>(b) = one.value;
}
template <class B, fixed_string Name, std::size_t N, class T>
constexpr void bind_into(B& b, const family_binding<Name, N, T>& family) {
  [&]<std::size_t... I>(std::index_sequence<I...>) { ((bound_value<member_name<Name, I>>(b) = family.values[I]), ...); }
  (std::make_index_sequence<N>{});
}

template <class List>
struct bindings_of;
template <fixed_string... Names, class... Ts>
struct bindings_of<type_list<binding<Names, Ts>...>> {
  using type = bindings<binding<Names, Ts>...>;
  static constexpr bool distinct = all_distinct<Names...>();
};
}  // namespace detail

// A family binds each of its members: at(theta = coefficients, x = 0.5).
template <class... Arguments>
requires(is_family_binding_v<Arguments> || ...) constexpr auto at(const Arguments&... arguments) {
  using spread = detail::bindings_of<detail::member_bindings_t<Arguments...>>;
  static_assert(spread::distinct, "ctdiff: a symbol is bound twice in at(...)");
  typename spread::type b{};
  (detail::bind_into(b, arguments), ...);
  return b;
}

template <fixed_string... Names, class... Ts>
constexpr auto at(binding<Names, Ts>... values) {
  if constexpr (!detail::all_distinct<Names...>()) {
    static_assert(detail::all_distinct<Names...>(), "ctdiff: a symbol is bound twice in at(...)");
  } else if constexpr (!detail::have_common_number<Ts...>) {
    detail::report_values_without_common_number(values...);
    return bindings<binding<Names, double>...>{};  // evaluable: the message above stays the only error
  } else {
    return bindings<binding<Names, Ts>...>{values...};
  }
}

}  // namespace ctdiff
