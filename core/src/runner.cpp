#include "recoverysim/runner.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "recoverysim/log.hpp"

namespace recoverysim {

int default_threads() noexcept {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

RunResults run(const CompiledModel& model, const RunOptions& options, const TickFn& tick,
               double tick_seconds) {
  RunResults out;
  out.allocate(model, options.first_replication, options.replications, options.horizon);
  const std::uint64_t n = options.replications;
  int threads = options.threads > 0 ? options.threads : default_threads();
  threads = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(threads),
                                                     std::max<std::uint64_t>(n, 1)));
  logger()->debug("run '{}': replications [{}, {}), horizon {} h, seed {}, {} thread(s)",
                  model.name, options.first_replication, options.first_replication + n,
                  options.horizon, options.seed, threads);

  // Small blocks balance the load; the block a replication lands in does not affect its result.
  const std::uint64_t block = std::clamp<std::uint64_t>(n / (static_cast<std::uint64_t>(threads) * 64), 1, 256);
  std::atomic<std::uint64_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::atomic<int> running{threads};
  std::mutex mu;
  std::condition_variable cv;
  std::exception_ptr error;
  std::vector<std::vector<std::uint64_t>> hists(
      static_cast<std::size_t>(threads), std::vector<std::uint64_t>(out.outage_histogram.size(), 0));

  auto worker = [&](int w) {
    try {
      Replicator rep(model, options);
      auto& hist = hists[static_cast<std::size_t>(w)];
      for (;;) {
        const std::uint64_t begin = next.fetch_add(block);
        if (begin >= n || stop.load(std::memory_order_relaxed)) break;
        const std::uint64_t end = std::min(n, begin + block);
        for (std::uint64_t i = begin; i < end; ++i) {
          if (!rep.run(options.first_replication + i, out, hist, &stop)) break;
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

  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int w = 0; w < threads; ++w) pool.emplace_back(worker, w);
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
  if (tick && out.completed) tick(done.load());
  return out;
}

}  // namespace recoverysim
