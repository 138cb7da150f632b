// Catch2's main, compiled once for every test executable.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  // Every digit of a value in a failed check (Catch2's default is 10 decimals,
  // too few to show a miss of a close_to at 1e-14).
  Catch::StringMaker<double>::precision = 17;
  Catch::StringMaker<float>::precision = 9;
  return Catch::Session().run(argc, argv);
}
