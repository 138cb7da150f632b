// The NIST StRD nonlinear regression problems of examples/data/nist solved
// by ctdiff::least_squares (Levenberg–Marquardt, default options) from both
// starting points: per parameter the log relative error (LRE) against the
// certified value in the file, the iterations, and the time of all solves.
// Usage: nist [directory of the .dat files]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "example_check.hpp"
#include "nist_problems.hpp"

int main(int argc, char** argv) {
  const std::string directory = argc > 1 ? argv[1] : CTDIFF_DATA_DIR "/nist";
  const auto start_of_reading = std::chrono::steady_clock::now();
  std::vector<nist::problem_file> files;
  for (const auto& problem : nist::problems)
    files.push_back(nist::read_problem(nist::path_of(directory, problem.name)));

  std::printf("| problem | start | iterations | stop | LRE per parameter (b1, b2, ...) | lowest |\n");
  std::printf("|---|---:|---:|---|---|---:|\n");
  double lowest_overall = 11;
  std::chrono::steady_clock::duration solving{}, reading = std::chrono::steady_clock::now() - start_of_reading;
  for (std::size_t k = 0; k != nist::problems.size(); ++k) {
    const auto& file = files[k];
    for (int start = 1; start <= 2; ++start) {
      const auto begin = std::chrono::steady_clock::now();
      const auto solved = nist::problems[k].solve(file, start == 1 ? file.start1 : file.start2, {});
      solving += std::chrono::steady_clock::now() - begin;
      std::string lres;
      double lowest = 11;
      for (std::size_t i = 0; i != file.certified.size(); ++i) {
        const double lre = nist::log_relative_error(solved.parameters[i], file.certified[i]);
        lowest = std::min(lowest, lre);
        lres += (i ? ", " : "") + std::to_string(lre).substr(0, 4);
      }
      lowest_overall = std::min(lowest_overall, lowest);
      std::printf("| %s | %d | %zu | %s | %s | %.1f |\n", std::string(nist::problems[k].name).c_str(), start,
                  solved.iterations, to_string(solved.stop), lres.c_str(), lowest);
    }
  }
  using milliseconds = std::chrono::duration<double, std::milli>;
  std::printf("all %zu solves: %.3f ms; with reading the files: %.3f ms\n", 2 * nist::problems.size(),
              milliseconds(solving).count(), milliseconds(solving + reading).count());
  std::printf("lowest LRE %.1f\n", lowest_overall);
  example::expect(lowest_overall >= 6, "every parameter of every problem from both starts has LRE >= 6");
  return example::exit_code();
}
