// Training tensor models with the optimizer layer of train.hpp. minimize()
// updates a flat parameter array; a tensor model's parameters are laid out in
// it exactly as its gradient is (the symbols of wrt(...) in order, each
// row-major), so the parameters bind as views into that array and the
// gradient adds straight into the optimizer's gradient span.
#pragma once

#include <cstddef>
#include <ctdiff/tensor/gradient.hpp>
#include <memory>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

namespace ctdiff {

// A flat array read as the tensors of wrt(...): p[W1] is W1's view into it,
// and p.bindings() binds every symbol to its view, for at(...)-style use.
template <class W, class T>
class flat_tensors;

template <class... Symbols, class T>
class flat_tensors<wrt_list<Symbols...>, T> {
 public:
  using list = wrt_list<Symbols...>;

  explicit flat_tensors(std::span<T> flat) : flat_(flat) {
    if (flat.size() != flat_size_v<list>) {
      throw std::length_error("ctdiff: the flat parameter array has " + std::to_string(flat.size()) +
                              " values; the tensors of wrt(...) have " + std::to_string(flat_size_v<list>));
    }
  }

  template <fixed_string Name, shape S>
  tensor_view<T, S> operator[](tensor_symbol<Name, S> symbol) const {
    static_assert(list::template index_of<decltype(symbol)> != list::size, "ctdiff: this symbol is not in wrt(...)");
    return {flat_.data() + flat_offset_v<list, decltype(symbol)>};
  }
  // A scalar parameter (a scalar symbol of a tensor model): its one value.
  template <fixed_string Name>
  T& operator[](symbol<Name> s) const {
    return (*this)[as_tensor_symbol_t<decltype(s)>{}][0];
  }

  auto bindings() const { return at((Symbols{} = (*this)[Symbols{}])...); }

 private:
  std::span<T> flat_;
};

// How many numbers the tensors of wrt(...) hold: the flat parameter array's size.
// (A scalar symbol counts as a 1x1 tensor.)
template <class... Symbols>
constexpr std::size_t flat_size(wrt_list<Symbols...>) {
  return flat_size_v<tensor_wrt_t<Symbols...>>;
}

template <class... Symbols, class T>
flat_tensors<tensor_wrt_t<Symbols...>, T> tensors_in(wrt_list<Symbols...>, std::span<T> flat) {
  return flat_tensors<tensor_wrt_t<Symbols...>, T>(flat);
}

// One bindings object from two: the parameters' and a sample's data.
template <class... A, class... B>
constexpr auto combine(const bindings<A...>& first, const bindings<B...>& second) {
  return at(static_cast<const A&>(first)..., static_cast<const B&>(second)...);
}

// The objective minimize() calls: for each sample index it binds the
// parameters (views into the optimizer's array) and sample(index)'s data
// bindings, and returns the summed loss, adding the summed gradient into the
// optimizer's gradient when it asks for one. The workspace is allocated once,
// here; evaluating allocates nothing.
template <class E, class W, class T, class SampleBindings>
class tensor_objective {
 public:
  tensor_objective(tensor_gradient_expression<E, W> g, std::span<T> parameters, SampleBindings sample)
      : gradient_(g),
        parameters_(flat_tensors<W, T>(parameters).bindings()),
        sample_(std::move(sample)),
        state_(std::make_unique<workspace<T, E>>()) {}

  // A copy (one per thread of a threaded sum) evaluates in a workspace of its own.
  tensor_objective(const tensor_objective& other)
      : gradient_(other.gradient_),
        parameters_(other.parameters_),
        sample_(other.sample_),
        state_(std::make_unique<workspace<T, E>>()) {}
  tensor_objective(tensor_objective&&) noexcept = default;

  T operator()(std::span<const std::size_t> samples, std::span<T> gradient) {
    T total = T(0);
    for (std::size_t index : samples) {
      const auto b = combine(parameters_, sample_(index));
      total +=
          gradient.empty() ? eval(gradient_.expression, b, *state_) : add_gradient(gradient_, b, *state_, gradient);
    }
    return total;
  }

 private:
  tensor_gradient_expression<E, W> gradient_;
  decltype(std::declval<flat_tensors<W, T>>().bindings()) parameters_;
  SampleBindings sample_;
  std::unique_ptr<workspace<T, E>> state_;
};

// tensor_objective(gradient(loss, wrt(W1, b1)), parameters, sample) for
// parameters in a std::vector, std::array or std::span of floating values.
template <class E, class W, class Parameters, class SampleBindings>
tensor_objective(tensor_gradient_expression<E, W>, Parameters&, SampleBindings)
    -> tensor_objective<E, W, std::ranges::range_value_t<Parameters>, SampleBindings>;

}  // namespace ctdiff
