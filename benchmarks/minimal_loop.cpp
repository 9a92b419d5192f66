// The practical limit for the reference model: the smallest hand-written event loop that still
// simulates it correctly. No phases, causes, histograms, records, named streams or tie sequence
// numbers: a std::priority_queue of (time, component) events, xoshiro256+ draws, exponential
// times by -mean*log(u), per-group up counts, and downtime accumulated when the top service
// changes state. benchmarks/bench_limit.py builds it and runs it beside the engine.
//
// Usage: minimal_loop <replications> <seed> [groups]   (default 10 groups: the reference model;
// more groups make the size sweep's practical limit, benchmarks/bench_scale.py)
// Prints: "<replications> <seconds> <events> <mean downtime h> <std downtime h>"
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <queue>
#include <utility>
#include <vector>

namespace {

constexpr int kGroupSize = 5;
constexpr int kNeeded = 3;
constexpr double kMttf = 1000.0;
constexpr double kMttr = 4.0;
constexpr double kHorizon = 8760.0;

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct Xoshiro256Plus {
  std::uint64_t s[4];
  explicit Xoshiro256Plus(std::uint64_t seed) {
    for (auto& w : s) w = splitmix64(seed);
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = s[0] + s[3];
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  // (0, 1]: never log(0).
  double uniform() { return (static_cast<double>(next() >> 11) + 1.0) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log(uniform()); }
};

struct Event {
  double time;
  int component;
  bool operator>(const Event& o) const { return time > o.time; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: minimal_loop <replications> <seed> [groups]\n");
    return 2;
  }
  const long reps = std::atol(argv[1]);
  const std::uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  const int kGroups = argc == 4 ? std::atoi(argv[3]) : 10;
  const int n = kGroups * kGroupSize;

  std::vector<char> up(n);
  std::vector<int> group_up(kGroups);
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue;
  double sum = 0.0, sum2 = 0.0;
  long long events = 0;

  const auto t0 = std::chrono::steady_clock::now();
  for (long r = 0; r < reps; ++r) {
    std::uint64_t key = seed ^ (0xD1B54A32D192ED03ULL * static_cast<std::uint64_t>(r + 1));
    Xoshiro256Plus rng(splitmix64(key));
    queue = {};
    for (int c = 0; c < n; ++c) {
      up[c] = 1;
      queue.push({rng.exponential(kMttf), c});
    }
    for (auto& g : group_up) g = kGroupSize;
    int groups_down = 0;
    double down_since = 0.0, downtime = 0.0;
    while (!queue.empty() && queue.top().time < kHorizon) {
      const Event e = queue.top();
      queue.pop();
      ++events;
      const int g = e.component / kGroupSize;
      const bool was_up = groups_down == 0;
      if (up[e.component]) {
        up[e.component] = 0;
        if (group_up[g]-- == kNeeded) ++groups_down;
        queue.push({e.time + rng.exponential(kMttr), e.component});
      } else {
        up[e.component] = 1;
        if (++group_up[g] == kNeeded) --groups_down;
        queue.push({e.time + rng.exponential(kMttf), e.component});
      }
      const bool is_up = groups_down == 0;
      if (was_up && !is_up) down_since = e.time;
      if (!was_up && is_up) downtime += e.time - down_since;
    }
    if (groups_down > 0) downtime += kHorizon - down_since;
    sum += downtime;
    sum2 += downtime * downtime;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double mean = sum / static_cast<double>(reps);
  const double var =
      reps > 1 ? (sum2 - static_cast<double>(reps) * mean * mean) / static_cast<double>(reps - 1)
               : 0.0;
  std::printf("%ld %.6f %lld %.9g %.9g\n", reps, seconds, events, mean,
              std::sqrt(var > 0 ? var : 0.0));
  return 0;
}
