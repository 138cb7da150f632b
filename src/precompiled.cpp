// The solvers that are templates over the number type alone, compiled once
// for float and double: the ctdiff::precompiled component. A translation
// unit that links it (and so sees CTDIFF_PRECOMPILED) instantiates none of them.
#include <ctdiff/optimize/detail/trust_region_solver.hpp>
#include <ctdiff/optimize/levenberg_marquardt.hpp>

namespace ctdiff::detail {

template least_squares_record<float> solve_least_squares(const residual_problem<float>&, std::span<float>,
                                                         const least_squares_options&);
template least_squares_record<double> solve_least_squares(const residual_problem<double>&, std::span<double>,
                                                          const least_squares_options&);
template class trust_region_newton<float>;
template class trust_region_newton<double>;

}  // namespace ctdiff::detail
