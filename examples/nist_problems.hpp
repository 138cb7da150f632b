// The NIST StRD nonlinear regression problems in examples/data/nist: a
// reader for NIST's file format, the four models as ctdiff residuals, and
// the log relative error (LRE) by which solvers are compared on them.
// Shared by the nist example, the least-squares tests and the benchmarks.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nist {

// One file: two starting points, the certified values, and the data.
struct problem_file {
  std::vector<double> start1, start2;  // per parameter, b1 first
  std::vector<double> certified, certified_deviation;
  double certified_residual_sum_of_squares = 0;
  std::vector<double> x, y;
};

// Parameter lines read "  b1 =   500   250   2.3894212918E+02  2.7070075241E+00" (start 1, start 2,
// certified value, its standard deviation); the data follow the last line that starts with
// "Data:" and names the columns ("Data:   y   x"), one "y x" row per observation.
inline problem_file read_problem(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  problem_file p;
  bool in_data = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (in_data) {
      if (first.empty()) continue;
      p.y.push_back(std::stod(first));
      p.x.push_back(std::stod(second));
    } else if (first.size() > 1 && first[0] == 'b' && second == "=") {
      double start1 = 0, start2 = 0, certified = 0, deviation = 0;
      if (!(words >> start1 >> start2 >> certified >> deviation)) {
        throw std::runtime_error(path + ": cannot read the parameter line '" + line + "'");
      }
      p.start1.push_back(start1);
      p.start2.push_back(start2);
      p.certified.push_back(certified);
      p.certified_deviation.push_back(deviation);
    } else if (first == "Residual" && line.find("Sum of Squares:") != std::string::npos) {
      p.certified_residual_sum_of_squares = std::stod(line.substr(line.find(':') + 1));
    } else if (first == "Data:" && second == "y") {
      in_data = true;
    }
  }
  if (p.certified.empty() || p.x.empty()) throw std::runtime_error(path + ": no parameters or no data found");
  return p;
}

// −log10 of the relative error; the certified values have 11 digits, so 11 is the most it reports.
inline double log_relative_error(double value, double certified) {
  const double relative = std::abs(value - certified) / std::abs(certified);
  return relative == 0 ? 11.0 : std::min(11.0, -std::log10(relative));
}

// What one solve gives, in the order b1, b2, ...
struct solution {
  std::vector<double> parameters, standard_errors;
  std::size_t iterations = 0;
  ctdiff::stop_reason stop{};
  double residual_sum_of_squares = 0;
};

constexpr auto b1 = ctdiff::var<"b1">;
constexpr auto b2 = ctdiff::var<"b2">;
constexpr auto b3 = ctdiff::var<"b3">;
constexpr auto b4 = ctdiff::var<"b4">;
constexpr auto b5 = ctdiff::var<"b5">;
constexpr auto b6 = ctdiff::var<"b6">;
constexpr auto b7 = ctdiff::var<"b7">;
constexpr auto x = ctdiff::var<"x">;
constexpr auto y = ctdiff::var<"y">;

template <class Result, class... Symbols>
solution summarize(const Result& r, Symbols... symbols) {
  return {{r[symbols]...}, {r.standard_errors[symbols]...}, r.epochs, r.stop, 2 * r.loss_per_epoch.back()};
}

// Each model as the file states it, with y − model as the residual.
inline solution solve_misra1a(const problem_file& p, std::span<const double> s,
                              const ctdiff::least_squares_options& o = {}) {
  using namespace ctdiff;
  auto r = least_squares(y - b1 * (1 - exp(-b2 * x)), params(b1 = s[0], b2 = s[1]), data(x = p.x, y = p.y), o);
  return summarize(r, b1, b2);
}

inline solution solve_thurber(const problem_file& p, std::span<const double> s,
                              const ctdiff::least_squares_options& o = {}) {
  using namespace ctdiff;
  auto model = (b1 + b2 * x + b3 * pow<2>(x) + b4 * pow<3>(x)) / (1 + b5 * x + b6 * pow<2>(x) + b7 * pow<3>(x));
  auto r = least_squares(y - model, params(b1 = s[0], b2 = s[1], b3 = s[2], b4 = s[3], b5 = s[4], b6 = s[5], b7 = s[6]),
                         data(x = p.x, y = p.y), o);
  return summarize(r, b1, b2, b3, b4, b5, b6, b7);
}

inline solution solve_mgh09(const problem_file& p, std::span<const double> s,
                            const ctdiff::least_squares_options& o = {}) {
  using namespace ctdiff;
  auto model = b1 * (pow<2>(x) + x * b2) / (pow<2>(x) + x * b3 + b4);
  auto r = least_squares(y - model, params(b1 = s[0], b2 = s[1], b3 = s[2], b4 = s[3]), data(x = p.x, y = p.y), o);
  return summarize(r, b1, b2, b3, b4);
}

inline solution solve_rat43(const problem_file& p, std::span<const double> s,
                            const ctdiff::least_squares_options& o = {}) {
  using namespace ctdiff;
  auto model = b1 / pow(1 + exp(b2 - b3 * x), 1 / b4);
  auto r = least_squares(y - model, params(b1 = s[0], b2 = s[1], b3 = s[2], b4 = s[3]), data(x = p.x, y = p.y), o);
  return summarize(r, b1, b2, b3, b4);
}

struct problem {
  std::string_view name;
  solution (*solve)(const problem_file&, std::span<const double>, const ctdiff::least_squares_options&);
};

inline constexpr std::array<problem, 4> problems{
    {{"Misra1a", solve_misra1a}, {"Thurber", solve_thurber}, {"MGH09", solve_mgh09}, {"Rat43", solve_rat43}}};

inline std::string path_of(std::string_view directory, std::string_view name) {
  return std::string(directory) + "/" + std::string(name) + ".dat";
}

}  // namespace nist
