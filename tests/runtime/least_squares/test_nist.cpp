// The NIST StRD problems from both starting points with the default options:
// every parameter within LRE >= 6 of the certified value read from the file,
// and the residual sum of squares and standard errors too.
#include <catch2/catch.hpp>

#include "nist_problems.hpp"

TEST_CASE("least_squares solves the NIST problems from both starts to LRE >= 6") {
  for (const auto& problem : nist::problems) {
    const auto file = nist::read_problem(nist::path_of(CTDIFF_NIST_DIR, problem.name));
    for (int start = 1; start <= 2; ++start) {
      const auto solved = problem.solve(file, start == 1 ? file.start1 : file.start2, {});
      INFO(problem.name << ", start " << start << ": " << solved.iterations
                        << " iterations, stop: " << to_string(solved.stop));
      REQUIRE(solved.parameters.size() == file.certified.size());
      for (std::size_t i = 0; i != file.certified.size(); ++i) {
        INFO("b" << i + 1 << " = " << solved.parameters[i] << ", certified " << file.certified[i]);
        CHECK(nist::log_relative_error(solved.parameters[i], file.certified[i]) >= 6);
        // The certified standard deviations have 11 digits too, but depend on J at the solution.
        CHECK(nist::log_relative_error(solved.standard_errors[i], file.certified_deviation[i]) >= 4);
      }
      CHECK(nist::log_relative_error(solved.residual_sum_of_squares, file.certified_residual_sum_of_squares) >= 6);
    }
  }
}

TEST_CASE("the NIST reader finds every part of a file") {
  const auto file = nist::read_problem(nist::path_of(CTDIFF_NIST_DIR, "Misra1a"));
  CHECK(file.start1 == std::vector<double>{500, 1e-4});
  CHECK(file.start2 == std::vector<double>{250, 5e-4});
  CHECK(file.certified == std::vector<double>{2.3894212918E+02, 5.5015643181E-04});
  CHECK(file.certified_deviation == std::vector<double>{2.7070075241E+00, 7.2668688436E-06});
  CHECK(file.certified_residual_sum_of_squares == 1.2455138894E-01);
  REQUIRE(file.x.size() == 14);
  CHECK(file.y.front() == 10.07);
  CHECK(file.x.front() == 77.6);
  CHECK(file.x.back() == 760.0);
  CHECK_THROWS_WITH(nist::read_problem("no/such/file.dat"), Catch::Contains("cannot open"));
}
