// A minimal test harness: CHECK records failures and main returns their count to ctest.
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace check {

inline int& failures() {
  static int n = 0;
  return n;
}
inline std::vector<std::pair<const char*, std::function<void()>>>& registry() {
  static std::vector<std::pair<const char*, std::function<void()>>> r;
  return r;
}
struct Register {
  Register(const char* name, std::function<void()> f) {
    registry().emplace_back(name, std::move(f));
  }
};

inline int run_all() {
  for (auto& [name, f] : registry()) {
    const int before = failures();
    try {
      f();
    } catch (const std::exception& e) {
      std::printf("  unexpected exception: %s\n", e.what());
      ++failures();
    }
    std::printf("%s %s\n", failures() == before ? "ok  " : "FAIL", name);
  }
  std::printf("%zu cases, %d failed checks\n", registry().size(), failures());
  return failures() == 0 ? 0 : 1;
}

}  // namespace check

#define TEST_CASE(name)                           \
  static void name();                             \
  static check::Register reg_##name(#name, name); \
  static void name()

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      ++check::failures();                                                   \
    }                                                                        \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                     \
  do {                                                                                            \
    const double va_ = (a), vb_ = (b);                                                            \
    if (!(std::fabs(va_ - vb_) <= (tol))) {                                                       \
      std::printf("  %s:%d: |%s - %s| = |%.17g - %.17g| > %g\n", __FILE__, __LINE__, #a, #b, va_, \
                  vb_, static_cast<double>(tol));                                                 \
      ++check::failures();                                                                        \
    }                                                                                             \
  } while (0)

#define CHECK_THROWS_WITH(expr, fragment)                                                \
  do {                                                                                   \
    bool thrown_ = false;                                                                \
    try {                                                                                \
      (void)(expr);                                                                      \
    } catch (const std::exception& e_) {                                                 \
      thrown_ = true;                                                                    \
      if (std::string(e_.what()).find(fragment) == std::string::npos) {                  \
        std::printf("  %s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__, e_.what(), \
                    fragment);                                                           \
        ++check::failures();                                                             \
      }                                                                                  \
    }                                                                                    \
    if (!thrown_) {                                                                      \
      std::printf("  %s:%d: %s did not throw\n", __FILE__, __LINE__, #expr);             \
      ++check::failures();                                                               \
    }                                                                                    \
  } while (0)

#define TEST_MAIN() \
  int main() { return check::run_all(); }
