// What the library computes with: plain numbers, and packs of numbers that
// compute lane by lane (simd/pack.hpp makes xsimd's batches packs). A pack
// passes through the same forward pass and reverse sweep as a double, so one
// evaluation computes several samples; what differs is how a condition
// picks a value: c ? a : b for a bool, a blend of lanes for a pack's mask.
#pragma once

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

// How a function runs on the lanes of x. map: f applied to each lane, one at
// a time, for the functions whose vectorised form is less accurate than the
// standard library's (a number has one lane: f(x)). A pack type specializes
// this, and may add a function of its own where its library's is slow (exp).
template <class T>
struct lanes {
  template <class F>
  static constexpr auto map(F f, const T& x) {
    return f(x);
  }
  template <class F, class U>
  static constexpr auto map(F f, const T& x, const U& y) {
    return f(x, y);
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
