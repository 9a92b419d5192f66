// Known answers for the generators, and independence of streams with nearby keys.
#include <cmath>
#include <vector>

#include "check.hpp"
#include "recoverysim/random.hpp"

using namespace recoverysim;

TEST_CASE(splitmix_and_fnv_known_answers) {
  CHECK(mix64(0) == 0xE220A8397B1DCDAFULL);       // SplitMix64 seeded with 0, first output
  CHECK(hash_name("") == 0xCBF29CE484222325ULL);  // FNV-1a offset basis
  CHECK(hash_name("a") == 0xAF63DC4C8601EC8CULL);
  // Bytes above 0x7F are xored as unsigned values, whatever the signedness of char.
  CHECK(hash_name("\xE9") == ((0xCBF29CE484222325ULL ^ 0xE9ULL) * 0x100000001B3ULL));
}

TEST_CASE(fnv1a_hashes_whole_words) {
  // Markov states hash 16-bit words one at a time: the word 0x0161 is not the bytes 'a', 0x01.
  const std::vector<std::uint16_t> w{0x0161};
  CHECK(fnv1a(w.begin(), w.end()) == ((0xCBF29CE484222325ULL ^ 0x0161ULL) * 0x100000001B3ULL));
  const std::vector<std::uint16_t> empty;
  CHECK(fnv1a(empty.begin(), empty.end()) == hash_name(""));
}

TEST_CASE(xoshiro256pp_known_answers) {
  // Reference values from an independent implementation of xoshiro256++ (state 1, 2, 3, 4).
  Stream s = Stream::from_state(1, 2, 3, 4);
  const std::uint64_t expected[] = {0x2800001ULL, 0x3800067ULL, 0xcc00003800067ULL,
                                    0xcc201994400b2ULL, 0x8012a2019ac433cdULL};
  for (std::uint64_t e : expected) CHECK(s.next() == e);
}

TEST_CASE(uniform_ranges) {
  Stream s(42);
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform();
    const double v = s.uniform_pos();
    CHECK(u >= 0.0 && u < 1.0);
    CHECK(v > 0.0 && v < 1.0);
  }
}

TEST_CASE(streams_with_adjacent_keys_are_uncorrelated) {
  // Two streams that differ only in replication index (1 bit of key material): their paired
  // uniforms must be uncorrelated. With n = 200000 the sample correlation of independent
  // uniforms has sd 1/sqrt(n) = 0.0022; 5 sd = 0.011.
  const int n = 200000;
  for (std::uint64_t rep = 0; rep < 4; ++rep) {
    Stream a(stream_key(7, rep, StreamKind::failure, hash_name("db-1"), hash_name("crash")));
    Stream b(stream_key(7, rep + 1, StreamKind::failure, hash_name("db-1"), hash_name("crash")));
    Stream c(stream_key(7, rep, StreamKind::recovery, hash_name("db-1"), hash_name("crash")));
    double sab = 0, sac = 0, sa = 0, sb = 0, sc = 0, saa = 0;
    for (int i = 0; i < n; ++i) {
      const double x = a.uniform() - 0.5, y = b.uniform() - 0.5, z = c.uniform() - 0.5;
      sab += x * y;
      sac += x * z;
      sa += x;
      sb += y;
      sc += z;
      saa += x * x;
    }
    const double var = saa / n;  // ~1/12
    CHECK_NEAR(sab / n / var, 0.0, 0.011);
    CHECK_NEAR(sac / n / var, 0.0, 0.011);
    // mean of U - 1/2 has sd sqrt(1/12/n) = 0.00065; 5 sd
    CHECK_NEAR(sa / n, 0.0, 0.0033);
    CHECK_NEAR(sb / n, 0.0, 0.0033);
    CHECK_NEAR(sc / n, 0.0, 0.0033);
  }
}

TEST_CASE(uniform_chi_square) {
  // 100 equiprobable bins, 1e6 draws: chi-square with 99 df has mean 99, sd 14; 99 + 6 sd = 183.
  Stream s(stream_key(1, 0, StreamKind::sample, 0));
  std::vector<int> bins(100, 0);
  const int n = 1000000;
  for (int i = 0; i < n; ++i) ++bins[static_cast<int>(s.uniform() * 100)];
  double chi2 = 0;
  for (int b : bins) chi2 += (b - n / 100.0) * (b - n / 100.0) / (n / 100.0);
  CHECK(chi2 < 183);
}

TEST_CASE(keys_depend_on_every_part) {
  const auto k = stream_key(1, 2, StreamKind::failure, 3, 4);
  CHECK(k != stream_key(2, 2, StreamKind::failure, 3, 4));
  CHECK(k != stream_key(1, 3, StreamKind::failure, 3, 4));
  CHECK(k != stream_key(1, 2, StreamKind::recovery, 3, 4));
  CHECK(k != stream_key(1, 2, StreamKind::failure, 4, 4));
  CHECK(k != stream_key(1, 2, StreamKind::failure, 3, 5));
  CHECK(k == stream_key(1, 2, StreamKind::failure, 3, 4));
}

TEST_MAIN()
