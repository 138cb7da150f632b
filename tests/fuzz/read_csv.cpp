// libFuzzer target for read_csv: every input either loads into a well-formed
// table or throws csv_error whose message starts with "source:line"; any other
// outcome (another exception, a crash, a hang, a leak, undefined behaviour)
// is a bug that libFuzzer and the sanitizers report.
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctdiff/csv.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>

namespace {

constexpr std::string_view source = "fuzz.csv";

// "fuzz.csv:" followed by a line number of at least 1, then ':' or ','.
bool names_file_and_line(std::string_view message) {
  if (!message.starts_with(source) || message.size() <= source.size() || message[source.size()] != ':') return false;
  std::size_t position = source.size() + 1;
  const std::size_t digits_start = position;
  while (position != message.size() && std::isdigit(static_cast<unsigned char>(message[position]))) ++position;
  if (position == digits_start || position == message.size()) return false;
  if (message[digits_start] == '0') return false;
  return message[position] == ':' || message[position] == ',';
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
    if (!names_file_and_line(error.what())) fail("csv_error without file:line", error.what());
  }
  return 0;
}
