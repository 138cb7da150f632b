// Printing: to_string(e) gives readable infix ("3*x^2"), to_latex(e) a LaTeX
// formula ("3 x^{2}"). Parentheses appear only where precedence needs them.
#pragma once

#include <array>
#include <charconv>
#include <ctdiff/core/functions.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {

struct rendered {
  std::string text;
  precedence binding;
};

template <class T>
std::string number_text(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    std::array<char, 64> buffer{};
    auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
    return std::string(buffer.data(), end);
  } else {
    return std::to_string(value);
  }
}

// Concatenation by append: g++ 12 reports a false -Wrestrict on chains of
// std::string operator+ at -O2 (GCC bug 105329).
inline std::string join(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (std::string_view part : parts) text.append(part);
  return text;
}

template <class T>
rendered render_number(T value) {
  return {number_text(value), value < 0 ? precedence::prefix : precedence::atom};
}

// Parenthesizes a part that binds more loosely than its place needs.
inline std::string wrap(const rendered& part, precedence needed, bool latex) {
  if (part.binding >= needed) return part.text;
  return latex ? join({"\\left(", part.text, "\\right)"}) : join({"(", part.text, ")"});
}

inline std::string latex_function(std::string_view name) {
  if (name == "sin" || name == "cos" || name == "tanh" || name == "exp" || name == "log") {
    return join({"\\", name});
  }
  if (name == "sigmoid") return "\\sigma";
  if (name == "atan") return "\\arctan";
  return join({"\\operatorname{", name, "}"});
}

template <bool Latex, class Op, class A>
rendered render(const unary<Op, A>& e);
template <bool Latex, class Op, class L, class R>
rendered render(const binary<Op, L, R>& e);

template <bool Latex, fixed_string Name>
rendered render(const symbol<Name>&) {
  return {std::string(Name.view()), precedence::atom};
}
template <bool Latex, fixed_string Name, class E>
rendered render(const named<Name, E>&) {
  return {std::string(Name.view()), precedence::atom};
}
template <bool Latex, std::intmax_t N>
rendered render(const integer<N>&) {
  return render_number(N);
}
template <bool Latex, class T>
rendered render(const literal<T>& e) {
  if constexpr (std::is_same_v<T, rational>) {
    const rational& r = e.value;
    if (r.denominator == 1) return render_number(r.numerator);
    const std::string sign = r.numerator < 0 ? "-" : "";
    const auto magnitude = number_text(r.numerator < 0 ? -r.numerator : r.numerator);
    const precedence binding = r.numerator < 0 ? precedence::prefix : Latex ? precedence::atom : precedence::product;
    if constexpr (Latex) return {join({sign, "\\frac{", magnitude, "}{", number_text(r.denominator), "}"}), binding};
    return {join({sign, magnitude, "/", number_text(r.denominator)}), binding};
  } else {
    return render_number(e.value);
  }
}

template <bool Latex, class Op, class A>
rendered render(const unary<Op, A>& e) {
  rendered argument = render<Latex>(e.argument);
  if constexpr (requires { Op::exponent; }) {
    std::string exponent = number_text(Op::exponent);
    if constexpr (Latex)
      return {join({wrap(argument, precedence::atom, true), "^{", exponent, "}"}), precedence::power};
    return {join({wrap(argument, precedence::atom, false), "^", exponent}), precedence::power};
  } else if constexpr (std::is_same_v<Op, negate_op>) {
    return {join({"-", wrap(argument, precedence::product, Latex)}), precedence::prefix};
  } else if constexpr (Latex && std::is_same_v<Op, sqrt_op>) {
    return {join({"\\sqrt{", argument.text, "}"}), precedence::atom};
  } else if constexpr (Latex && std::is_same_v<Op, abs_op>) {
    return {join({"\\left|", argument.text, "\\right|"}), precedence::atom};
  } else if constexpr (Latex) {
    return {join({latex_function(Op::name), "\\left(", argument.text, "\\right)"}), precedence::atom};
  } else {
    return {join({Op::name, "(", argument.text, ")"}), precedence::atom};
  }
}

template <bool Latex, class Op, class L, class R>
rendered render(const binary<Op, L, R>& e) {
  rendered left = render<Latex>(e.left);
  rendered right = render<Latex>(e.right);
  constexpr precedence own = Op::binding;
  if constexpr (std::is_same_v<Op, product_op> && is_literal_v<L>) {
    // A runtime factor that came out as 1 or -1 (0.5 * 2 from a rule) reads better unwritten.
    if (e.left.value == 1) return right;
    if (e.left.value == -1) return {join({"-", wrap(right, own, Latex)}), precedence::prefix};
  }
  if constexpr (requires { Op::name; }) {  // a two-argument function: atan2(a, b)
    if constexpr (Latex) {
      return {join({latex_function(Op::name), "\\left(", left.text, ", ", right.text, "\\right)"}), own};
    }
    return {join({Op::name, "(", left.text, ", ", right.text, ")"}), own};
  } else if constexpr (Latex && std::is_same_v<Op, quotient_op>) {
    return {join({"\\frac{", left.text, "}{", right.text, "}"}), precedence::atom};
  } else if constexpr (std::is_same_v<Op, real_power_op>) {
    if constexpr (Latex) return {join({wrap(left, precedence::atom, true), "^{", right.text, "}"}), own};
    return {join({wrap(left, precedence::atom, false), "^", wrap(right, precedence::atom, false)}), own};
  } else {
    // The right operand of - and / needs parentheses at equal precedence,
    // a - (b - c), and a negative right operand always does: 3*(-x).
    bool tight_right = std::is_same_v<Op, difference_op> || std::is_same_v<Op, quotient_op>;
    auto right_needs = static_cast<precedence>(static_cast<int>(own) + (tight_right ? 1 : 0));
    if (right.binding == precedence::prefix) right_needs = precedence::atom;
    auto left_text = wrap(left, own, Latex);
    std::string_view symbol = Op::symbol;
    constexpr bool additive = std::is_same_v<Op, sum_op> || std::is_same_v<Op, difference_op>;
    if (additive && right.text.starts_with('-')) {  // a + -2*b reads a - 2*b; a - -b reads a + b
      symbol = std::is_same_v<Op, sum_op> ? " - " : " + ";
      return {join({left_text, symbol, std::string_view(right.text).substr(1)}), own};
    }
    auto right_text = wrap(right, right_needs, Latex);
    // LaTeX writes a product by juxtaposition, except before a number, where 3 \cdot 2 must not read 32.
    if constexpr (Latex && std::is_same_v<Op, product_op>) {
      const char first = right_text.empty() ? ' ' : right_text.front();
      symbol = (first >= '0' && first <= '9') ? " \\cdot " : " ";
    }
    return {join({left_text, symbol, right_text}), own};
  }
}

// An operator's symbol without the spaces that infix text puts around it.
inline std::string operator_label(std::string_view symbol) {
  while (symbol.starts_with(' ')) symbol.remove_prefix(1);
  while (symbol.ends_with(' ')) symbol.remove_suffix(1);
  return std::string(symbol);
}

// What a node of a DOT graph shows: a symbol's or a name's name, a number,
// or the operation. A class, so that tensor/print.hpp adds the tensor nodes.
template <class Node>
struct dot_label {
  static std::string of(const Node& node) {
    if constexpr (is_symbol_v<Node> || is_named_v<Node>) {
      return std::string(Node::name.view());
    } else if constexpr (is_integer_v<Node> || is_literal_v<Node>) {
      return render<false>(node).text;
    } else if constexpr (is_unary_v<Node> && requires { Node::operation::exponent; }) {
      return join({"^", number_text(Node::operation::exponent)});
    } else if constexpr (is_unary_v<Node>) {
      return std::string(Node::operation::name);
    } else {
      return operator_label(Node::operation::symbol);
    }
  }
};

}  // namespace detail

// Readable infix with the symbols' names and ^ for powers: to_string(d(x*x*x, x)) == "3*x^2".
template <Expression E>
std::string to_string(const E& e) {
  return detail::render<false>(e).text;
}

// The same formula in LaTeX: to_latex(d(x*x*x, x)) == "3 x^{2}".
template <Expression E>
std::string to_latex(const E& e) {
  return detail::render<true>(e).text;
}

// The formula after the definitions of the named intermediates it uses, one
// per line, each after those it uses itself, the way backprop is written out
// by hand: "z = w*x + b\na = relu(z)\n2*(a - y)*step(z)*x". A tensor
// expression too, where tensor/print.hpp is included (its to_string).
template <class E>
requires requires(const E& e) { to_string(e); }
std::string to_string_with_definitions(const E& e) {
  using S = schedule<E>;
  std::string text;
  auto define = [&]<std::size_t I>() {
    using Node = typename S::template entry<I>::node;
    if constexpr (is_named_v<Node>) {
      const auto& node = detail::node_at<typename S::template entry<I>::path>(e);
      text.append(detail::join({Node::name.view(), " = ", to_string(node.expression), "\n"}));
    }
  };
  detail::for_each_index<S::size>(define);
  return text.append(to_string(e));
}

// The expression's DAG in Graphviz DOT: every entry of its schedule once
// (a shared subexpression is one node with several parents), edges from an
// operation to its operands, named intermediates drawn as boxes. A tensor
// expression too, where tensor/print.hpp is included.
template <class E>
requires requires(const E& e) { to_string(e); }
std::string to_dot(const E& e) {
  using S = schedule<E>;
  std::string text = "digraph expression {\n  rankdir=BT;\n";
  auto draw = [&]<std::size_t I>() {
    using Entry = typename S::template entry<I>;
    using Node = typename Entry::node;
    const std::string id = detail::join({"n", std::to_string(I)});
    std::string label;
    for (char c : detail::dot_label<Node>::of(detail::node_at<typename Entry::path>(e))) {
      if (c == '"' || c == '\\') label.push_back('\\');
      label.push_back(c);
    }
    text.append(detail::join({"  ", id, " [label=\"", label, "\"", is_named_v<Node> ? ", shape=box" : "", "];\n"}));
    detail::for_each_index<detail::operands<Node>::count>([&]<std::size_t Operand>() {
      text.append(detail::join({"  n", std::to_string(S::template child_slot<I, Operand>), " -> ", id, ";\n"}));
    });
  };
  detail::for_each_index<S::size>(draw);
  return text.append("}\n");
}

}  // namespace ctdiff
