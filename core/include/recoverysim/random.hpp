// Random streams. Every draw in the engine is a pure function of
// (seed, replication, entity name, purpose, draw counter): a stream is a xoshiro256++ generator
// whose state is derived by SplitMix64 from those keys, and the draw counter is the position in
// that stream. Streams are keyed by *names* (hashed), not by indices, so two variants of an
// architecture that share component names see the same random numbers (common random numbers).
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace recoverysim {

// Every purpose a stream is used for, in one place. The numeric values are part of the
// reproducibility contract: changing them changes every result.
enum class StreamKind : std::uint64_t {
  failure = 1,     // component x failure mode: time-to-failure ages
  recovery = 2,    // component x failure mode: step durations and step success draws
  switchover = 3,  // standby requirement: switchover durations and success draws
  shock = 4,       // shock: arrivals, hits, outage durations
  cascade = 5,     // component x failure mode: cascade hits and delays
  backup = 6,      // component: backup durations, success, replication lag
  sample = 7,      // Distribution.sample() from Python
  importance = 8,  // rare-event cycles (importance sampling on the Markov chain)
  scenario = 9,    // forced shock of an incident scenario: hits and outage duration
  restart = 10,    // service: durations of its restart procedure's steps
  spare = 11,      // spare pool: restock and emergency lead times
};

// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a, 64 bit, the project's one hash: stable on every platform and compiler. Each element
// (a byte of a name, a word of a Markov state) is xored in whole, as its unsigned value.
template <class It>
constexpr std::uint64_t fnv1a(It first, It last) noexcept {
  using Word = std::make_unsigned_t<std::remove_cvref_t<decltype(*first)>>;
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (; first != last; ++first) {
    h ^= static_cast<Word>(*first);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// The hash of a name, the entity part of its stream keys.
constexpr std::uint64_t hash_name(std::string_view s) noexcept { return fnv1a(s.begin(), s.end()); }

// Combine keys into one 64-bit stream key; order matters.
constexpr std::uint64_t combine(std::uint64_t a, std::uint64_t b) noexcept {
  return mix64(a ^ mix64(b + 0x632BE59BD9B4E019ULL));
}

// xoshiro256++ (Blackman and Vigna 2019), state expanded from a 64-bit key with SplitMix64.
class Stream {
 public:
  Stream() noexcept { reset(0); }
  explicit Stream(std::uint64_t key) noexcept { reset(key); }

  // A stream with an explicit state (known-answer tests).
  static Stream from_state(std::uint64_t a, std::uint64_t b, std::uint64_t c,
                           std::uint64_t d) noexcept {
    Stream s;
    s.s_[0] = a;
    s.s_[1] = b;
    s.s_[2] = c;
    s.s_[3] = d;
    return s;
  }

  void reset(std::uint64_t key) noexcept {
    std::uint64_t x = key;
    for (auto& w : s_) {
      x += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      w = z ^ (z >> 31);
    }
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1): never 0, safe for logarithms.
  double uniform_pos() noexcept { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  std::uint64_t s_[4];
};

// The key of one stream: the replication's key combined with the entity's key. The entity part
// (purpose, entity name hash, sub-entity) is fixed for a model, so the engine computes it once.
constexpr std::uint64_t entity_key(StreamKind kind, std::uint64_t entity,
                                   std::uint64_t sub = 0) noexcept {
  return combine(combine(static_cast<std::uint64_t>(kind), entity), sub);
}
constexpr std::uint64_t replication_key(std::uint64_t seed, std::uint64_t replication) noexcept {
  return combine(seed, replication);
}
constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t replication, StreamKind kind,
                                   std::uint64_t entity, std::uint64_t sub = 0) noexcept {
  return combine(replication_key(seed, replication), entity_key(kind, entity, sub));
}

}  // namespace recoverysim
