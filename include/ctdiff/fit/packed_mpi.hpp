// mpi::fit (fit/mpi.hpp) with each rank's share of a batch summed a pack of
// samples at a time, as simd::fit sums a batch (fit/packed.hpp). Every rank
// still holds bitwise the same parameters, and a run gives the same bits for
// any thread count. Link ctdiff::mpi and ctdiff::simd.
#pragma once

#include <ctdiff/fit/mpi.hpp>
#include <ctdiff/fit/packed.hpp>

namespace ctdiff::mpi::simd {

template <Expression Loss, class ParameterBindings, class... Columns>
auto fit(const boost::mpi::communicator& world, const Loss& loss, const parameter_list<ParameterBindings>& parameters,
         const dataset<Columns...>& local_samples, const options& o = {}) {
  return detail::fit_on_ranks<ctdiff::detail::packed_fit_problem>(world, loss, parameters, local_samples, o);
}

}  // namespace ctdiff::mpi::simd
