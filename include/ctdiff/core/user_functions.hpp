// A user's own function: function<"J0">(value, derivative). Its value is the
// user's lambda, called with the evaluation's number type; its derivative is
// the user's second lambda, called with the argument as an expression and
// returning an expression, so the library applies the chain rule, prints it
// and differentiates it again as far as the derivatives given allow. The
// reverse sweep evaluates that expression at the argument's value
// (engine/gradient.hpp).
#pragma once

#include <ctdiff/core/fixed_string.hpp>
#include <ctdiff/core/functions.hpp>
#include <string_view>
#include <type_traits>

namespace ctdiff {

namespace detail {
// The derivative of a function declared without one.
struct no_derivative {};

template <fixed_string Name, bool Given>
constexpr bool function_has_derivative() {
  static_assert(Given,
                "ctdiff: a function<\"name\">(value) declared without a derivative is differentiated here; give "
                "function<\"name\">(value, derivative) its derivative as a second lambda (the instantiation line "
                "names the function)");
  return Given;
}
}  // namespace detail

template <fixed_string Name, class Value, class Derivative>
struct user_function_op {
  static constexpr std::string_view name = Name.view();
  static constexpr bool is_user_function = true;
  static constexpr auto apply(auto x) { return Value{}(x); }
  // The derivative as an expression in the argument x (an expression).
  static constexpr auto derivative(const auto& x, const auto&) {
    if constexpr (detail::function_has_derivative<Name, !std::is_same_v<Derivative, detail::no_derivative>>()) {
      return Derivative{}(x);
    } else {
      return int_c<0>;  // the message above stays the only error
    }
  }
};

// What function<"name">(...) makes: called with an expression it builds the
// node, with a number it computes the value.
template <fixed_string Name, class Value, class Derivative>
struct user_function {
  template <class A>
  requires Operand<A>
  constexpr auto operator()(const A& a) const { return make_call<user_function_op<Name, Value, Derivative>>(a); }
};

// function<"name">(value) or function<"name">(value, derivative): lambdas
// without captures, so that the function is a type and costs nothing to copy.
template <fixed_string Name, class Value, class Derivative = detail::no_derivative>
constexpr user_function<Name, Value, Derivative> function(Value, Derivative = {}) {
  static_assert(std::is_empty_v<Value> && std::is_default_constructible_v<Value> && std::is_empty_v<Derivative> &&
                    std::is_default_constructible_v<Derivative>,
                "ctdiff: function<\"name\">(value, derivative) takes lambdas without captures");
  return {};
}

}  // namespace ctdiff
