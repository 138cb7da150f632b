// What every example does after training: print a number beside the value
// it should have and remember any miss, so the program's exit status (and
// the "FAIL" CTest looks for) says whether the example did what it claims.
#pragma once

#include <cmath>
#include <cstdio>
#include <string_view>

namespace example {

inline int failures = 0;

inline void expect(bool condition, std::string_view what) {
  if (!condition) {
    ++failures;
    std::printf("FAIL: %.*s\n", static_cast<int>(what.size()), what.data());
  }
}

// Prints "label = value (expected expected)" and checks |value - expected| <= tolerance.
inline void expect_near(std::string_view label, double value, double expected, double tolerance) {
  std::printf("%.*s = %.6g (expected %.6g)\n", static_cast<int>(label.size()), label.data(), value, expected);
  expect(std::abs(value - expected) <= tolerance, label);
}

inline int exit_code() {
  if (failures == 0) {
    std::printf("all checks passed\n");
    return 0;
  }
  std::printf("FAIL: %d checks failed\n", failures);
  return 1;
}

}  // namespace example
