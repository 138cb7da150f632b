// The one way the tests compare numbers approximately: close_to, with the
// tolerance written at each check. Catch2's Approx(v) alone allows 1.2e-5
// relative (float's epsilon times 100) whatever it compares, and .margin(m)
// only adds a second way to pass, so a bare Approx lets through a double off
// in its fifth digit. CTest's "tests compare through close_to" entry
// (tests/no_bare_approx.cmake) rejects Approx( anywhere else in tests/.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <string>

namespace ctdiff_test {

// What close_to returns, for ==. It keeps the value compared, which a failed
// check prints with every digit (Catch2 prints a double in fixed notation:
// 1e-14 as 0.00000000000001).
struct close_value {
  double expected;
  double relative;
  double absolute;
  mutable double compared = 0;

  friend bool operator==(double value, const close_value& close) {
    close.compared = value;
    const double allowed = std::max(close.relative * std::abs(close.expected), close.absolute);
    return value == close.expected || std::abs(value - close.expected) <= allowed;  // == for infinities; NaN fails
  }
};

// Passes within relative * |expected| of expected, or within absolute of it:
// the absolute bound is for values that may be near 0, where a relative bound
// means nothing. Use as CHECK(value == close_to(expected, 1e-12)).
inline close_value close_to(double expected, double relative, double absolute = 0) {
  return {expected, relative, absolute};
}

}  // namespace ctdiff_test

template <>
struct Catch::StringMaker<ctdiff_test::close_value> {
  static std::string convert(const ctdiff_test::close_value& close) {
    char text[160];
    std::snprintf(text, sizeof text, "close_to(%.17g, relative %g, absolute %g): the value %.17g is %.3g off",
                  close.expected, close.relative, close.absolute, close.compared, close.compared - close.expected);
    return text;
  }
};
