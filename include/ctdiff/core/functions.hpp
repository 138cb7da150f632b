// The elementary functions. Each one is a small struct holding its value and
// its derivative, so how sin is differentiated is written next to sin:
// derivative(x, f) is df/dx given the argument x and the value f = f(x),
// which lets the reverse sweep reuse stored values (sigmoid' = f(1 - f)).
// Called with expressions it builds the symbolic derivative; with numbers,
// it computes the local partial.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/core/arithmetic.hpp>
#include <numbers>
#include <string_view>
#include <type_traits>

namespace ctdiff {

// f(a) for an expression a: a node; for a number: the value.
template <class Op, class A>
constexpr auto make_call(const A& a) {
  if constexpr (is_number_v<A>) {
    return Op::apply(a);
  } else {
    return unary<Op, A>{a};
  }
}

struct cos_op;
struct sin_op;
struct heaviside_op;
struct sign_op;
struct sigmoid_op;

struct sqrt_op {
  static constexpr std::string_view name = "sqrt";
  static auto apply(auto x) {
    using std::sqrt;
    return sqrt(x);
  }
  static constexpr auto derivative(const auto&, const auto& f) { return int_c<1> / (int_c<2> * f); }
};

struct exp_op {
  static constexpr std::string_view name = "exp";
  // A pack type chooses how (core/numbers.hpp's lanes).
  static auto apply(auto x) { return detail::lanes<decltype(x)>::exp(x); }
  // Independent arguments side by side, where a pack type evaluates them together.
  template <class T, std::size_t N>
  static auto apply_together(const std::array<T, N>& x) -> decltype(detail::lanes<T>::exp(x)) {
    return detail::lanes<T>::exp(x);
  }
  static constexpr auto derivative(const auto&, const auto& f) { return f; }
};

struct log_op {
  static constexpr std::string_view name = "log";
  // A pack type chooses how (core/numbers.hpp's lanes).
  static auto apply(auto x) { return detail::lanes<decltype(x)>::log(x); }
  static constexpr auto derivative(const auto& x, const auto&) { return int_c<1> / x; }
};

struct sin_op {
  static constexpr std::string_view name = "sin";
  static auto apply(auto x) {
    using std::sin;
    return sin(x);
  }
  static constexpr auto derivative(const auto& x, const auto&) { return make_call<cos_op>(x); }
};

struct cos_op {
  static constexpr std::string_view name = "cos";
  static auto apply(auto x) {
    using std::cos;
    return cos(x);
  }
  static constexpr auto derivative(const auto& x, const auto&) { return -make_call<sin_op>(x); }
};

struct tanh_op {
  static constexpr std::string_view name = "tanh";
  static auto apply(auto x) {
    using std::tanh;
    return tanh(x);
  }
  static constexpr auto derivative(const auto&, const auto& f) { return int_c<1> - make_power<2>(f); }
};

// sigmoid(z) = 1/(1 + exp(-z)); sigmoid' = sigmoid*(1 - sigmoid).
struct sigmoid_op {
  static constexpr std::string_view name = "sigmoid";
  // A pack type chooses how (core/numbers.hpp's lanes).
  static auto apply(auto x) { return detail::lanes<decltype(x)>::sigmoid(x); }
  // Independent arguments side by side, where a pack type evaluates them together.
  template <class T, std::size_t N>
  static auto apply_together(const std::array<T, N>& x) -> decltype(detail::lanes<T>::sigmoid(x)) {
    return detail::lanes<T>::sigmoid(x);
  }
  static constexpr auto derivative(const auto&, const auto& f) { return f * (int_c<1> - f); }
};

// atan' = 1/(1 + x^2).
struct atan_op {
  static constexpr std::string_view name = "atan";
  static auto apply(auto x) {
    using std::atan;
    return atan(x);
  }
  static constexpr auto derivative(const auto& x, const auto&) {
    return make_quotient(int_c<1>, make_sum(int_c<1>, make_power<2>(x)));
  }
};

// log1p(x) = log(1 + x), exact for small x; its derivative 1/(1 + x).
struct log1p_op {
  static constexpr std::string_view name = "log1p";
  // A pack type chooses how (core/numbers.hpp's lanes).
  static auto apply(auto x) { return detail::lanes<decltype(x)>::log1p(x); }
  static constexpr auto derivative(const auto& x, const auto&) {
    return make_quotient(int_c<1>, make_sum(int_c<1>, x));
  }
};

// expm1(x) = exp(x) - 1, exact for small x. The derivative is exp(x), not
// expm1(x) + 1, which loses the relative accuracy of exp(x) for x << 0.
struct expm1_op {
  static constexpr std::string_view name = "expm1";
  static auto apply(auto x) {
    using std::expm1;
    return expm1(x);
  }
  static constexpr auto derivative(const auto& x, const auto&) { return make_call<exp_op>(x); }
};

// softplus(x) = log(1 + exp(x)), computed as log1p(exp(-|x|)) + max(x, 0)
// so that exp never overflows; softplus' = sigmoid.
struct softplus_op {
  static constexpr std::string_view name = "softplus";
  static auto apply(auto x) {
    return log1p_op::apply(exp_op::apply(choose(x < 0, x, -x))) + choose(x > 0, x, decltype(x)(0));
  }
  static constexpr auto derivative(const auto& x, const auto&) { return make_call<sigmoid_op>(x); }
};

// erf' = 2/sqrt(pi) exp(-x^2).
struct erf_op {
  static constexpr std::string_view name = "erf";
  // A pack type chooses how (core/numbers.hpp's lanes).
  static auto apply(auto x) { return detail::lanes<decltype(x)>::erf(x); }
  static constexpr auto derivative(const auto& x, const auto&) {
    return make_product(2 * std::numbers::inv_sqrtpi, make_call<exp_op>(make_negate(make_power<2>(x))));
  }
};

struct atan2_op;

template <class A, class B>
constexpr auto make_atan2(const A& a, const B& b) {
  return make_call<atan2_op>(a, b, [](auto y, auto x) {
    using std::atan2;
    return atan2(y, x);
  });
}

// atan2(a, b), the angle of the point (b, a): a two-argument function, printed
// as one. d/da = b/(a^2 + b^2), d/db = -a/(a^2 + b^2).
struct atan2_op {
  static constexpr std::string_view name = "atan2";
  static constexpr precedence binding = precedence::atom;
  static auto apply(auto a, auto b) { return make_atan2(a, b); }
  static constexpr auto d_left(const auto& a, const auto& b, const auto&) {
    return make_quotient(b, make_sum(make_power<2>(a), make_power<2>(b)));
  }
  static constexpr auto d_right(const auto& a, const auto& b, const auto&) {
    return make_quotient(make_negate(a), make_sum(make_power<2>(a), make_power<2>(b)));
  }
};

// relu'(0) = 0, as PyTorch.
struct relu_op {
  static constexpr std::string_view name = "relu";
  static constexpr auto apply(auto x) { return choose(x > 0, x, decltype(x)(0)); }
  static constexpr auto derivative(const auto& x, const auto&) { return make_call<heaviside_op>(x); }
};

// abs'(0) = 0, as PyTorch.
struct abs_op {
  static constexpr std::string_view name = "abs";
  static constexpr auto apply(auto x) { return choose(x < 0, -x, x); }
  static constexpr auto derivative(const auto& x, const auto&) { return make_call<sign_op>(x); }
};

// The step function, relu's derivative: 1 for x > 0, else 0. Its own derivative is 0.
struct heaviside_op {
  static constexpr std::string_view name = "step";
  static constexpr auto apply(auto x) { return condition_value<decltype(x)>(x > 0); }
  static constexpr auto derivative(const auto&, const auto&) { return int_c<0>; }
};

// -1, 0 or 1, abs's derivative. Its own derivative is 0.
struct sign_op {
  static constexpr std::string_view name = "sign";
  static constexpr auto apply(auto x) {
    return condition_value<decltype(x)>(x > 0) - condition_value<decltype(x)>(x < 0);
  }
  static constexpr auto derivative(const auto&, const auto&) { return int_c<0>; }
};

// The public functions take expressions; std:: keeps the ones for numbers.
template <Expression E>
constexpr auto sqrt(const E& e) {
  return make_call<sqrt_op>(e);
}
template <Expression E>
constexpr auto exp(const E& e) {
  return make_call<exp_op>(e);
}
template <Expression E>
constexpr auto log(const E& e) {
  return make_call<log_op>(e);
}
template <Expression E>
constexpr auto sin(const E& e) {
  return make_call<sin_op>(e);
}
template <Expression E>
constexpr auto cos(const E& e) {
  return make_call<cos_op>(e);
}
template <Expression E>
constexpr auto tanh(const E& e) {
  return make_call<tanh_op>(e);
}
template <Expression E>
constexpr auto sigmoid(const E& e) {
  return make_call<sigmoid_op>(e);
}
template <Expression E>
constexpr auto relu(const E& e) {
  return make_call<relu_op>(e);
}
template <Expression E>
constexpr auto abs(const E& e) {
  return make_call<abs_op>(e);
}
template <Expression E>
constexpr auto atan(const E& e) {
  return make_call<atan_op>(e);
}
template <Expression E>
constexpr auto log1p(const E& e) {
  return make_call<log1p_op>(e);
}
template <Expression E>
constexpr auto expm1(const E& e) {
  return make_call<expm1_op>(e);
}
template <Expression E>
constexpr auto softplus(const E& e) {
  return make_call<softplus_op>(e);
}
template <Expression E>
constexpr auto erf(const E& e) {
  return make_call<erf_op>(e);
}
// atan2(a, b): a or b may be a number.
template <class A, class B>
requires detail::is_arithmetic_call_v<A, B>
constexpr auto atan2(const A& a, const B& b) { return make_atan2(a, b); }
template <Expression E>
constexpr auto step(const E& e) {
  return make_call<heaviside_op>(e);
}
template <Expression E>
constexpr auto sign(const E& e) {
  return make_call<sign_op>(e);
}

}  // namespace ctdiff
