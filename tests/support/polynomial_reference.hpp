// A degree-8 polynomial's least-squares coefficients, by the normal
// equations, computed apart from the library, and the samples the family
// tests fit.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace ctdiff_test {

// cos(2t) + 0.1 sin(9t) at 60 points of [-1, 1].
struct polynomial_samples {
  std::vector<double> xs, ys;
  polynomial_samples() {
    for (int i = 0; i != 60; ++i) {
      const double t = -1 + 2.0 * i / 59;
      xs.push_back(t);
      ys.push_back(std::cos(2 * t) + 0.1 * std::sin(9 * t));
    }
  }
};

// The least-squares polynomial by the normal equations (XᵀX)θ = Xᵀy, by
// Gaussian elimination with partial pivoting.
inline std::array<double, 9> normal_equations_solution(const std::vector<double>& xs, const std::vector<double>& ys) {
  std::array<std::array<double, 10>, 9> system{};
  for (std::size_t s = 0; s != xs.size(); ++s) {
    std::array<double, 9> row{};
    for (std::size_t i = 0; i != 9; ++i) row[i] = std::pow(xs[s], double(i));
    for (std::size_t i = 0; i != 9; ++i) {
      for (std::size_t j = 0; j != 9; ++j) system[i][j] += row[i] * row[j];
      system[i][9] += row[i] * ys[s];
    }
  }
  for (std::size_t column = 0; column != 9; ++column) {
    std::size_t pivot = column;
    for (std::size_t r = column + 1; r != 9; ++r)
      if (std::abs(system[r][column]) > std::abs(system[pivot][column])) pivot = r;
    std::swap(system[column], system[pivot]);
    for (std::size_t r = column + 1; r != 9; ++r) {
      const double factor = system[r][column] / system[column][column];
      for (std::size_t c = column; c != 10; ++c) system[r][c] -= factor * system[column][c];
    }
  }
  std::array<double, 9> solution{};
  for (std::size_t r = 9; r-- != 0;) {
    double rest = system[r][9];
    for (std::size_t c = r + 1; c != 9; ++c) rest -= system[r][c] * solution[c];
    solution[r] = rest / system[r][r];
  }
  return solution;
}

}  // namespace ctdiff_test
