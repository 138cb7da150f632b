// Data-parallel training on MPI (Boost.MPI over Open MPI): every rank holds a
// shard of the samples, runs the same optimizer loop on the same parameters,
// and every batch's loss and gradient are the sum over all ranks' samples.
// Not included by ctdiff.hpp: link ctdiff::mpi (find_package(ctdiff COMPONENTS mpi)).
//
// The sharding rule: sample g of the whole data set (0-based) lives on rank
// g % P as that rank's local sample g / P. Mini-batches are global: every
// rank shuffles the global indices with the same seed, so a run on P ranks
// takes the steps of the single-process run with the same options. A rank
// sums its samples of a batch in batch order with optimize/detail/parallel_sum.hpp's chunked sum
// (options.threads threads), then every rank receives every rank's sums and
// adds them in rank order, so all ranks hold bitwise the same parameters.
//
// A rank that throws would leave the others waiting in a collective: every
// call here catches, prints "ctdiff: rank r of P: <message>" to stderr and
// aborts the whole job (MPI_Abort, exit code 1).
#pragma once

#include <boost/mpi/collectives/all_gather.hpp>
#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/communicator.hpp>
#include <cstddef>
#include <cstdio>
#include <ctdiff/fit/fit.hpp>
#include <exception>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace ctdiff::mpi {

// Which samples a rank holds, by the sharding rule above.
struct shard {
  std::size_t rank;
  std::size_t ranks;
  std::size_t global_count;  // samples on all ranks together

  shard(const boost::mpi::communicator& world, std::size_t global)
      : rank(static_cast<std::size_t>(world.rank())),
        ranks(static_cast<std::size_t>(world.size())),
        global_count(global) {}

  // This rank's samples: global_count / ranks, one more on the first global_count % ranks ranks.
  std::size_t size() const { return global_count / ranks + (rank < global_count % ranks); }
  std::size_t global_index(std::size_t local) const { return local * ranks + rank; }
  bool holds(std::size_t global) const { return global % ranks == rank; }
  std::size_t local_index(std::size_t global) const { return global / ranks; }

  // This rank's rows of a whole column (every rank read the same file).
  template <class Column>
  auto keep(const Column& column) const {
    if (std::ranges::size(column) != global_count) {
      throw std::length_error("ctdiff: a column of " + std::to_string(std::ranges::size(column)) +
                              " rows is sharded as one of " + std::to_string(global_count));
    }
    std::vector<std::ranges::range_value_t<Column>> rows(size());
    for (std::size_t local = 0; local != rows.size(); ++local)
      rows[local] = std::ranges::data(column)[global_index(local)];
    return rows;
  }
};

// Runs body() and returns its result; if it throws, prints the rank and the
// message to stderr and aborts every rank of `world` with exit code 1 (a
// rank that returned normally instead would leave the others in a collective).
template <class Body>
decltype(auto) abort_on_exception(const boost::mpi::communicator& world, Body&& body) {
  try {
    return std::invoke(std::forward<Body>(body));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ctdiff: rank %d of %d: %s\n", world.rank(), world.size(), error.what());
  } catch (...) {
    std::fprintf(stderr, "ctdiff: rank %d of %d: an exception that is not a std::exception\n", world.rank(),
                 world.size());
  }
  std::fflush(stderr);
  world.abort(1);
  std::terminate();  // MPI_Abort does not return; this keeps the compiler from asking for a value
}

namespace detail {

// The objective of the optimizer loop on every rank: the sum over the global
// batch, this rank's samples first summed locally, then every rank's sums
// (the loss and the gradient, one message of parameter count + 1 values)
// gathered on every rank and added in rank order.
template <class T, class Objective>
class distributed_objective {
 public:
  static constexpr bool sums_whole_batches = true;

  distributed_objective(const boost::mpi::communicator& world, const shard& samples, Objective& local,
                        std::size_t width, const options& o)
      : world_(world),
        shard_(samples),
        local_sum_(local, width, o.threads, o.split),
        local_samples_(),
        sent_(width + 1),
        received_((width + 1) * samples.ranks) {
    local_samples_.reserve(samples.size());
  }

  T operator()(std::span<const std::size_t> batch, std::span<T> total) {
    local_samples_.clear();
    for (std::size_t global : batch) {
      if (shard_.holds(global)) local_samples_.push_back(shard_.local_index(global));
    }
    const std::size_t length = total.size() + 1;
    sent_[0] = abort_on_exception(
        world_, [&] { return local_sum_(local_samples_, std::span<T>(sent_).subspan(1, total.size())); });
    boost::mpi::all_gather(world_, sent_.data(), static_cast<int>(length), received_.data());
    T sum = received_[0];
    std::copy(received_.begin() + 1, received_.begin() + static_cast<std::ptrdiff_t>(length), total.begin());
    for (std::size_t rank = 1; rank != shard_.ranks; ++rank) {
      const T* from = received_.data() + rank * length;
      sum += from[0];
      for (std::size_t i = 0; i != total.size(); ++i) total[i] += from[1 + i];
    }
    return sum;
  }

 private:
  const boost::mpi::communicator& world_;
  shard shard_;
  ctdiff::detail::sample_sum<T, Objective> local_sum_;
  std::vector<std::size_t> local_samples_;  // this rank's samples of the batch, in batch order
  std::vector<T> sent_;                     // this rank's loss, then its gradient
  std::vector<T> received_;                 // every rank's, in rank order
};

inline std::size_t global_count(const boost::mpi::communicator& world, std::size_t local_count) {
  std::size_t total = 0;
  boost::mpi::all_reduce(world, local_count, total, std::plus<std::size_t>());
  const shard expected(world, total);
  if (expected.size() != local_count) {
    throw std::invalid_argument("ctdiff: rank " + std::to_string(expected.rank) + " holds " +
                                std::to_string(local_count) + " samples; the sharding rule gives it " +
                                std::to_string(expected.size()) + " of " + std::to_string(total) +
                                " (sample g on rank g % ranks)");
  }
  return total;
}

}  // namespace detail

// minimize() on every rank of `world`: `objective` sums over this rank's
// samples, given as local indices (0 to shard(world, global_count).size()),
// as minimize()'s objective does; `parameters` starts equal on every rank and
// stays so. Every rank returns the same result.
template <class Objective, ctdiff::detail::parameter_storage Parameters>
auto minimize(const boost::mpi::communicator& world, Objective& objective, Parameters& parameters,
              std::size_t global_count, const options& o = {}) {
  using T = std::ranges::range_value_t<Parameters>;
  return abort_on_exception(world, [&] {
    const std::size_t size = std::ranges::size(parameters);
    detail::distributed_objective<T, Objective> sum(world, shard(world, global_count), objective, size, o);
    return ctdiff::detail::run<T>(sum, std::span<T>(parameters), global_count, o);
  });
}

namespace detail {

// fit's objective of kind Problem (fit/fit.hpp's, or fit/packed.hpp's on
// packs), minimised on every rank.
template <template <class, class, class> class Problem, class Loss, class ParameterBindings, class Dataset>
auto fit_on_ranks(const boost::mpi::communicator& world, const Loss& loss,
                  const parameter_list<ParameterBindings>& parameters, const Dataset& local_samples, const options& o) {
  return abort_on_exception(world, [&] {
    return ctdiff::detail::fit_with<Problem>(loss, parameters, local_samples, [&](auto& problem, auto& flat) {
      return minimize(world, problem, flat, global_count(world, local_samples.size), o);
    });
  });
}

}  // namespace detail

// fit() on every rank of `world`: data(...) holds this rank's rows by the
// sharding rule (shard::keep makes them from whole columns).
template <Expression Loss, class ParameterBindings, class... Columns>
auto fit(const boost::mpi::communicator& world, const Loss& loss, const parameter_list<ParameterBindings>& parameters,
         const dataset<Columns...>& local_samples, const options& o = {}) {
  return detail::fit_on_ranks<ctdiff::detail::fit_problem>(world, loss, parameters, local_samples, o);
}

}  // namespace ctdiff::mpi
