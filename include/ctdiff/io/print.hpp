// Printing: to_string(e) gives readable infix ("3*x^2"), to_latex(e) a LaTeX
// formula ("3 x^{2}"). Parentheses appear only where precedence needs them;
// a sign stands only in front of a term (never *-, /-, --, + - or - -).
// to_latex sets names as SymPy's latex() does (x1 -> x_{1}, theta -> \theta),
// and a name of several letters upright (\mathrm{Vmax}).
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <ctdiff/core/conditions.hpp>
#include <ctdiff/core/functions.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ctdiff {

namespace detail {

// A formula's text as its enclosing node needs it. A negative part is held
// as its magnitude with `negative` set, so that a product or a quotient
// gathers the signs of its factors and writes one in front (-a*b, never
// a*-b), two signs cancel, and a sum writes a - b for a + -b; any other
// place writes the sign at once (with_sign).
struct rendered {
  std::string text;
  precedence binding;
  bool negative = false;
  // LaTeX: the text begins or ends with an upright multi-letter name, which
  // juxtaposition would run into its neighbour (\mathrm{Vmax}S).
  bool upright_first = false;
  bool upright_last = false;
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
  bool negative = false;
  if constexpr (std::is_floating_point_v<T>) {
    negative = std::signbit(value);
  } else if constexpr (std::is_signed_v<T>) {
    negative = value < 0;
  }
  return {number_text(negative ? -value : value), precedence::atom, negative};
}

// The text in parentheses, sized to it in LaTeX.
inline std::string in_parentheses(const std::string& text, bool latex) {
  return latex ? join({"\\left(", text, "\\right)"}) : join({"(", text, ")"});
}

// The part with its sign written in front: -x*y, -(a + b).
inline rendered with_sign(const rendered& part, bool latex) {
  if (!part.negative) return part;
  const std::string magnitude = part.binding >= precedence::product ? part.text : in_parentheses(part.text, latex);
  return {join({"-", magnitude}), precedence::prefix};
}

// The part, signed, in parentheses if it binds more loosely than its place needs.
inline std::string wrap(const rendered& part, precedence needed, bool latex) {
  const rendered signed_part = with_sign(part, latex);
  return signed_part.binding >= needed ? signed_part.text : in_parentheses(signed_part.text, latex);
}

inline std::string latex_function(std::string_view name) {
  if (name == "sin" || name == "cos" || name == "tanh" || name == "exp" || name == "log") {
    return join({"\\", name});
  }
  if (name == "sigmoid") return "\\sigma";
  if (name == "atan") return "\\arctan";
  return join({"\\operatorname{", name, "}"});
}

// A Greek letter spelled out or written in UTF-8, and its LaTeX, as SymPy's
// latex() sets it: capitals that LaTeX has no command for are Latin letters.
struct greek_letter {
  std::string_view spelled, utf8, latex;
};
inline constexpr greek_letter greek_letters[] = {
    {"alpha", "α", "\\alpha"},
    {"beta", "β", "\\beta"},
    {"gamma", "γ", "\\gamma"},
    {"delta", "δ", "\\delta"},
    {"epsilon", "ε", "\\epsilon"},
    {"zeta", "ζ", "\\zeta"},
    {"eta", "η", "\\eta"},
    {"theta", "θ", "\\theta"},
    {"iota", "ι", "\\iota"},
    {"kappa", "κ", "\\kappa"},
    {"lambda", "λ", "\\lambda"},
    {"mu", "μ", "\\mu"},
    {"nu", "ν", "\\nu"},
    {"xi", "ξ", "\\xi"},
    {"omicron", "ο", "o"},
    {"pi", "π", "\\pi"},
    {"rho", "ρ", "\\rho"},
    {"sigma", "σ", "\\sigma"},
    {"tau", "τ", "\\tau"},
    {"upsilon", "υ", "\\upsilon"},
    {"phi", "φ", "\\phi"},
    {"chi", "χ", "\\chi"},
    {"psi", "ψ", "\\psi"},
    {"omega", "ω", "\\omega"},
    {"Alpha", "Α", "A"},
    {"Beta", "Β", "B"},
    {"Gamma", "Γ", "\\Gamma"},
    {"Delta", "Δ", "\\Delta"},
    {"Epsilon", "Ε", "E"},
    {"Zeta", "Ζ", "Z"},
    {"Eta", "Η", "H"},
    {"Theta", "Θ", "\\Theta"},
    {"Iota", "Ι", "I"},
    {"Kappa", "Κ", "K"},
    {"Lambda", "Λ", "\\Lambda"},
    {"Mu", "Μ", "M"},
    {"Nu", "Ν", "N"},
    {"Xi", "Ξ", "\\Xi"},
    {"Omicron", "Ο", "O"},
    {"Pi", "Π", "\\Pi"},
    {"Rho", "Ρ", "P"},
    {"Sigma", "Σ", "\\Sigma"},
    {"Tau", "Τ", "T"},
    {"Upsilon", "Υ", "\\Upsilon"},
    {"Phi", "Φ", "\\Phi"},
    {"Chi", "Χ", "X"},
    {"Psi", "Ψ", "\\Psi"},
    {"Omega", "Ω", "\\Omega"},
    {"lamda", "", "\\lambda"},
    {"Lamda", "", "\\Lambda"},
    {"khi", "", "\\chi"},
    {"Khi", "", "X"},
    {"varepsilon", "", "\\varepsilon"},
    {"varkappa", "", "\\varkappa"},
    {"varphi", "", "\\varphi"},
    {"varpi", "", "\\varpi"},
    {"varrho", "", "\\varrho"},
    {"varsigma", "ς", "\\varsigma"},
    {"vartheta", "ϑ", "\\vartheta"},
};

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// One word of a name in LaTeX: a Greek letter's command, a number or a
// single letter as it is, a longer word upright.
inline std::string latex_word(std::string_view word) {
  if (word.empty()) return {};
  for (const greek_letter& letter : greek_letters) {
    if (word == letter.spelled || (!letter.utf8.empty() && word == letter.utf8)) return std::string(letter.latex);
  }
  const bool number = std::all_of(word.begin(), word.end(), is_ascii_digit);
  // One character, of however many UTF-8 bytes: every byte after the first is a continuation byte.
  const bool one_character =
      std::none_of(word.begin() + 1, word.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  if (number || one_character) return std::string(word);
  return join({"\\mathrm{", word, "}"});
}

// A symbol's name in LaTeX, split as SymPy's split_super_sub does: the words
// after underscores and the digits that end the first word are subscripts
// (x1 -> x_{1}, θ0 -> \theta_{0}, V_max -> V_{\mathrm{max}}).
inline rendered latex_name(std::string_view name) {
  const std::size_t underscore = std::min(name.find('_'), name.size());
  std::string_view main = name.substr(0, underscore);
  std::string_view rest = name.substr(underscore);
  std::string subscripts;
  const auto digits =
      static_cast<std::size_t>(std::find_if_not(main.rbegin(), main.rend(), is_ascii_digit) - main.rbegin());
  if (digits != 0 && digits != main.size()) {
    subscripts = std::string(main.substr(main.size() - digits));
    main.remove_suffix(digits);
  }
  while (!rest.empty()) {
    rest.remove_prefix(1);
    const std::size_t next = std::min(rest.find('_'), rest.size());
    subscripts.append(subscripts.empty() ? "" : " ").append(latex_word(rest.substr(0, next)));
    rest.remove_prefix(next);
  }
  const std::string base = latex_word(main);
  if (subscripts.empty()) {
    const bool upright = base.starts_with("\\mathrm");
    return {base, precedence::atom, false, upright, upright};
  }
  return {join({base, "_{", subscripts, "}"}), precedence::atom, false, base.starts_with("\\mathrm"), false};
}

template <bool Latex>
rendered render_name(std::string_view name) {
  if constexpr (Latex) return latex_name(name);
  return {std::string(name), precedence::atom};
}

template <bool Latex, class Op, class A>
rendered render(const unary<Op, A>& e);
template <bool Latex, class Op, class L, class R>
rendered render(const binary<Op, L, R>& e);
template <bool Latex, class C, class A, class B>
rendered render(const selection<C, A, B>& e);

template <bool Latex, fixed_string Name>
rendered render(const symbol<Name>&) {
  return render_name<Latex>(Name.view());
}
template <bool Latex, fixed_string Name, class E>
rendered render(const named<Name, E>&) {
  return render_name<Latex>(Name.view());
}
template <bool Latex, std::intmax_t N>
rendered render(const integer<N>&) {
  return render_number(N);
}
template <bool Latex, class T>
rendered render(const literal<T>& e) {
  if constexpr (std::is_same_v<T, rational>) {
    const rational& r = e.value;
    rendered numerator = render_number(r.numerator);
    if (r.denominator == 1) return numerator;
    const std::string denominator = number_text(r.denominator);
    if constexpr (Latex)
      return {join({"\\frac{", numerator.text, "}{", denominator, "}"}), precedence::atom, numerator.negative};
    return {join({numerator.text, "/", denominator}), precedence::product, numerator.negative};
  } else {
    return render_number(e.value);
  }
}

// base^exponent, the exponent's text given; a base that is not an atom, or
// has a sign, in parentheses: (x + 1)^2, (-0.5*x)^2.
template <bool Latex>
rendered render_power(const rendered& base, std::string_view exponent) {
  const bool bare = !base.negative && base.binding >= precedence::atom;
  const std::string base_text = wrap(base, precedence::atom, Latex);
  const std::string text = Latex ? join({base_text, "^{", exponent, "}"}) : join({base_text, "^", exponent});
  return {text, precedence::power, false, bare && base.upright_first};
}

template <bool Latex, class Op, class A>
rendered render(const unary<Op, A>& e) {
  rendered argument = render<Latex>(e.argument);
  if constexpr (requires { Op::exponent; }) {
    return render_power<Latex>(argument, number_text(Op::exponent));
  } else if constexpr (std::is_same_v<Op, negate_op>) {
    argument.negative = !argument.negative;
    return argument;
  } else if constexpr (std::is_same_v<Op, not_op>) {
    return {join({Latex ? "\\neg " : "!", in_parentheses(argument.text, Latex)}), precedence::prefix};
  } else if constexpr (Latex && std::is_same_v<Op, sqrt_op>) {
    return {join({"\\sqrt{", with_sign(argument, true).text, "}"}), precedence::atom};
  } else if constexpr (Latex && std::is_same_v<Op, abs_op>) {
    return {join({"\\left|", with_sign(argument, true).text, "\\right|"}), precedence::atom};
  } else if constexpr (Latex) {
    return {join({latex_function(Op::name), "\\left(", with_sign(argument, true).text, "\\right)"}), precedence::atom};
  } else {
    return {join({Op::name, "(", with_sign(argument, false).text, ")"}), precedence::atom};
  }
}

// a*b and a/b: the factors' signs in front, their magnitudes joined. LaTeX
// juxtaposes factors, as SymPy does, except where the reader could run them
// together: before a number (3 \cdot 2, never 32) and beside an upright
// name (\mathrm{Vmax} \cdot S, never VmaxS).
template <bool Latex, class Op>
rendered render_factors(rendered left, rendered right) {
  const bool negative = left.negative != right.negative;
  left.negative = right.negative = false;
  constexpr bool quotient = std::is_same_v<Op, quotient_op>;
  if constexpr (Latex && quotient) {
    return {join({"\\frac{", left.text, "}{", right.text, "}"}), precedence::atom, negative};
  }
  // The right operand of / needs parentheses at equal precedence: a/(b*c).
  constexpr auto right_needs = quotient ? precedence::prefix : precedence::product;
  const bool bare_left = left.binding >= precedence::product;
  const bool bare_right = right.binding >= right_needs;
  const std::string left_text = wrap(left, precedence::product, Latex);
  const std::string right_text = wrap(right, right_needs, Latex);
  std::string_view symbol = Op::symbol;
  if constexpr (Latex) {
    const bool runs_together = (!right_text.empty() && is_ascii_digit(right_text.front())) ||
                               (bare_left && left.upright_last) || (bare_right && right.upright_first);
    symbol = runs_together ? " \\cdot " : " ";
  }
  return {join({left_text, symbol, right_text}), precedence::product, negative, bare_left && left.upright_first,
          bare_right && right.upright_last};
}

// a + b and a - b: a negative right operand turns + into - and - into +.
template <bool Latex, class Op>
rendered render_terms(const rendered& left, rendered right) {
  bool plus = std::is_same_v<Op, sum_op>;
  if (right.negative) {
    plus = !plus;
    right.negative = false;
  }
  // The right operand of - needs parentheses at equal precedence: a - (b - c).
  std::string right_text = wrap(right, plus ? precedence::sum : precedence::product, Latex);
  if (plus && right_text.starts_with('-')) {  // a + (-b + c) reads a - b + c
    plus = false;
    right_text.erase(0, 1);
  }
  return {join({wrap(left, precedence::sum, Latex), plus ? " + " : " - ", right_text}), precedence::sum};
}

template <bool Latex, class Op, class L, class R>
rendered render(const binary<Op, L, R>& e) {
  rendered left = render<Latex>(e.left);
  rendered right = render<Latex>(e.right);
  constexpr precedence own = Op::binding;
  if constexpr (std::is_same_v<Op, product_op> && is_literal_v<L>) {
    // A runtime factor that came out as 1 or -1 (0.5 * 2 from a rule) reads better unwritten.
    if (e.left.value == 1 || e.left.value == -1) {
      right.negative = right.negative != (e.left.value == -1);
      return right;
    }
  }
  if constexpr (requires { Op::is_condition; }) {
    // A comparison's operands are arithmetic; && and || take their own kind or tighter.
    constexpr precedence needed = own == precedence::comparison ? precedence::sum : own;
    return {join({wrap(left, needed, Latex), Latex ? Op::latex : Op::symbol, wrap(right, needed, Latex)}), own};
  } else if constexpr (requires { Op::name; }) {  // a two-argument function: atan2(a, b)
    const std::string arguments = join({with_sign(left, Latex).text, ", ", with_sign(right, Latex).text});
    if constexpr (Latex) return {join({latex_function(Op::name), "\\left(", arguments, "\\right)"}), own};
    return {join({Op::name, "(", arguments, ")"}), own};
  } else if constexpr (std::is_same_v<Op, real_power_op>) {
    return render_power<Latex>(left, Latex ? with_sign(right, true).text : wrap(right, precedence::atom, false));
  } else if constexpr (std::is_same_v<Op, product_op> || std::is_same_v<Op, quotient_op>) {
    return render_factors<Latex, Op>(std::move(left), std::move(right));
  } else {
    return render_terms<Latex, Op>(left, std::move(right));
  }
}

// where(c, a, b); in LaTeX, cases.
template <bool Latex, class C, class A, class B>
rendered render(const selection<C, A, B>& e) {
  const std::string condition = render<Latex>(e.condition).text;
  const std::string then = with_sign(render<Latex>(e.then), Latex).text;
  const std::string otherwise = with_sign(render<Latex>(e.otherwise), Latex).text;
  if constexpr (Latex) {
    return {join({"\\begin{cases} ", then, " & \\text{if } ", condition, " \\\\ ", otherwise,
                  " & \\text{otherwise} \\end{cases}"}),
            precedence::atom};
  }
  return {join({"where(", condition, ", ", then, ", ", otherwise, ")"}), precedence::atom};
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
      return with_sign(render<false>(node), false).text;
    } else if constexpr (is_unary_v<Node> && requires { Node::operation::exponent; }) {
      return join({"^", number_text(Node::operation::exponent)});
    } else if constexpr (is_selection_v<Node>) {
      return "where";
    } else if constexpr (requires { Node::operation::name; }) {
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
  return detail::with_sign(detail::render<false>(e), false).text;
}

// The same formula in LaTeX: to_latex(d(x*x*x, x)) == "3 x^{2}".
template <Expression E>
std::string to_latex(const E& e) {
  return detail::with_sign(detail::render<true>(e), true).text;
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
