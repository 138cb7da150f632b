// The solvers that are templates over the number type alone come compiled
// from the ctdiff::precompiled component, which defines CTDIFF_PRECOMPILED,
// for float and double. Their headers then leave out the definitions (and
// Eigen); for another number type the definition must be included.
#pragma once

#include <type_traits>

namespace ctdiff::detail {

#if defined(CTDIFF_PRECOMPILED)
inline constexpr bool solvers_precompiled = true;
#else
inline constexpr bool solvers_precompiled = false;
#endif

// A solver for T can be called here: compiled from the headers, or for
// float and double from ctdiff::precompiled, or its definition included
// (Defined: the solver's header says so for every T).
template <class T, class Defined>
inline constexpr bool solver_available =
    !solvers_precompiled || std::is_same_v<T, float> || std::is_same_v<T, double> || Defined::value;

}  // namespace ctdiff::detail
