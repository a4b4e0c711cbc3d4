/*
 * lib/radix.h - the page-cache index: a radix tree keyed by a page index.
 *
 * Each node has 64 slots and consumes 6 bits of the 64-bit index, most
 * significant bits first.  A tree of height h holds indices 0 ..
 * 2^(6h) - 1; it grows on top (a new root whose slot 0 is the old root)
 * when an index does not fit, and shrinks again when the root holds
 * nothing but slot 0.  Height 11 covers every uint64_t index; its root
 * uses only 4 of its 6 bits.
 *
 *   root->rnode --> [node h] --slot--> [node h-1] ... --> [node 1] --> item
 *
 * Invariants, checked by radix_tree_check():
 *  R1  rnode == NULL  <=>  height == 0  <=>  nr_items == 0.
 *  R2  node->count is the number of non-NULL slots of the node, and is
 *      never 0: a node that empties is freed at once.
 *  R3  The height is minimal: a root of height > 1 does not hold only
 *      slot 0, and no index above 2^64 - 1 is representable.
 *  R4  nr_items is the number of items in the height-1 nodes.
 *
 * The tree takes no lock: callers serialise with their own (the page cache
 * uses mapping->tree_lock).  Nodes come from the host heap; items are
 * non-NULL pointers the tree never dereferences.
 *
 * Models: lib/radix-tree.c and include/linux/radix-tree.h (2.6.20), without
 * tags, RCU, preloading or the height-0 direct pointer.
 */
#ifndef OBJVM_RADIX_H
#define OBJVM_RADIX_H

#include <stdbool.h>
#include <stdint.h>

#define RADIX_TREE_MAP_SHIFT 6
#define RADIX_TREE_MAP_SIZE  (1U << RADIX_TREE_MAP_SHIFT)
#define RADIX_TREE_MAP_MASK  ((uint64_t)RADIX_TREE_MAP_SIZE - 1)
/* Levels needed to cover 64 index bits: 11 (the top one uses 4 bits). */
#define RADIX_TREE_MAX_HEIGHT \
	((64 + RADIX_TREE_MAP_SHIFT - 1) / RADIX_TREE_MAP_SHIFT)

struct radix_tree_node; /* private to lib/radix.c */

struct radix_tree_root {
	struct radix_tree_node *rnode; /* NULL when the tree is empty */
	unsigned int height;           /* levels of nodes; 0 when empty */
	unsigned long nr_items;        /* items stored */
};

void radix_tree_init(struct radix_tree_root *root);

/*
 * radix_tree_insert - store @item at @index.
 *
 * Context: the caller's lock for @root held; may allocate.
 * Return: 0; -EEXIST if @index already holds an item (the tree is left
 * unchanged); -ENOMEM if a node could not be allocated (the tree is left
 * unchanged).  @item must not be NULL.
 */
int radix_tree_insert(struct radix_tree_root *root, uint64_t index, void *item);

/*
 * radix_tree_lookup - the item at @index.
 *
 * Context: the caller's lock for @root held.  Never allocates.
 * Return: the item, or NULL if @index holds none.
 */
void *radix_tree_lookup(const struct radix_tree_root *root, uint64_t index);

/*
 * radix_tree_lookup_slot - the slot that holds the item at @index.
 *
 * The caller may store another non-NULL item through the slot (2.6:
 * radix_tree_replace_slot()), never NULL: use radix_tree_delete().  The
 * slot is valid until the next insert or delete.
 *
 * Context: the caller's lock for @root held.
 * Return: the slot, or NULL if @index holds no item.
 */
void **radix_tree_lookup_slot(struct radix_tree_root *root, uint64_t index);

/*
 * radix_tree_delete - remove the item at @index.
 *
 * Frees every node that becomes empty and lowers the height while the
 * root holds only slot 0.
 *
 * Context: the caller's lock for @root held.
 * Return: the removed item, or NULL if @index held none.
 */
void *radix_tree_delete(struct radix_tree_root *root, uint64_t index);

/*
 * radix_tree_gang_lookup - collect items at indices >= @first_index.
 *
 * Stores up to @max_items items in @results, in ascending index order,
 * and their indices in @indices unless it is NULL.
 *
 * Context: the caller's lock for @root held.
 * Return: the number of items stored.
 */
unsigned int radix_tree_gang_lookup(const struct radix_tree_root *root,
				    void **results, uint64_t *indices,
				    uint64_t first_index,
				    unsigned int max_items);

/*
 * radix_tree_destroy - free every node; leaves @root empty.
 *
 * The items themselves are the caller's.
 */
void radix_tree_destroy(struct radix_tree_root *root);

/* True when @root satisfies R1..R4 (see above). */
bool radix_tree_check(const struct radix_tree_root *root);

#endif /* OBJVM_RADIX_H */
