// CSV in and out for training: read_csv() loads a table of numbers whose
// header row names the columns; write_loss_csv() saves a loss curve.
// Every malformed input is an error naming the file, line and column:
// nothing is skipped or guessed.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <initializer_list>
#include <istream>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <vector>

namespace ctdiff {

struct csv_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Columns of doubles by name, in the order of the header row.
class csv_table {
 public:
  csv_table(std::string source, std::vector<std::string> names, std::vector<std::vector<double>> columns)
      : source_(std::move(source)), names_(std::move(names)), columns_(std::move(columns)), by_name_(names_.size()) {
    std::iota(by_name_.begin(), by_name_.end(), std::size_t{0});
    std::sort(by_name_.begin(), by_name_.end(), [this](std::size_t i, std::size_t j) { return names_[i] < names_[j]; });
  }

  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  [[nodiscard]] std::size_t rows() const { return columns_.empty() ? 0 : columns_.front().size(); }

  // The column with this header name; csv_error naming the file if there is none.
  [[nodiscard]] const std::vector<double>& operator[](std::string_view name) const {
    const auto found = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                                        [this](std::size_t i, std::string_view n) { return names_[i] < n; });
    if (found != by_name_.end() && names_[*found] == name) return columns_[*found];
    throw csv_error(source_ + ": no column named '" + std::string(name) + "'");
  }

  // The named columns as one row-major matrix: row after row, each row's
  // values in the order of `names` (the layout in which samples(x, values) of
  // <ctdiff/batch.hpp> takes one sample a row).
  [[nodiscard]] std::vector<double> row_major(std::initializer_list<std::string_view> names) const {
    std::vector<const std::vector<double>*> selected;
    for (std::string_view name : names) selected.push_back(&(*this)[name]);
    std::vector<double> values;
    values.reserve(rows() * names.size());
    for (std::size_t row = 0; row != rows(); ++row)
      for (const std::vector<double>* column : selected) values.push_back((*column)[row]);
    return values;
  }

 private:
  std::string source_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> columns_;
  // The column indices sorted by name, so a lookup is a binary search: scanning
  // the names made looking up every column of a 100,000-column table take 25 s.
  std::vector<std::size_t> by_name_;
};

namespace detail {

inline std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) return cells;
    start = comma + 1;
  }
}

inline std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace detail

// Reads comma-separated text: a header row of column names, then rows of
// finite numbers, as many cells as names. `source` names the input in error
// messages (read_csv(path) passes the path). Throws csv_error, with a message
// "source:line: ..." naming the column where it applies, for an empty or
// unreadable input, a repeated or empty column name, a row with the wrong
// number of cells and a cell that is not a finite number.
inline csv_table read_csv(std::istream& input, const std::string& source) {
  std::string line;
  std::size_t line_number = 0;
  auto where = [&] { return source + ":" + std::to_string(line_number); };
  // Windows line ends are accepted: a trailing '\r' is not part of a cell.
  auto next_line = [&] {
    ++line_number;
    if (!std::getline(input, line)) {
      // A failed read (a directory, an I/O error) is not the end of the data.
      if (input.bad()) throw csv_error(where() + ": read error");
      return false;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  };
  if (!next_line()) throw csv_error(where() + ": the file is empty; expected a header row naming the columns");
  // Spreadsheets save "CSV UTF-8" with a byte order mark, which is not part of the first name.
  if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);

  std::vector<std::string> names;
  // A set, not a search of the earlier names: a header of n names costs O(n), not O(n²).
  std::unordered_set<std::string> seen;
  for (std::string_view cell : detail::split_cells(line)) {
    std::string name(detail::trim(cell));
    const std::string column = where() + ", column " + std::to_string(names.size() + 1);
    if (name.empty()) throw csv_error(column + ": empty column name");
    if (!seen.insert(name).second) throw csv_error(column + ": column name '" + name + "' appears twice");
    names.push_back(std::move(name));
  }

  std::vector<std::vector<double>> columns(names.size());
  while (next_line()) {
    const std::vector<std::string_view> cells = detail::split_cells(line);
    if (cells.size() != names.size()) {
      throw csv_error(where() + ": expected " + std::to_string(names.size()) + " cells, found " +
                      std::to_string(cells.size()));
    }
    for (std::size_t i = 0; i != cells.size(); ++i) {
      const std::string_view text = detail::trim(cells[i]);
      double value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        throw csv_error(where() + ", column " + std::to_string(i + 1) + " (" + names[i] + "): '" + std::string(text) +
                        "' is not a finite number");
      }
      columns[i].push_back(value);
    }
  }
  return csv_table(source, std::move(names), std::move(columns));
}

// Reads a CSV file (see above); csv_error "file: cannot open the file" if it cannot be opened. A
// std::filesystem::path converts to the std::string taken here, and <filesystem> stays out of every
// translation unit that includes ctdiff.hpp.
inline csv_table read_csv(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw csv_error(path + ": cannot open the file");
  return read_csv(file, path);
}

// Writes "epoch,loss" and one row per epoch (epoch 0 is the starting point).
template <class T>
void write_loss_csv(const std::string& path, std::span<const T> loss_per_epoch) {
  std::ofstream file(path);
  if (!file) throw csv_error(path + ": cannot open the file for writing");
  file.precision(17);
  file << "epoch,loss\n";
  for (std::size_t epoch = 0; epoch != loss_per_epoch.size(); ++epoch)
    file << epoch << ',' << loss_per_epoch[epoch] << '\n';
  if (!file) throw csv_error(path + ": write error");
}

template <class T>
void write_loss_csv(const std::string& path, const std::vector<T>& loss_per_epoch) {
  write_loss_csv(path, std::span<const T>(loss_per_epoch));
}

}  // namespace ctdiff
