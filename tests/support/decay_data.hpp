// Samples of y = 2.5·exp(−1.3·x) + 0.5 with a small wobble on [−1, 1], for
// the tests of packs of samples: 10,003 of them, no multiple of any pack
// width, so the last samples of every sum go one at a time.
#pragma once

#include <cmath>
#include <vector>

namespace ctdiff_test {

struct decay_data {
  std::vector<double> xs, ys;
  decay_data() {
    for (int i = 0; i != 10003; ++i) {
      xs.push_back(-1 + 2.0 * i / 10002);
      ys.push_back(2.5 * std::exp(-1.3 * xs.back()) + 0.5 + 0.01 * std::sin(3.0 * i));
    }
  }
};

}  // namespace ctdiff_test
