#include "recoverysim/sparse_cells.hpp"

#include <utility>

namespace recoverysim {

void SparseCells::clear() noexcept {
  replication.clear();
  service.clear();
  key.clear();
  value.clear();
}

void SparseCells::append(const SparseCells& from, std::size_t begin, std::size_t end) {
  const auto b = static_cast<std::ptrdiff_t>(begin), e = static_cast<std::ptrdiff_t>(end);
  replication.insert(replication.end(), from.replication.begin() + b, from.replication.begin() + e);
  service.insert(service.end(), from.service.begin() + b, from.service.begin() + e);
  key.insert(key.end(), from.key.begin() + b, from.key.begin() + e);
  value.insert(value.end(), from.value.begin() + b, from.value.begin() + e);
}

void CellWriter::begin(SparseCells* cells, std::uint64_t rep) noexcept {
  cells_ = cells;
  rep_ = rep;
  for (std::uint32_t s : used_) slot_key_[s] = 0;
  used_.clear();
}

namespace {
std::size_t slot_of(std::uint64_t k, std::size_t mask) noexcept {
  k ^= k >> 31;
  k *= 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(k >> 17) & mask;
}
}  // namespace

void CellWriter::add(std::uint32_t service, std::uint32_t key, double v) {
  if (v == 0) return;  // a dense row would hold the same number
  if (2 * (used_.size() + 1) > slot_key_.size()) grow();
  const std::uint64_t k = ((static_cast<std::uint64_t>(service) << 32) | key) + 1;
  const std::size_t mask = slot_key_.size() - 1;
  std::size_t i = slot_of(k, mask);
  while (slot_key_[i] != 0 && slot_key_[i] != k) i = (i + 1) & mask;
  if (slot_key_[i] == k) {
    cells_->value[slot_entry_[i]] += v;
    return;
  }
  slot_key_[i] = k;
  slot_entry_[i] = cells_->size();
  used_.push_back(static_cast<std::uint32_t>(i));
  cells_->replication.push_back(rep_);
  cells_->service.push_back(service);
  cells_->key.push_back(key);
  cells_->value.push_back(v);
}

void CellWriter::grow() {
  const std::size_t n = slot_key_.empty() ? 64 : 2 * slot_key_.size();
  std::vector<std::uint64_t> keys(n, 0);
  std::vector<std::size_t> entries(n, 0);
  std::vector<std::uint32_t> used;
  used.reserve(used_.size());
  for (std::uint32_t s : used_) {
    std::size_t i = slot_of(slot_key_[s], n - 1);
    while (keys[i] != 0) i = (i + 1) & (n - 1);
    keys[i] = slot_key_[s];
    entries[i] = slot_entry_[s];
    used.push_back(static_cast<std::uint32_t>(i));
  }
  slot_key_ = std::move(keys);
  slot_entry_ = std::move(entries);
  used_ = std::move(used);
}

}  // namespace recoverysim
