// What the library computes with: plain numbers, and packs of numbers that
// compute lane by lane (simd/pack.hpp makes xsimd's batches packs). A pack
// passes through the same forward pass and reverse sweep as a double, so one
// evaluation computes several samples; what differs is how a condition
// picks a value: c ? a : b for a bool, a blend of lanes for a pack's mask.
#pragma once

#include <cmath>
#include <type_traits>

namespace ctdiff {

template <class T>
inline constexpr bool is_pack_v = false;

// A plain number or a pack: what the partials are computed with in the sweep.
template <class T>
inline constexpr bool is_number_v = std::is_arithmetic_v<T> || is_pack_v<T>;

// A floating-point number or a pack of them.
template <class T>
inline constexpr bool is_real_v = std::is_floating_point_v<T> || is_pack_v<T>;

namespace detail {

// How the result of a comparison picks between values: for a bool, the
// conditional operator; a pack's mask type specializes this with a blend.
template <class Condition>
struct condition_traits {
  template <class A, class B>
  static constexpr auto choose(bool c, const A& a, const B& b) {
    return c ? a : b;
  }
  // The condition as a value of type T: 1 where it holds, else 0.
  template <class T>
  static constexpr T as_value(bool c) {
    return c ? T(1) : T(0);
  }
};

// The functions whose evaluation a pack type chooses for itself. For a
// number, the standard library's, found by argument-dependent lookup as well,
// so that a number type of the user's brings its own. A pack type specializes
// this (simd/pack.hpp) and decides per function: its SIMD library's, code of
// its own where that library's is slow, or the standard library's on each
// lane in turn where the vectorised one is not within 2 ulp of it.
template <class T>
struct lanes {
  static auto exp(const T& x) {
    using std::exp;
    return exp(x);
  }
  static auto log(const T& x) {
    using std::log;
    return log(x);
  }
  static auto sigmoid(const T& x) { return T(1) / (T(1) + exp(-x)); }
  static auto log1p(const T& x) {
    using std::log1p;
    return log1p(x);
  }
  static auto erf(const T& x) {
    using std::erf;
    return erf(x);
  }
  template <class U>
  static auto pow(const T& base, const U& exponent) {
    using std::pow;
    return pow(base, exponent);
  }
};

}  // namespace detail

// v as a T: a constant meets a pack as the pack's element type, in every lane.
template <class T, class V>
constexpr T number_as(const V& v) {
  if constexpr (is_pack_v<T> && !is_pack_v<V>) {
    return T(static_cast<typename T::value_type>(v));
  } else {
    return static_cast<T>(v);
  }
}

// a where c holds, else b; lane by lane for a pack's mask.
template <class C, class A, class B>
constexpr auto choose(const C& c, const A& a, const B& b) {
  return detail::condition_traits<C>::choose(c, a, b);
}

// A comparison's result as a value of type T: 1 where it holds, else 0.
template <class T, class C>
constexpr T condition_value(const C& c) {
  if constexpr (std::is_same_v<C, T>) {
    return c;
  } else {
    return detail::condition_traits<C>::template as_value<T>(c);
  }
}

}  // namespace ctdiff
