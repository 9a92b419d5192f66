// Sparse per-replication matrices: one entry per cell, values summed in the order received, so
// that they equal a dense row bitwise; the table grows and clears per replication.
#include <map>
#include <utility>

#include "check.hpp"
#include "recoverysim/sparse_cells.hpp"

using namespace recoverysim;

TEST_CASE(cells_sum_in_order_and_keep_first_touch_order) {
  SparseCells cells;
  CellWriter w;
  w.begin(&cells, 4);
  w.add(2, 7, 0.1);
  w.add(0, 3, 1.0);
  w.add(2, 7, 0.2);
  w.add(2, 8, 0.0);  // a zero is no cell: a dense row would hold 0 there too
  w.add(2, 7, 0.3);
  CHECK(cells.size() == 2);
  CHECK(cells.replication[0] == 4 && cells.service[0] == 2 && cells.key[0] == 7);
  CHECK(cells.value[0] == (0.1 + 0.2) + 0.3);  // bitwise the dense += sequence
  CHECK(cells.service[1] == 0 && cells.key[1] == 3 && cells.value[1] == 1.0);
  // The next replication starts new cells, appended after the first's.
  w.begin(&cells, 5);
  w.add(2, 7, 0.5);
  CHECK(cells.size() == 3 && cells.replication[2] == 5 && cells.value[2] == 0.5);
}

TEST_CASE(many_cells_grow_the_table_and_match_a_dense_sum) {
  SparseCells cells;
  CellWriter w;
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> dense;
  for (std::uint64_t rep = 0; rep < 3; ++rep) {
    dense.clear();
    const std::size_t first = cells.size();
    w.begin(&cells, rep);
    for (std::uint32_t i = 0; i < 5000; ++i) {
      const std::uint32_t s = (i * 7919u) % 613u, k = (i * 104729u) % 97u;
      const double v = 0.001 * (i % 13 + 1);
      w.add(s, k, v);
      dense[{s, k}] += v;
    }
    CHECK(cells.size() - first == dense.size());
    bool same = true;
    for (std::size_t i = first; i < cells.size(); ++i)
      same = same && cells.replication[i] == rep &&
             dense.at({cells.service[i], cells.key[i]}) == cells.value[i];
    CHECK(same);
  }
  SparseCells copy;
  copy.append(cells, 1, 3);
  CHECK(copy.size() == 2 && copy.value[0] == cells.value[1] && copy.key[1] == cells.key[2]);
}

TEST_MAIN()
