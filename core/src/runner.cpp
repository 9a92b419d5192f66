#include "recoverysim/runner.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "recoverysim/log.hpp"

namespace recoverysim {

int default_threads() noexcept {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

namespace {

// RunResults' sparse tables, in the order of RecordBuffer::cells.
constexpr SparseCells RunResults::* kCellMembers[RecordBuffer::kCellTables] = {
    &RunResults::service_cause_downtime, &RunResults::service_phase_downtime,
    &RunResults::service_cause_cost};

// Concatenates the threads' records in replication order, whatever thread ran what.
void merge_records(std::vector<RecordBuffer>& buffers, RunResults& out) {
  struct Ref {
    const RecordBuffer* buf;
    const RecordBuffer::Block* block;
  };
  std::vector<Ref> refs;
  for (const auto& b : buffers)
    for (const auto& blk : b.blocks) refs.push_back({&b, &blk});
  std::sort(refs.begin(), refs.end(),
            [](const Ref& a, const Ref& b) { return a.block->replication < b.block->replication; });
  const std::size_t np = out.n_phases;
  for (const Ref& r : refs) {
    const auto& blk = *r.block;
    out.outages.insert(out.outages.end(),
                       r.buf->outages.begin() + static_cast<std::ptrdiff_t>(blk.outage_begin),
                       r.buf->outages.begin() + static_cast<std::ptrdiff_t>(blk.outage_end));
    out.outage_phases.insert(
        out.outage_phases.end(),
        r.buf->outage_phases.begin() + static_cast<std::ptrdiff_t>(blk.outage_begin * np),
        r.buf->outage_phases.begin() + static_cast<std::ptrdiff_t>(blk.outage_end * np));
    out.losses.insert(out.losses.end(),
                      r.buf->losses.begin() + static_cast<std::ptrdiff_t>(blk.loss_begin),
                      r.buf->losses.begin() + static_cast<std::ptrdiff_t>(blk.loss_end));
    for (std::size_t k = 0; k < RecordBuffer::kCellTables; ++k)
      (out.*kCellMembers[k]).append(r.buf->cells[k], blk.cell_begin[k], blk.cell_end[k]);
  }
}

}  // namespace

RunResults run(const CompiledModel& model, const RunOptions& options, const TickFn& tick,
               double tick_seconds) {
  RunResults out;
  out.allocate(model, options.first_replication, options.replications, options.horizon);
  const std::uint64_t n = options.replications;
  if (options.threads > kMaxThreads)
    throw std::invalid_argument("threads must be at most " + std::to_string(kMaxThreads) +
                                " (got " + std::to_string(options.threads) + ")");
  int threads = options.threads > 0 ? options.threads : default_threads();
  threads = static_cast<int>(
      std::min<std::uint64_t>(static_cast<std::uint64_t>(threads), std::max<std::uint64_t>(n, 1)));
  logger()->debug("run '{}': replications [{}, {}), horizon {} h, seed {}, {} thread(s)",
                  model.name, options.first_replication, options.first_replication + n,
                  options.horizon, options.seed, threads);

  // Small blocks balance the load; the block a replication lands in does not affect its result.
  const std::uint64_t block =
      std::clamp<std::uint64_t>(n / (static_cast<std::uint64_t>(threads) * 64), 1, 256);
  std::atomic<std::uint64_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::atomic<int> running{threads};
  std::mutex mu;
  std::condition_variable cv;
  std::exception_ptr error;
  std::vector<std::vector<std::uint64_t>> hists(
      static_cast<std::size_t>(threads),
      std::vector<std::uint64_t>(out.outage_histogram.size(), 0));
  std::vector<RecordBuffer> records(static_cast<std::size_t>(threads));

  auto worker = [&](int w) {
    try {
      Replicator rep(model, options);
      auto& hist = hists[static_cast<std::size_t>(w)];
      auto& rec = records[static_cast<std::size_t>(w)];
      for (;;) {
        const std::uint64_t begin = next.fetch_add(block);
        if (begin >= n || stop.load(std::memory_order_relaxed)) break;
        const std::uint64_t end = std::min(n, begin + block);
        for (std::uint64_t i = begin; i < end; ++i) {
          if (!rep.run(options.first_replication + i, out, hist, rec, &stop)) break;
          done.fetch_add(1, std::memory_order_relaxed);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!error) error = std::current_exception();
      stop = true;
    }
    if (running.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
    }
  };

  // A thread that cannot be started (no memory, a process limit) must not end the process: the
  // threads already running do all the work (results do not depend on the thread count); if
  // none could start, the run fails with the system's reason. Every started thread is joined.
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  std::string start_error;
  for (int w = 0; w < threads; ++w) {
    try {
      pool.emplace_back(worker, w);
    } catch (const std::system_error& e) {
      start_error = e.what();
      logger()->warn("run '{}': could only start {} of {} threads ({})", model.name, w, threads,
                     start_error);
      const int missing = threads - w;
      if (running.fetch_sub(missing) == missing) {
        std::lock_guard<std::mutex> lock(mu);
        cv.notify_all();
      }
      break;
    }
  }
  if (pool.empty()) throw std::runtime_error("could not start a worker thread: " + start_error);
  {
    const auto period = std::chrono::duration<double>(tick_seconds);
    std::unique_lock<std::mutex> lock(mu);
    while (running.load() > 0) {
      cv.wait_for(lock, period, [&] { return running.load() == 0; });
      if (tick && running.load() > 0) {
        lock.unlock();
        const bool go_on = tick(done.load());
        lock.lock();
        if (!go_on) stop = true;
      }
    }
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  out.completed = !stop.load() && done.load() == n;
  for (const auto& h : hists)
    for (std::size_t i = 0; i < h.size(); ++i) out.outage_histogram[i] += h[i];
  merge_records(records, out);
  if (tick && out.completed) tick(done.load());
  return out;
}

}  // namespace recoverysim
