// A string usable as a template argument: a symbol's name is part of its type.
#pragma once

#include <cstddef>
#include <string_view>

namespace ctdiff {

template <std::size_t N>
struct fixed_string {
  char data[N]{};

  constexpr fixed_string(const char (&text)[N]) {
    for (std::size_t i = 0; i != N; ++i) data[i] = text[i];
  }

  [[nodiscard]] constexpr std::string_view view() const { return {data, N - 1}; }
  [[nodiscard]] static constexpr std::size_t size() { return N - 1; }
};

}  // namespace ctdiff
