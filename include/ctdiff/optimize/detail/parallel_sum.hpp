// The deterministic sum over samples that every training loop calls: the
// summed loss and gradient (or any other per-sample sum) of a list of sample
// indices, on options.threads threads, bitwise the same for every thread count.
//
// The rule: the list is cut into chunks of consecutive positions whose size
// depends on the list's length and the sum's width alone (never on the thread
// count); each chunk is summed in order, sample after sample, from zero; the
// chunks' partial sums are then added in chunk order, element by element.
// Which thread sums which chunk does not enter the arithmetic, so 1, 2, 3 or 8
// threads give the same bits, and one thread runs the very same chunked order.
//
// The threads: the caller and options.threads − 1 helpers, started at the
// sum's first split call and asleep between calls. Each thread owns a run of
// consecutive chunks, the same at every call (so it reads the same samples
// from its own caches, and claims them on a counter no other thread writes),
// and then takes the chunks left in the others' runs from their ends, so a
// helper that the scheduler has not run yet (on a busy machine) delays
// nobody: the caller sums the chunks it did not take, and waits only for a
// chunk a helper is in the middle of. Whether a call is split at all is
// decided per call from measured times (see splitting), so that more threads
// are never much slower than one.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctdiff/optimize/options.hpp>
#include <exception>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

namespace ctdiff {

namespace detail {

// The chunks of a list of `count` samples whose partial sums are `width`
// values: at least chunk_min_samples each (so a chunk's fixed cost, clearing
// and adding one partial sum, stays small against its samples' work) and at
// most chunk_max_count of them (so a large data set is split into enough
// pieces to keep many cores busy), fewer for wide sums so that all partial
// sums fit in partial_sum_budget values.
struct chunking {
  static constexpr std::size_t chunk_min_samples = 16;
  static constexpr std::size_t chunk_max_count = 256;
  static constexpr std::size_t partial_sum_budget = std::size_t(1) << 19;

  std::size_t size;   // samples per chunk; the last chunk may hold fewer
  std::size_t count;  // number of chunks

  static constexpr std::size_t max_count(std::size_t width) {
    return std::clamp<std::size_t>(partial_sum_budget / std::max<std::size_t>(width, 1), 2, chunk_max_count);
  }

  explicit constexpr chunking(std::size_t samples, std::size_t width = 0)
      : size(std::max(chunk_min_samples, (samples + max_count(width) - 1) / max_count(width))),
        count((samples + size - 1) / size) {}

  constexpr std::span<const std::size_t> chunk(std::span<const std::size_t> samples, std::size_t k) const {
    const std::size_t start = k * size;
    return samples.subspan(start, std::min(size, samples.size() - start));
  }
};

// options.threads resolved: 0 is every processor.
inline std::size_t resolve_threads(std::size_t requested) {
  return requested == 0 ? std::max<std::size_t>(1, std::thread::hardware_concurrency()) : requested;
}

// The tasks the machine is running or ready to run at this moment, the
// caller included: Linux's count, the fourth field of /proc/loadavg
// ("running/total"); 0 where it cannot be read (another system).
inline std::size_t runnable_tasks() {
  std::FILE* file = std::fopen("/proc/loadavg", "r");
  if (file == nullptr) return 0;
  double averages[3];
  unsigned long running = 0, total = 0;
  const int read = std::fscanf(file, "%lf %lf %lf %lu/%lu", &averages[0], &averages[1], &averages[2], &running, &total);
  std::fclose(file);
  return read == 5 ? running : 0;
}

// The per-call choice between one thread and all of them, from times
// measured on this sum's own calls: the time per sample on one thread and on
// all, as running means. A call is split when its work on one thread is
// worth more than min_split_work and splitting has measured faster. Until
// then a split is a trial, made only where every thread would find a free
// core: with the cores taken, a helper preempted inside a chunk keeps the
// caller waiting a scheduler time slice, which a run of few calls never
// earns back. While splitting measures slower (a busy machine), a trial is
// made again after an interval that doubles with every failure, so a machine
// that has become quiet is noticed.
class split_decision {
 public:
  using clock = std::chrono::steady_clock;
  using load_probe = std::size_t (*)();  // runnable_tasks, or a test's own

  split_decision(std::size_t threads, splitting rule, load_probe runnable = runnable_tasks,
                 std::size_t cores = std::thread::hardware_concurrency())
      : threads_(threads), rule_(rule), runnable_(runnable), cores_(cores) {}

  // Whether to split this call; timed() tells whether to time it.
  bool split(std::size_t samples, std::size_t chunk_count) {
    timed_ = false;
    if (threads_ == 1 || chunk_count < 2) return false;
    if (rule_ == splitting::always) return true;
    ++calls_;
    timed_ = true;
    if (!(serial_per_sample_ >= 0)) return false;  // not measured yet: measure one thread first
    if (static_cast<double>(samples) * serial_per_sample_ < min_split_work) {
      timed_ = calls_ % refresh_interval == 0;  // keep the estimate current, rarely
      return false;
    }
    if (parallel_per_sample_ >= 0 && parallel_per_sample_ < gain_needed * serial_per_sample_) return true;
    // Splitting not measured yet, or measured slower: a trial, when one is due.
    if (calls_until_retry_ > 0) {
      --calls_until_retry_;
      return false;
    }
    if (!cores_free()) {  // look again later: reading the count costs a few microseconds
      calls_until_retry_ = std::max(retry_interval_, calls_between_looks);
      return false;
    }
    if (parallel_per_sample_ >= 0) retry_interval_ = std::min(retry_interval_ * 2, max_retry_interval);
    calls_until_retry_ = retry_interval_;
    return true;
  }

  bool timed() const { return timed_; }

  // This call is to be timed on one thread because one thread's time is not
  // known yet (the first call): the caller may time a part of it instead.
  bool measuring_one_thread() const { return timed_ && !(serial_per_sample_ >= 0); }

  // This call started the helper threads: its time, which holds their start,
  // is not recorded, and the trial is made again at the next call. From now
  // on the count of runnable tasks may hold the helpers themselves (awake
  // between two calls), which are not taken for another process's.
  void helpers_started() {
    timed_ = false;
    calls_until_retry_ = 0;
    own_helpers_ = threads_ - 1;
  }

  void record(bool was_split, std::size_t samples, double seconds) {
    const double per_sample = seconds / static_cast<double>(samples);
    double& mean = was_split ? parallel_per_sample_ : serial_per_sample_;
    mean = mean >= 0 ? (1 - weight) * mean + weight * per_sample : per_sample;
    if (was_split && parallel_per_sample_ < gain_needed * serial_per_sample_) {
      retry_interval_ = 1;
      calls_until_retry_ = 1;
    }
  }

 private:
  // One thread's work, in seconds, below which a call is never split: waking
  // a sleeping helper costs tens of microseconds.
  static constexpr double min_split_work = 100e-6;
  static constexpr double gain_needed = 0.9;  // split only where it saves at least a tenth
  static constexpr double weight = 0.25;      // of the newest time in the running means
  static constexpr std::size_t refresh_interval = 64;
  static constexpr std::size_t max_retry_interval = 256;
  static constexpr std::size_t calls_between_looks = 8;  // at the free cores, while they are taken
  static constexpr int reads_per_look = 3;

  // Every helper would find a core: the tasks runnable besides the caller
  // and the helpers fit in the cores (true where that count is unknown), at
  // one of a few reads in a row, so that a task that runs for a moment (a
  // kernel thread, a shell) is not taken for load.
  bool cores_free() const {
    const std::size_t ours = 1 + own_helpers_;
    for (int read = 0; read != reads_per_look; ++read) {
      const std::size_t runnable = runnable_();
      if (runnable == 0 || (runnable > ours ? runnable - ours : 0) + threads_ <= cores_) return true;
    }
    return false;
  }

  std::size_t threads_;
  splitting rule_;
  load_probe runnable_;
  std::size_t cores_;
  bool timed_ = false;
  std::size_t calls_ = 0;
  double serial_per_sample_ = -1;  // negative: not measured yet
  double parallel_per_sample_ = -1;
  std::size_t retry_interval_ = 1;
  std::size_t calls_until_retry_ = 0;
  std::size_t own_helpers_ = 0;  // helper threads started
};

// The deterministic sum over samples of a worker: worker(samples, partial)
// adds the sum over `samples` of a per-sample vector into `partial` (zero on
// entry; empty when the caller asks for the scalar sum alone) and returns the
// sum of a per-sample scalar (the loss). On one thread the worker is called
// in place; with more, each thread calls its own copy, made here, before any
// sum. All the buffers are made here too: summing allocates nothing.
template <class T, class Worker>
class sample_sum {
 public:
  sample_sum(Worker& worker, std::size_t width, std::size_t threads, splitting rule = splitting::measured,
             split_decision::load_probe runnable = runnable_tasks)
      : single_(worker),
        threads_(resolve_threads(threads)),
        width_(width),
        stride_((width + line_values - 1) / line_values * line_values + line_values),
        decision_(threads_, rule, runnable) {
    // Each chunk but the first sums into a partial sum of its own, a cache
    // line apart so that threads never write the same line; one thread needs one.
    const std::size_t partial_sums = threads_ > 1 ? chunking::max_count(width) : 1;
    partials_.assign(partial_sums * stride_ + line_values, T(0));
    chunk_sums_.assign(chunking::chunk_max_count, T(0));
    if (threads_ > 1) {
      if constexpr (std::is_copy_constructible_v<Worker>) {
        copies_.reserve(threads_);
        for (std::size_t t = 0; t != threads_; ++t) copies_.push_back(padded{worker});
        helpers_.reserve(threads_ - 1);
        runs_ = std::vector<run>(threads_);
      } else {
        throw std::invalid_argument(
            "ctdiff: options.threads > 1 needs a copyable objective: each thread calls its own copy");
      }
    }
  }

  // The helpers hold `this`.
  sample_sum(const sample_sum&) = delete;
  sample_sum& operator=(const sample_sum&) = delete;

  ~sample_sum() {
    stopping_.store(true, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (std::thread& helper : helpers_) helper.join();
  }

  std::size_t threads() const { return threads_; }
  std::size_t started_helpers() const { return helpers_.size(); }

  // Writes the summed vector over `samples` into `total` (unless it is empty)
  // and returns the summed scalar.
  T operator()(std::span<const std::size_t> samples, std::span<T> total) {
    const chunking chunks(samples.size(), width_);
    std::fill(total.begin(), total.end(), T(0));
    if (chunks.count == 0) return T(0);
    bool split = decision_.split(samples.size(), chunks.count);
    std::size_t first = 0;     // chunks summed before the decision below
    std::size_t measured = 0;  // and their samples
    if (!split && decision_.measuring_one_thread()) {
      // The first call: its first chunks on this thread, until they have
      // taken long enough to be timed, and the rest decided from their time.
      const auto start = split_decision::clock::now();
      std::chrono::duration<double> elapsed{};
      while (first != chunks.count && elapsed.count() < first_measurement) {
        sum_in_order(samples, chunks, total, first, first + 1);
        ++first;
        elapsed = split_decision::clock::now() - start;
      }
      measured = std::min(samples.size(), first * chunks.size);
      decision_.record(false, measured, elapsed.count());
      if (first == chunks.count) return total_of_chunks(chunks);
      split = decision_.split(samples.size() - measured, chunks.count - first);
    }
    if (split && helpers_.size() + 1 < threads_) {
      start_helpers();
      decision_.helpers_started();
    }
    const auto start = decision_.timed() ? split_decision::clock::now() : split_decision::clock::time_point();
    if (split) {
      sum_in_parallel(samples, chunks, total, first);
    } else {
      sum_in_order(samples, chunks, total, first, chunks.count);
    }
    if (decision_.timed()) {
      const std::chrono::duration<double> elapsed = split_decision::clock::now() - start;
      decision_.record(split, samples.size() - measured, elapsed.count());
    }
    return total_of_chunks(chunks);
  }

 private:
  static constexpr std::size_t line_values = 128 / sizeof(T);
  // Seconds of one thread's work that the first call times before deciding
  // the rest: long enough that a cold cache's misses are a small part of it.
  static constexpr double first_measurement = 50e-6;

  T total_of_chunks(const chunking& chunks) const {
    T sum = chunk_sums_[0];
    for (std::size_t k = 1; k != chunks.count; ++k) sum += chunk_sums_[k];
    return sum;
  }

  // On the calling thread, chunks [first, end): each chunk into the one
  // partial sum, then into the total.
  void sum_in_order(std::span<const std::size_t> samples, const chunking& chunks, std::span<T> total, std::size_t first,
                    std::size_t end) {
    for (std::size_t k = first; k != end; ++k) {
      const std::span<T> partial = k == 0 || total.empty() ? total : partial_sum(0, total.size());
      if (k != 0) std::fill(partial.begin(), partial.end(), T(0));
      chunk_sums_[k] = static_cast<T>(single_(chunks.chunk(samples, k), partial));
      if (k != 0) add(partial, total);
    }
  }

  // The call is published, the helpers woken, and the caller claims chunks
  // like any helper; then it waits for the chunks still being summed and adds
  // the partial sums in chunk order.
  void sum_in_parallel(std::span<const std::size_t> samples, const chunking& chunks, std::span<T> total,
                       std::size_t first) {
    const std::size_t to_sum = chunks.count - first;
    call_ = {samples, chunks, total, to_sum};
    completed_.store(0, std::memory_order_relaxed);
    failure_ = nullptr;
    const std::uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
    for (std::size_t t = 0; t != threads_; ++t) {
      runs_[t].claims.store(ticket(generation, first + to_sum * t / threads_, first + to_sum * (t + 1) / threads_),
                            std::memory_order_release);
    }
    generation_.store(generation, std::memory_order_release);
    generation_.notify_all();
    claim_and_sum(0, generation);
    for (std::uint32_t done = completed_.load(std::memory_order_acquire); done != to_sum;
         done = completed_.load(std::memory_order_acquire)) {
      completed_.wait(done, std::memory_order_acquire);
    }
    for (std::size_t k = std::max<std::size_t>(first, 1); k < chunks.count && !total.empty(); ++k) {
      add(partial_sum(k, total.size()), total);
    }
    if (failure_) std::rethrow_exception(failure_);
  }

  // At the first split call, not before: a sum that is never split (one whose
  // calls are too short, or a busy machine) starts no thread, and its end
  // waits for none to be scheduled and exit.
  void start_helpers() {
    for (std::size_t t = helpers_.size() + 1; t < threads_; ++t) {
      helpers_.emplace_back([this, t] { help(t); });
    }
  }

  // A helper: asleep until a call is published, then claims its chunks.
  void help(std::size_t self) {
    std::uint32_t seen = 0;
    for (;;) {
      generation_.wait(seen, std::memory_order_acquire);
      seen = generation_.load(std::memory_order_acquire);
      if (stopping_.load(std::memory_order_relaxed)) return;
      claim_and_sum(self, seen);
    }
  }

  // A run's counter holds its call (generation) and the run's remaining
  // chunks [first, end), so that a thread that wakes late never takes a chunk
  // of a later call for its own, and reads the call only once its claim holds
  // the call open. The owner takes the first chunk, the others the last.
  static constexpr std::uint64_t ticket(std::uint32_t generation, std::size_t first, std::size_t end) {
    return std::uint64_t(generation) << 32 | std::uint64_t(end) << 16 | std::uint64_t(first);
  }

  void claim_and_sum(std::size_t self, std::uint32_t generation) {
    Worker& worker = copies_[self].worker;
    std::uint32_t summed = 0;
    for (std::size_t i = 0; i != threads_; ++i) {
      const bool own = i == 0;
      std::atomic<std::uint64_t>& claims = runs_[(self + i) % threads_].claims;
      std::uint64_t claim = claims.load(std::memory_order_acquire);
      for (;;) {
        const std::size_t first = claim & 0xffff;
        const std::size_t end = (claim >> 16) & 0xffff;
        if (claim >> 32 != generation || first >= end) break;
        const std::uint64_t rest = own ? claim + 1 : claim - (std::uint64_t(1) << 16);
        if (!claims.compare_exchange_weak(claim, rest, std::memory_order_acq_rel)) continue;
        sum_chunk(worker, own ? first : end - 1);
        ++summed;
        claim = claims.load(std::memory_order_acquire);
      }
    }
    if (summed == 0) return;
    const std::size_t count = call_.to_sum;  // read while this thread's chunks hold the call open
    if (completed_.fetch_add(summed, std::memory_order_acq_rel) + summed == count) completed_.notify_all();
  }

  void sum_chunk(Worker& worker, std::size_t k) {
    const std::span<T> total = call_.total;
    const std::span<T> partial = total.empty() || k == 0 ? total : partial_sum(k, total.size());
    if (k != 0) std::fill(partial.begin(), partial.end(), T(0));
    // An exception must not end a helper: it is kept and rethrown by the caller.
    try {
      chunk_sums_[k] = static_cast<T>(worker(call_.chunks.chunk(call_.samples, k), partial));
    } catch (...) {
      const std::lock_guard lock(failure_mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
  }

  static void add(std::span<const T> partial, std::span<T> total) {
    for (std::size_t i = 0; i != total.size(); ++i) total[i] += partial[i];
  }

  std::span<T> partial_sum(std::size_t k, std::size_t width) {
    return std::span<T>(partials_.data() + line_values + k * stride_, width);
  }

  // A worker on a cache line of its own: its bindings are written per sample.
  struct alignas(128) padded {
    Worker worker;
  };

  // A thread's run of chunks, its counter on a cache line of its own.
  struct alignas(128) run {
    std::atomic<std::uint64_t> claims{0};
  };

  struct call {
    std::span<const std::size_t> samples;
    chunking chunks{0};
    std::span<T> total;
    std::size_t to_sum = 0;  // chunks left to the threads: the last ones
  };

  Worker& single_;
  std::size_t threads_;
  std::size_t width_;
  std::size_t stride_;
  split_decision decision_;
  std::vector<padded> copies_;
  std::vector<T> partials_;
  std::vector<T> chunk_sums_;
  call call_;
  std::atomic<std::uint32_t> generation_{0};
  std::vector<run> runs_;
  alignas(128) std::atomic<std::uint32_t> completed_{0};  // 32 bits: what the platform's wait takes directly
  std::atomic<bool> stopping_{false};
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
  std::vector<std::thread> helpers_;  // last: started after, and joined before, everything they use goes
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
  sample_sum(Worker& worker, std::size_t, std::size_t, splitting = splitting::measured) : worker_(worker) {}
  T operator()(std::span<const std::size_t> samples, std::span<T> total) { return worker_(samples, total); }

 private:
  Worker& worker_;
};

}  // namespace detail
}  // namespace ctdiff
