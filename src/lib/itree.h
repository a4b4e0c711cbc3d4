/*
 * lib/itree.h - an interval tree over closed intervals [start, last].
 *
 * A red-black tree (libbsd's RB_* macros) ordered by start, then by node
 * address, so equal starts are allowed.  Every node also keeps
 * subtree_last, the largest ->last in its subtree; a search skips any
 * subtree whose subtree_last lies below the query.  The node is embedded
 * in its owner (the VMA, for mapping->i_mmap); get back to the owner with
 * container_of().
 *
 *               [10,19] sl=99
 *              /             \
 *      [5,7] sl=7        [40,99] sl=99
 *                        /
 *                [12,30] sl=30
 *
 * Invariants, checked by itree_check():
 *  I1  start <= last in every node.
 *  I2  subtree_last == max(last, left->subtree_last, right->subtree_last).
 *  I3  An in-order walk meets the nodes in strictly increasing
 *      (start, address) order, and every child points back at its parent.
 *  I4  The red-black rules hold: the root is black, a red node has no red
 *      child, every path from a node down to a leaf has as many black nodes.
 *  I5  count is the number of nodes.
 *
 * Cost: insert, remove and itree_iter_first() are O(log n).  A whole walk
 * with itree_for_each() that reports k nodes visits O(log n + k log(n/k))
 * nodes in the worst case (k log n is the textbook bound for an augmented
 * search tree); it is O(log n + k) when the overlapping intervals sit
 * together in start order.  A priority search tree (2.6's prio_tree) is
 * O(log n + k) always.
 *
 * No lock of its own: callers hold the lock of the tree's owner (for the
 * i_mmap tree, mapping->i_mmap_lock).
 *
 * Models: mm/interval_tree.c and include/linux/interval_tree_generic.h
 * (3.7), which replaced the i_mmap prio_tree of 2.6 (lib/prio_tree.c).
 */
#ifndef OBJVM_ITREE_H
#define OBJVM_ITREE_H

#include <stdbool.h>
#include <stdint.h>

#include <bsd/sys/tree.h>

struct itree_node {
	RB_ENTRY(itree_node) rb; /* owned by the tree */
	uint64_t start, last;    /* the interval; set before insert */
	uint64_t subtree_last;   /* owned by the tree: max ->last below */
};

struct itree_root {
	RB_HEAD(itree_rb, itree_node) head;
	unsigned long count; /* nodes in the tree */
};

void itree_init(struct itree_root *root);

/*
 * itree_insert - add @node, whose ->start and ->last the caller has set.
 *
 * Context: the owner's lock held.  @node must not be in a tree.
 */
void itree_insert(struct itree_root *root, struct itree_node *node);

/*
 * itree_remove - take @node out of @root.
 *
 * Context: the owner's lock held.  @node must be in @root.
 */
void itree_remove(struct itree_root *root, struct itree_node *node);

/*
 * itree_iter_first - the first node overlapping [@start, @last].
 *
 * Context: the owner's lock held.  O(log n).
 * Return: the overlapping node with the lowest (start, address), or NULL.
 */
struct itree_node *itree_iter_first(struct itree_root *root, uint64_t start,
				    uint64_t last);

/*
 * itree_iter_next - the next node after @node overlapping [@start, @last].
 *
 * Context: the owner's lock held; the tree unchanged since @node was found.
 * Return: the next overlapping node in (start, address) order, or NULL.
 */
struct itree_node *itree_iter_next(struct itree_node *node, uint64_t start,
				   uint64_t last);

/* True when @root satisfies I1..I5 (see above).  O(n). */
bool itree_check(const struct itree_root *root);

/*
 * itree_for_each - walk the nodes overlapping [@start, @last] in order.
 *
 * @start and @last are evaluated on every step.  The body must not insert
 * or remove nodes of @root.
 */
#define itree_for_each(node, root, start, last)                          \
	for ((node) = itree_iter_first((root), (start), (last)); (node); \
	     (node) = itree_iter_next((node), (start), (last)))

#endif /* OBJVM_ITREE_H */
