// The deterministic sum over samples that every training loop calls: the
// summed loss and gradient (or any other per-sample sum) of a list of sample
// indices, on options.threads threads, bitwise the same for every thread count.
//
// The rule: the list is cut into chunks of consecutive positions whose size
// depends on the list's length alone (never on the thread count); each chunk
// is summed in order, sample after sample, from zero; the chunks' partial sums
// are then added in chunk order, element by element. Which thread sums which
// chunk does not enter the arithmetic, so 1, 2, 3 or 8 threads give the same
// bits, and threads = 1 runs the very same chunked order on the caller's thread.
//
// The threads are OpenMP's: the loops below are plain C++ with a pragma, so
// this header needs no library header beyond the compiler's <omp.h>, and
// without -fopenmp (which linking ctdiff::ctdiff adds) it compiles to the
// same serial arithmetic.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#if defined(_OPENMP)
#include <omp.h>
#endif

namespace ctdiff::detail {

// The chunks of a list of `count` samples: at least chunk_min_samples each
// (so a chunk's fixed cost, clearing and adding one partial gradient, stays
// small against its samples' work) and at most chunk_max_count of them (so a
// large data set is split into enough pieces to keep many cores busy).
struct chunking {
  static constexpr std::size_t chunk_min_samples = 16;
  static constexpr std::size_t chunk_max_count = 256;

  std::size_t size;   // samples per chunk; the last chunk may hold fewer
  std::size_t count;  // number of chunks

  explicit constexpr chunking(std::size_t samples)
      : size(std::max(chunk_min_samples, (samples + chunk_max_count - 1) / chunk_max_count)),
        count((samples + size - 1) / size) {}

  constexpr std::span<const std::size_t> chunk(std::span<const std::size_t> samples, std::size_t k) const {
    const std::size_t start = k * size;
    return samples.subspan(start, std::min(size, samples.size() - start));
  }
};

// options.threads resolved: 0 is every processor OpenMP sees; without OpenMP
// only one thread exists, and asking for more is an error, not a silent 1.
inline std::size_t resolve_threads(std::size_t requested) {
#if defined(_OPENMP)
  return requested == 0 ? static_cast<std::size_t>(std::max(1, omp_get_num_procs())) : requested;
#else
  if (requested > 1) {
    throw std::invalid_argument("ctdiff: options.threads = " + std::to_string(requested) +
                                " needs OpenMP: compile with -fopenmp (linking ctdiff::ctdiff adds it)");
  }
  return 1;
#endif
}

// The deterministic sum over samples of a worker: worker(samples, partial)
// adds the sum over `samples` of a per-sample vector into `partial` (zero on
// entry; empty when the caller asks for the scalar sum alone) and returns the
// sum of a per-sample scalar (the loss). With one thread the worker is called
// in place; with more, each thread calls its own copy, made here, before any
// sum. All the buffers are made here too: summing allocates nothing.
template <class T, class Worker>
class sample_sum {
 public:
  sample_sum(Worker& worker, std::size_t width, std::size_t threads)
      : single_(worker),
        threads_(resolve_threads(threads)),
        width_(width),
        wave_(std::clamp(slot_budget / std::max<std::size_t>(width, 1), 4 * threads_, chunking::chunk_max_count)) {
    if (threads_ > 1) {
      if constexpr (std::is_copy_constructible_v<Worker>) {
        copies_.reserve(threads_);
        for (std::size_t t = 0; t != threads_; ++t) copies_.push_back(padded{worker});
      } else {
        throw std::invalid_argument(
            "ctdiff: options.threads > 1 needs a copyable objective: each thread calls its own copy");
      }
    }
    // Each chunk but the first of a call sums into a slot of its own; slots
    // are a cache line apart so that threads never write the same line.
    stride_ = (width_ + line_values - 1) / line_values * line_values + line_values;
    slots_.assign(wave_ * stride_ + line_values, T(0));
    chunk_sums_.assign(chunking::chunk_max_count, T(0));
  }

  std::size_t threads() const { return threads_; }

  // Writes the summed vector over `samples` into `total` (unless it is empty)
  // and returns the summed scalar.
  T operator()(std::span<const std::size_t> samples, std::span<T> total) {
    const chunking chunks(samples.size());
    std::fill(total.begin(), total.end(), T(0));
    if (chunks.count == 0) return T(0);
    if (threads_ == 1 || chunks.count == 1) {
      for (std::size_t k = 0; k != chunks.count; ++k) {
        sum_chunk(single_, samples, chunks, k, total);
        fold_wave(k, k + 1, 0, total.size(), total);
      }
    } else {
      sum_in_parallel(samples, chunks, total);
    }
    T sum = chunk_sums_[0];
    for (std::size_t k = 1; k != chunks.count; ++k) sum += chunk_sums_[k];
    return sum;
  }

 private:
  static constexpr std::size_t line_values = 128 / sizeof(T);
  // Values the slots may hold (2 MB of doubles): a small model's call is one
  // wave, with fewer barriers; a large model's slots stay a few per thread.
  static constexpr std::size_t slot_budget = std::size_t(1) << 18;

  // The chunks in waves of wave_: the threads sum a wave's chunks into their
  // slots, then fold them into the total, each thread a range of elements.
  // Two barriers per wave (one where a call has a single wave): a barrier
  // costs about a microsecond on idle cores, but a scheduler's time slice
  // where the cores are shared with other busy processes.
  void sum_in_parallel(std::span<const std::size_t> samples, const chunking& chunks, std::span<T> total) {
    std::exception_ptr failure;
#if defined(_OPENMP)
#pragma omp parallel num_threads(static_cast <int>(threads_))
#endif
    {
#if defined(_OPENMP)
      Worker& worker = copies_[static_cast<std::size_t>(omp_get_thread_num())].worker;
#else
      Worker& worker = copies_[0].worker;
#endif
      for (std::size_t first = 0; first < chunks.count; first += wave_) {
        if (first != 0) {
          // The previous wave's fold has read the slots this wave overwrites.
#if defined(_OPENMP)
#pragma omp barrier
#endif
        }
        const std::size_t last = std::min(chunks.count, first + wave_);
        const auto wave_length = static_cast<std::ptrdiff_t>(last - first);
#if defined(_OPENMP)
#pragma omp for schedule(dynamic, 1)
#endif
        for (std::ptrdiff_t offset = 0; offset < wave_length; ++offset) {
          // An exception must not leave an OpenMP region: it is kept and
          // rethrown by the calling thread once every thread is done.
          try {
            sum_chunk(worker, samples, chunks, first + static_cast<std::size_t>(offset), total);
          } catch (...) {
#if defined(_OPENMP)
#pragma omp critical(ctdiff_sample_sum_failure)
#endif
            if (!failure) failure = std::current_exception();
          }
        }
        const auto width = static_cast<std::ptrdiff_t>(total.size());
        const std::ptrdiff_t block = 64;
#if defined(_OPENMP)
#pragma omp for schedule(static) nowait
#endif
        for (std::ptrdiff_t start = 0; start < width; start += block) {
          fold_wave(first, last, static_cast<std::size_t>(start),
                    static_cast<std::size_t>(std::min(width, start + block)), total);
        }
      }
    }
    if (failure) std::rethrow_exception(failure);
  }

  // A worker on a cache line of its own: its bindings are written per sample.
  struct alignas(128) padded {
    Worker worker;
  };

  // Chunk k of a call into its slot of the current wave (the first chunk
  // straight into the total, which needs no fold).
  void sum_chunk(Worker& worker, std::span<const std::size_t> samples, const chunking& chunks, std::size_t k,
                 std::span<T> total) {
    const std::size_t slot = k % wave_;
    std::span<T> partial = total.empty() || k == 0 ? total : slot_span(slot, total.size());
    if (k != 0) std::fill(partial.begin(), partial.end(), T(0));
    chunk_sums_[k] = static_cast<T>(worker(chunks.chunk(samples, k), partial));
  }

  // Adds the partial sums of chunks [first, last) to total[begin, end) in chunk order.
  void fold_wave(std::size_t first, std::size_t last, std::size_t begin, std::size_t end, std::span<T> total) {
    for (std::size_t k = std::max<std::size_t>(first, 1); k < last; ++k) {
      const T* partial = slot_span(k % wave_, total.size()).data();
      for (std::size_t i = begin; i != end; ++i) total[i] += partial[i];
    }
  }

  std::span<T> slot_span(std::size_t slot, std::size_t width) {
    return std::span<T>(slots_.data() + line_values + slot * stride_, width);
  }

  Worker& single_;
  std::size_t threads_;
  std::size_t width_;
  std::size_t wave_;  // chunks summed between two folds: as many as slot_budget allows, and a few per thread
  std::size_t stride_ = 0;
  std::vector<padded> copies_;
  std::vector<T> slots_;
  std::vector<T> chunk_sums_;
};

// A worker that already sums whole batches in an order of its own (the MPI
// objective of mpi.hpp, which sums its rank's samples with a sample_sum and
// then the ranks' sums) declares sums_whole_batches and is called as it is;
// it writes the summed vector instead of adding to it.
template <class Worker>
concept whole_batch_worker = Worker::sums_whole_batches;

template <class T, class Worker>
requires whole_batch_worker<Worker>
class sample_sum<T, Worker> {
 public:
  sample_sum(Worker& worker, std::size_t, std::size_t) : worker_(worker) {}
  T operator()(std::span<const std::size_t> samples, std::span<T> total) { return worker_(samples, total); }

 private:
  Worker& worker_;
};

}  // namespace ctdiff::detail
