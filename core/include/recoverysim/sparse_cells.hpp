// Sparse per-replication matrices: the cells of [replication, service, key] that received a value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace recoverysim {

// The nonzero cells of a per-replication matrix [replication, service, key] that is mostly zeros
// (downtime and cost by root cause, downtime by phase): a dense row would hold services x causes
// numbers per replication, most of them 0, for a few outages. One entry per cell that received a
// value, in (replication, first value) order; its value is the sum of what the cell received, in
// the order received, so it is bitwise what the dense row held.
struct SparseCells {
  std::vector<std::uint64_t> replication;
  std::vector<std::uint32_t> service;
  std::vector<std::uint32_t> key;
  std::vector<double> value;

  std::size_t size() const noexcept { return value.size(); }
  void clear() noexcept;
  // Appends entries [begin, end) of `from`.
  void append(const SparseCells& from, std::size_t begin, std::size_t end);
};

// Adds values into the cells of the replication in progress (an open-addressing table from
// (service, key) to the cell's entry; cleared per replication by its used slots only).
class CellWriter {
 public:
  // The entries of replication `rep` are appended to `cells` from now on.
  void begin(SparseCells* cells, std::uint64_t rep) noexcept;
  void add(std::uint32_t service, std::uint32_t key, double v);

 private:
  void grow();
  SparseCells* cells_ = nullptr;
  std::uint64_t rep_ = 0;
  std::vector<std::uint64_t> slot_key_;  // (service << 32 | key) + 1; 0: empty
  std::vector<std::size_t> slot_entry_;  // index of the cell in cells_
  std::vector<std::uint32_t> used_;      // occupied slots
};

}  // namespace recoverysim
