// libFuzzer target for read_csv: every input either loads into a well-formed
// table or throws csv_error whose message starts with "source:line", a line of
// the input; any other outcome (another exception, a crash, a hang, a leak,
// undefined behaviour) is a bug that libFuzzer and the sanitizers report.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctdiff/io/csv.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>

namespace {

constexpr std::string_view source = "fuzz.csv";

// The line a message names: "fuzz.csv:<line>: ..." or "fuzz.csv:<line>, column ...";
// 0 if it does not start so.
std::size_t line_named(std::string_view message) {
  if (!message.starts_with(source) || !message.substr(source.size()).starts_with(':')) return 0;
  message.remove_prefix(source.size() + 1);
  std::size_t line = 0;
  const auto [end, error] = std::from_chars(message.data(), message.data() + message.size(), line);
  if (error != std::errc() || end == message.data() + message.size() || (*end != ':' && *end != ',')) return 0;
  return line;
}

void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "read_csv property violated: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// What a loaded table promises: unique non-empty names, one column per name,
// every column as long as the table and every value finite.
void check_table(const ctdiff::csv_table& table) {
  std::unordered_set<std::string> names;
  for (const std::string& name : table.names()) {
    if (name.empty()) fail("empty column name loaded", name);
    if (!names.insert(name).second) fail("repeated column name loaded", name);
    const std::vector<double>& column = table[name];
    if (column.size() != table.rows()) fail("column of another length than the table", name);
    for (double value : column) {
      if (!std::isfinite(value)) fail("non-finite value loaded", name);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  try {
    check_table(ctdiff::read_csv(input, std::string(source)));
  } catch (const ctdiff::csv_error& error) {
    // A line of the input: from 1 to the number of line ends plus one.
    const std::size_t lines = 1 + static_cast<std::size_t>(std::count(data, data + size, '\n'));
    const std::size_t line = line_named(error.what());
    if (line == 0 || line > lines) fail("csv_error without file:line of the input", error.what());
  }
  return 0;
}
