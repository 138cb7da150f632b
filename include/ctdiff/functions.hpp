// The elementary functions. Each one is a small struct holding its value and
// its derivative, so how sin is differentiated is written next to sin:
// derivative(x, f) is df/dx given the argument x and the value f = f(x),
// which lets the reverse sweep reuse stored values (sigmoid' = f(1 - f)).
// Called with expressions it builds the symbolic derivative; with numbers,
// it computes the local partial.
#pragma once

#include <cmath>
#include <ctdiff/arithmetic.hpp>
#include <string_view>
#include <type_traits>

namespace ctdiff {

// f(a) for an expression a: a node; for a number: the value.
template <class Op, class A>
constexpr auto make_call(const A& a) {
  if constexpr (std::is_arithmetic_v<A>) {
    return Op::apply(a);
  } else {
    return unary<Op, A>{a};
  }
}

struct cos_op;
struct sin_op;
struct heaviside_op;
struct sign_op;

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
  static auto apply(auto x) {
    using std::exp;
    return exp(x);
  }
  static constexpr auto derivative(const auto&, const auto& f) { return f; }
};

struct log_op {
  static constexpr std::string_view name = "log";
  static auto apply(auto x) {
    using std::log;
    return log(x);
  }
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
  static auto apply(auto x) {
    using std::exp;
    return decltype(x)(1) / (decltype(x)(1) + exp(-x));
  }
  static constexpr auto derivative(const auto&, const auto& f) { return f * (int_c<1> - f); }
};

// relu'(0) = 0, as PyTorch.
struct relu_op {
  static constexpr std::string_view name = "relu";
  static constexpr auto apply(auto x) { return x > 0 ? x : decltype(x)(0); }
  static constexpr auto derivative(const auto& x, const auto&) { return make_call<heaviside_op>(x); }
};

// abs'(0) = 0, as PyTorch.
struct abs_op {
  static constexpr std::string_view name = "abs";
  static constexpr auto apply(auto x) { return x < 0 ? -x : x; }
  static constexpr auto derivative(const auto& x, const auto&) { return make_call<sign_op>(x); }
};

// The step function, relu's derivative: 1 for x > 0, else 0. Its own derivative is 0.
struct heaviside_op {
  static constexpr std::string_view name = "step";
  static constexpr auto apply(auto x) { return decltype(x)(x > 0 ? 1 : 0); }
  static constexpr auto derivative(const auto&, const auto&) { return int_c<0>; }
};

// -1, 0 or 1, abs's derivative. Its own derivative is 0.
struct sign_op {
  static constexpr std::string_view name = "sign";
  static constexpr auto apply(auto x) { return decltype(x)((x > 0) - (x < 0)); }
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
constexpr auto step(const E& e) {
  return make_call<heaviside_op>(e);
}
template <Expression E>
constexpr auto sign(const E& e) {
  return make_call<sign_op>(e);
}

}  // namespace ctdiff
