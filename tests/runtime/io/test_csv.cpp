// The CSV reader: a good file read by column name, and each malformed input
// rejected with a message that names the file, the line and the column.
#include <catch2/catch.hpp>
#include <ctdiff/io/csv.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// The folder of this build's test files: under its build tree, not the shared temporary
// folder, where two builds testing at once would overwrite each other's files.
std::filesystem::path files() {
  const std::filesystem::path folder = CTDIFF_TEST_FILES_DIR;
  std::filesystem::create_directories(folder);
  return folder;
}

// A file named after the test, so the tests of one build, run in parallel, do not collide.
std::filesystem::path write_file(const std::string& name, const std::string& content) {
  const auto path = files() / (name + ".csv");
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST_CASE("a CSV file is read into columns looked up by their header names") {
  const auto path = write_file("good", "a,b , c\n1,2.5,-3e2\r\n4, 5 ,6\n");
  const ctdiff::csv_table table = ctdiff::read_csv(path);
  REQUIRE(table.names() == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(table.rows() == 2);
  REQUIRE(table["a"] == std::vector<double>{1, 4});
  REQUIRE(table["b"] == std::vector<double>{2.5, 5});
  REQUIRE(table["c"] == std::vector<double>{-300, 6});
  REQUIRE_THROWS_WITH(table["d"], Contains(path.string()) && Contains("no column named 'd'"));
}

TEST_CASE("columns are found by name whatever the order of the header") {
  std::istringstream input("zeta,alpha,mid,beta\n1,2,3,4\n5,6,7,8\n");
  const ctdiff::csv_table table = ctdiff::read_csv(input, "unsorted");
  REQUIRE(table["zeta"] == std::vector<double>{1, 5});
  REQUIRE(table["alpha"] == std::vector<double>{2, 6});
  REQUIRE(table["mid"] == std::vector<double>{3, 7});
  REQUIRE(table["beta"] == std::vector<double>{4, 8});
  REQUIRE_THROWS_WITH(table["alph"], StartsWith("unsorted: no column named 'alph'"));
  REQUIRE_THROWS_WITH(table["zz"], StartsWith("unsorted: no column named 'zz'"));
}

TEST_CASE("a missing file is an error naming the file") {
  const auto path = files() / "does_not_exist.csv";
  REQUIRE_THROWS_AS(ctdiff::read_csv(path), ctdiff::csv_error);
  REQUIRE_THROWS_WITH(ctdiff::read_csv(path), Contains(path.string()) && Contains("cannot open"));
}

// The first finding of the fuzzer (tests/fuzz): this message named the file but no line.
TEST_CASE("an empty file is an error on line 1: the header row is missing") {
  const auto path = write_file("empty", "");
  REQUIRE_THROWS_WITH(ctdiff::read_csv(path), StartsWith(path.string() + ":1: ") && Contains("header row"));
}

TEST_CASE("a directory is a read error, not an empty file") {
  const auto path = files();
  REQUIRE_THROWS_WITH(ctdiff::read_csv(path), StartsWith(path.string() + ":1: read error"));
}

TEST_CASE("CSV text from a stream is read as from a file, its messages naming the given source") {
  std::istringstream good("x,y\n1,2\n");
  REQUIRE(ctdiff::read_csv(good, "inline")["y"] == std::vector<double>{2});
  std::istringstream bad("x,y\n1,2\n3,four\n");
  REQUIRE_THROWS_WITH(ctdiff::read_csv(bad, "inline"), StartsWith("inline:3, column 2 (y): 'four'"));
}

TEST_CASE("a UTF-8 byte order mark before the header is not part of the first column's name") {
  std::istringstream input("\xEF\xBB\xBFx,y\n1,2\n");
  REQUIRE(ctdiff::read_csv(input, "with_bom").names() == std::vector<std::string>{"x", "y"});
}

TEST_CASE("a repeated name at the end of a wide header is found") {
  std::string header;
  for (int column = 1; column <= 5000; ++column) header.append("c").append(std::to_string(column)).append(",");
  std::istringstream input(header + "c1\n");
  REQUIRE_THROWS_WITH(ctdiff::read_csv(input, "wide"),
                      StartsWith("wide:1, column 5001: column name 'c1' appears twice"));
}

TEST_CASE("a row with too few cells is an error naming its line") {
  const auto path = write_file("too_few", "a,b,c\n1,2,3\n4,5\n");
  REQUIRE_THROWS_WITH(ctdiff::read_csv(path), Contains(path.string() + ":3") && Contains("expected 3 cells, found 2"));
}

TEST_CASE("a row with too many cells is an error naming its line") {
  const auto path = write_file("too_many", "a,b\n1,2\n3,4\n5,6,7\n");
  REQUIRE_THROWS_WITH(ctdiff::read_csv(path), Contains(path.string() + ":4") && Contains("expected 2 cells, found 3"));
}

TEST_CASE("a blank line inside the data is a row with the wrong number of cells, not skipped") {
  const auto path = write_file("blank_line", "a,b\n1,2\n\n3,4\n");
  REQUIRE_THROWS_WITH(ctdiff::read_csv(path), Contains(path.string() + ":3") && Contains("expected 2 cells, found 1"));
}

TEST_CASE("a cell that is not a number is an error naming its line and column") {
  const auto [cell, expected_text] = GENERATE(table<std::string, std::string>(
      {{"abc", "'abc'"}, {"", "''"}, {"1.5x", "'1.5x'"}, {"nan", "'nan'"}, {"inf", "'inf'"}}));
  const auto path = write_file("not_a_number", "a,b\n1,2\n3," + cell + "\n");
  CAPTURE(cell);
  REQUIRE_THROWS_WITH(ctdiff::read_csv(path), Contains(path.string() + ":3, column 2 (b)") && Contains(expected_text) &&
                                                  Contains("not a finite number"));
}

TEST_CASE("an empty or repeated column name is an error naming the column") {
  REQUIRE_THROWS_WITH(ctdiff::read_csv(write_file("empty_name", "a,,c\n1,2,3\n")),
                      Contains(":1, column 2") && Contains("empty column name"));
  REQUIRE_THROWS_WITH(ctdiff::read_csv(write_file("repeated_name", "a,b,a\n1,2,3\n")),
                      Contains(":1, column 3") && Contains("'a' appears twice"));
}

TEST_CASE("a loss curve written by write_loss_csv reads back epoch by epoch") {
  const auto path = files() / "loss.csv";
  const std::vector<double> losses{4.0, 0.5, 0.125, 1e-300};
  ctdiff::write_loss_csv(path, losses);
  const ctdiff::csv_table table = ctdiff::read_csv(path);
  REQUIRE(table["epoch"] == std::vector<double>{0, 1, 2, 3});
  REQUIRE(table["loss"] == losses);
}
