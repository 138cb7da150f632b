// An evaluator for the formulas to_string prints, written apart from the
// library, so a printed derivative can be checked against the value of the
// derivative itself: a formula that prints wrong evaluates wrong.
#pragma once

#include <cctype>
#include <cmath>
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctdiff_test {

// Recursive descent over  sum := product (('+'|'-') product)*,
// product := unary (('*'|'/') unary)*, unary := '-' unary | power,
// power := atom ('^' unary)?, atom := number | name | name '(' sum ')' | '(' sum ')'.
class formula_reader {
 public:
  formula_reader(std::string_view text, const std::map<std::string, long double>& values)
      : text_(text), values_(values) {}

  long double value() {
    long double result = sum();
    skip_spaces();
    if (position_ != text_.size()) fail("unexpected text");
    return result;
  }

 private:
  std::string_view text_;
  const std::map<std::string, long double>& values_;
  std::size_t position_ = 0;

  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(std::string(what) + " at " + std::to_string(position_) + " in " + std::string(text_));
  }
  void skip_spaces() {
    while (position_ < text_.size() && text_[position_] == ' ') ++position_;
  }
  bool accept(char c) {
    skip_spaces();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }

  long double sum() {
    long double result = product();
    for (;;) {
      if (accept('+')) {
        result += product();
      } else if (accept('-')) {
        result -= product();
      } else {
        return result;
      }
    }
  }
  long double product() {
    long double result = unary();
    for (;;) {
      if (accept('*')) {
        result *= unary();
      } else if (accept('/')) {
        result /= unary();
      } else {
        return result;
      }
    }
  }
  long double unary() { return accept('-') ? -unary() : power(); }
  long double power() {
    long double base = atom();
    return accept('^') ? std::pow(base, unary()) : base;
  }
  long double atom() {
    skip_spaces();
    if (accept('(')) {
      long double inner = sum();
      if (!accept(')')) fail("expected )");
      return inner;
    }
    const std::size_t start = position_;
    if (position_ < text_.size() &&
        (std::isdigit(static_cast<unsigned char>(text_[position_])) || text_[position_] == '.')) {
      while (position_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '.' ||
              ((text_[position_] == '-' || text_[position_] == '+') && (text_[position_ - 1] == 'e'))))
        ++position_;
      return std::stold(std::string(text_.substr(start, position_ - start)));
    }
    while (position_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '_' ||
            static_cast<unsigned char>(text_[position_]) >= 0x80))
      ++position_;
    const std::string name(text_.substr(start, position_ - start));
    if (name.empty()) fail("expected a number, a name or (");
    if (accept('(')) {
      long double argument = sum();
      if (!accept(')')) fail("expected ) after a function's argument");
      return call(name, argument);
    }
    auto found = values_.find(name);
    if (found == values_.end()) fail("unknown symbol");
    return found->second;
  }
  long double call(const std::string& name, long double a) const {
    if (name == "sqrt") return std::sqrt(a);
    if (name == "exp") return std::exp(a);
    if (name == "log") return std::log(a);
    if (name == "sin") return std::sin(a);
    if (name == "cos") return std::cos(a);
    if (name == "tanh") return std::tanh(a);
    if (name == "sigmoid") return 1 / (1 + std::exp(-a));
    if (name == "relu") return a > 0 ? a : 0;
    if (name == "abs") return std::fabs(a);
    if (name == "step") return a > 0 ? 1 : 0;
    if (name == "sign") return (a > 0) - (a < 0);
    fail("unknown function");
  }
};

inline long double formula_value(std::string_view text, const std::map<std::string, long double>& values) {
  return formula_reader(text, values).value();
}

}  // namespace ctdiff_test
