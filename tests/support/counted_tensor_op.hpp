// A tensor operation that counts its calls, for the tests that prove a shared
// subexpression is computed once per evaluation: the elementwise sigmoid,
// counting its forward and backward passes (per sample, over a batch). Each
// Copy is a type of its own, so copies 0 and 1 of one expression are two
// values: the same model without sharing.
#pragma once

#include <ctdiff/ctdiff.hpp>

namespace counted_tensor_op {

template <int Copy>
struct counted_sigmoid_op {
  static inline int forward_calls = 0;
  static inline int backward_calls = 0;
  static constexpr ctdiff::shape result(ctdiff::shape argument) { return argument; }
  void forward(auto argument, auto out) const {
    ++forward_calls;
    ctdiff::elementwise_op<ctdiff::sigmoid_op>{}.forward(argument, out);
  }
  void backward(auto argument, auto out, auto adjoint, auto argument_adjoint) const {
    ++backward_calls;
    ctdiff::elementwise_op<ctdiff::sigmoid_op>{}.backward(argument, out, adjoint, argument_adjoint);
  }
};
template <int Copy = 0, class E>
constexpr auto counted_sigmoid(const E& e) {
  return ctdiff::tensor_unary<counted_sigmoid_op<Copy>, E>{{}, e};
}

struct calls {
  int forward;
  int backward;
};
template <int Copy>
calls calls_of() {
  return {counted_sigmoid_op<Copy>::forward_calls, counted_sigmoid_op<Copy>::backward_calls};
}
inline void reset_calls() {
  counted_sigmoid_op<0>::forward_calls = counted_sigmoid_op<0>::backward_calls = 0;
  counted_sigmoid_op<1>::forward_calls = counted_sigmoid_op<1>::backward_calls = 0;
}

}  // namespace counted_tensor_op
