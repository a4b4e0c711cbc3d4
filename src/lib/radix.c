/*
 * lib/radix.c - the page-cache index: a 64-way radix tree over page indices.
 *
 * Lookups walk down from the root one 6-bit digit at a time, with no
 * recursion and no allocation: they sit on the page-fault path.  Inserts
 * first raise the height until the index fits (radix_tree_extend), then
 * create missing nodes on the way down.  Deletes free every node that
 * empties on the way back up (radix_prune) and then lower the height while
 * the root holds nothing but slot 0 (radix_tree_shrink).  A failed insert
 * undoes its own work the same way, so every public call leaves R1..R4 of
 * lib/radix.h true.
 *
 * Models: lib/radix-tree.c (2.6.20): radix_tree_extend(),
 * radix_tree_insert(), radix_tree_lookup(), radix_tree_delete(),
 * radix_tree_shrink(), __lookup() and radix_tree_gang_lookup().
 */
#include <stdlib.h>

#include "vm.h"
#include "lib/radix.h"

struct radix_tree_node {
	unsigned int count;               /* non-NULL slots */
	void *slots[RADIX_TREE_MAP_SIZE]; /* nodes, or items at height 1 */
};

/* The nodes met on the way to one index: node[0] is the root. */
struct radix_path {
	int depth; /* deepest valid entry, -1 for none */
	struct radix_tree_node *node[RADIX_TREE_MAX_HEIGHT];
	unsigned int offset[RADIX_TREE_MAX_HEIGHT]; /* slot taken in node[] */
};

/* Cursor of a gang lookup. */
struct radix_gang {
	uint64_t index; /* next index to look at */
	bool more;      /* false once index has run past UINT64_MAX */
	void **results;
	uint64_t *indices; /* may be NULL */
	unsigned int nr, max;
};

/* (The "% 64" only keeps the unused arm of h = 11 a valid shift.) */
#define RADIX_MAXINDEX(h)               \
	((h)*RADIX_TREE_MAP_SHIFT >= 64 \
		 ? UINT64_MAX           \
		 : (UINT64_C(1) << ((h)*RADIX_TREE_MAP_SHIFT % 64)) - 1)

/* The largest index a tree of each height holds (2.6: height_to_maxindex). */
static const uint64_t height_to_maxindex[RADIX_TREE_MAX_HEIGHT + 1] = {
	0,
	RADIX_MAXINDEX(1),
	RADIX_MAXINDEX(2),
	RADIX_MAXINDEX(3),
	RADIX_MAXINDEX(4),
	RADIX_MAXINDEX(5),
	RADIX_MAXINDEX(6),
	RADIX_MAXINDEX(7),
	RADIX_MAXINDEX(8),
	RADIX_MAXINDEX(9),
	RADIX_MAXINDEX(10),
	RADIX_MAXINDEX(11),
};

_Static_assert(RADIX_TREE_MAX_HEIGHT == 11, "maxindex table needs 12 rows");

static inline unsigned int radix_shift(unsigned int height)
{
	return (height - 1) * RADIX_TREE_MAP_SHIFT;
}

/* The slot that @index takes in a node of height @height. */
static inline unsigned int radix_offset(uint64_t index, unsigned int height)
{
	return (index >> radix_shift(height)) & RADIX_TREE_MAP_MASK;
}

static struct radix_tree_node *radix_node_alloc(void)
{
	return calloc(1, sizeof(struct radix_tree_node));
}

/*
 * radix_tree_shrink - lower the height while the root holds only slot 0.
 *
 * Also resets the height of a tree whose last node went.
 */
static void radix_tree_shrink(struct radix_tree_root *root)
{
	struct radix_tree_node *node;

	while (root->rnode && root->height > 1) {
		node = root->rnode;
		if (node->count != 1 || !node->slots[0])
			break;
		root->rnode = node->slots[0];
		root->height--;
		free(node);
	}
	if (!root->rnode)
		root->height = 0;
}

/*
 * radix_tree_extend - raise the height until @index fits.
 *
 * An empty tree only gets its new height; radix_descend_create() makes
 * its root.  Each new level is a node whose slot 0 holds the old root.
 *
 * Return: 0, or -ENOMEM with the tree as it was.
 */
static int radix_tree_extend(struct radix_tree_root *root, uint64_t index)
{
	unsigned int height = root->height ? root->height : 1;
	struct radix_tree_node *node;

	while (index > height_to_maxindex[height])
		height++;
	if (!root->rnode) {
		root->height = height;
		return 0;
	}
	while (root->height < height) {
		node = radix_node_alloc();
		if (!node) {
			radix_tree_shrink(root);
			return -ENOMEM;
		}
		node->slots[0] = root->rnode;
		node->count = 1;
		root->rnode = node;
		root->height++;
	}
	return 0;
}

/*
 * radix_prune - free the empty nodes at the bottom of @path, then shrink.
 *
 * Walks up from path->node[path->depth], freeing each node whose count is
 * 0 and clearing its slot in the parent, and stops at the first node that
 * still holds something.
 */
static void radix_prune(struct radix_tree_root *root, struct radix_path *path)
{
	struct radix_tree_node *parent;
	int d;

	for (d = path->depth; d >= 0 && path->node[d]->count == 0; d--) {
		free(path->node[d]);
		if (d == 0) {
			root->rnode = NULL;
			break;
		}
		parent = path->node[d - 1];
		parent->slots[path->offset[d - 1]] = NULL;
		parent->count--;
	}
	radix_tree_shrink(root);
}

/*
 * radix_descend - record the path to the height-1 node that covers @index.
 *
 * Return: that node, or NULL if the tree has no node there.
 */
static struct radix_tree_node *radix_descend(struct radix_tree_root *root,
					     uint64_t index,
					     struct radix_path *path)
{
	struct radix_tree_node *node = root->rnode;
	unsigned int height = root->height;

	path->depth = -1;
	if (!node || index > height_to_maxindex[height])
		return NULL;
	for (;; height--) {
		path->depth++;
		path->node[path->depth] = node;
		path->offset[path->depth] = radix_offset(index, height);
		if (height == 1)
			return node;
		node = node->slots[path->offset[path->depth]];
		if (!node)
			return NULL;
	}
}

/*
 * radix_descend_create - like radix_descend(), creating missing nodes.
 *
 * The height must already cover @index.
 *
 * Return: the height-1 node for @index, or NULL when an allocation failed;
 * @path then ends at the deepest node reached, which may be empty.
 */
static struct radix_tree_node *
radix_descend_create(struct radix_tree_root *root, uint64_t index,
		     struct radix_path *path)
{
	struct radix_tree_node *node, *child;
	unsigned int height = root->height, off;

	path->depth = -1;
	if (!root->rnode)
		root->rnode = radix_node_alloc();
	for (node = root->rnode; node; node = child, height--) {
		off = radix_offset(index, height);
		path->depth++;
		path->node[path->depth] = node;
		path->offset[path->depth] = off;
		if (height == 1)
			return node;
		child = node->slots[off];
		if (child)
			continue;
		child = radix_node_alloc();
		if (child) {
			node->slots[off] = child;
			node->count++;
		}
	}
	return NULL;
}

/*
 * radix_skip - move @g->index to the first index of the slot @n slots
 * further on, at a level whose slots each span 2^@shift indices.
 *
 * Return: false (and @g->more false) if that passes UINT64_MAX.
 */
static bool radix_skip(struct radix_gang *g, unsigned int shift, unsigned int n)
{
	uint64_t span = UINT64_C(1) << shift;
	uint64_t step, next;

	if (__builtin_mul_overflow(span, (uint64_t)n, &step) ||
	    __builtin_add_overflow(g->index & ~(span - 1), step, &next))
		g->more = false;
	else
		g->index = next;
	return g->more;
}

/*
 * radix_find_leaf - descend towards @g->index, skipping empty subtrees.
 *
 * Each empty slot passed moves @g->index to the first index of the next
 * slot.  Return: the height-1 node covering @g->index, or NULL when a node
 * ran out of slots; @g->index then names the subtree to try next, and
 * @g->more is false if there is none.
 */
static const struct radix_tree_node *
radix_find_leaf(const struct radix_tree_root *root, struct radix_gang *g)
{
	const struct radix_tree_node *node = root->rnode;
	unsigned int height, off, i;

	for (height = root->height; height > 1; height--) {
		off = radix_offset(g->index, height);
		for (i = off; i < RADIX_TREE_MAP_SIZE && !node->slots[i]; i++)
			;
		if (i != off && !radix_skip(g, radix_shift(height), i - off))
			return NULL;
		if (i == RADIX_TREE_MAP_SIZE)
			return NULL;
		node = node->slots[i];
	}
	return node;
}

/*
 * radix_collect - take the items of @leaf from @g->index on, up to the
 * room left in @g, and move @g->index past the last slot looked at.
 */
static void radix_collect(const struct radix_tree_node *leaf,
			  struct radix_gang *g)
{
	unsigned int off = g->index & RADIX_TREE_MAP_MASK, i;

	for (i = off; i < RADIX_TREE_MAP_SIZE && g->nr < g->max; i++) {
		if (!leaf->slots[i])
			continue;
		g->results[g->nr] = leaf->slots[i];
		if (g->indices)
			g->indices[g->nr] = (g->index & ~RADIX_TREE_MAP_MASK) |
					    i;
		g->nr++;
	}
	radix_skip(g, 0, i - off);
}

/* Slots of a root of height @height that a 64-bit index can reach. */
static unsigned int radix_top_slots(unsigned int height)
{
	unsigned int bits = 64 - radix_shift(height);

	return bits >= RADIX_TREE_MAP_SHIFT ? RADIX_TREE_MAP_SIZE : 1U << bits;
}

static void radix_free_node(struct radix_tree_node *node, unsigned int height)
{
	unsigned int i;

	if (height > 1)
		for (i = 0; i < RADIX_TREE_MAP_SIZE; i++)
			if (node->slots[i])
				radix_free_node(node->slots[i], height - 1);
	free(node);
}

/*
 * radix_check_node - check R2 below @node, and count its items.
 *
 * The recursion is at most RADIX_TREE_MAX_HEIGHT deep.
 */
static bool radix_check_node(const struct radix_tree_node *node,
			     unsigned int height, unsigned long *items)
{
	unsigned int i, used = 0;

	for (i = 0; i < RADIX_TREE_MAP_SIZE; i++) {
		if (!node->slots[i])
			continue;
		used++;
		if (height == 1)
			(*items)++;
		else if (!radix_check_node(node->slots[i], height - 1, items))
			return false;
	}
	return used > 0 && used == node->count;
}

void radix_tree_init(struct radix_tree_root *root)
{
	root->rnode = NULL;
	root->height = 0;
	root->nr_items = 0;
}

int radix_tree_insert(struct radix_tree_root *root, uint64_t index, void *item)
{
	struct radix_tree_node *leaf;
	struct radix_path path;
	unsigned int off = index & RADIX_TREE_MAP_MASK;
	int err;

	VM_BUG_ON(item == NULL);
	err = radix_tree_extend(root, index);
	if (err)
		return err;
	leaf = radix_descend_create(root, index, &path);
	if (!leaf) {
		radix_prune(root, &path);
		return -ENOMEM;
	}
	if (leaf->slots[off])
		return -EEXIST;
	leaf->slots[off] = item;
	leaf->count++;
	root->nr_items++;
	return 0;
}

void **radix_tree_lookup_slot(struct radix_tree_root *root, uint64_t index)
{
	struct radix_tree_node *node = root->rnode;
	unsigned int shift;
	void **slot;

	if (!node || index > height_to_maxindex[root->height])
		return NULL;
	for (shift = radix_shift(root->height);;
	     shift -= RADIX_TREE_MAP_SHIFT) {
		slot = &node->slots[(index >> shift) & RADIX_TREE_MAP_MASK];
		if (!*slot)
			return NULL;
		if (shift == 0)
			return slot;
		node = *slot;
	}
}

void *radix_tree_lookup(const struct radix_tree_root *root, uint64_t index)
{
	void **slot;

	/* The tree is not written: the cast only shares the walk. */
	slot = radix_tree_lookup_slot((struct radix_tree_root *)root, index);
	return slot ? *slot : NULL;
}

void *radix_tree_delete(struct radix_tree_root *root, uint64_t index)
{
	struct radix_tree_node *leaf;
	struct radix_path path;
	unsigned int off = index & RADIX_TREE_MAP_MASK;
	void *item;

	leaf = radix_descend(root, index, &path);
	if (!leaf || !leaf->slots[off])
		return NULL;
	item = leaf->slots[off];
	leaf->slots[off] = NULL;
	leaf->count--;
	root->nr_items--;
	radix_prune(root, &path);
	return item;
}

unsigned int radix_tree_gang_lookup(const struct radix_tree_root *root,
				    void **results, uint64_t *indices,
				    uint64_t first_index,
				    unsigned int max_items)
{
	struct radix_gang g = {
		.index = first_index,
		.more = true,
		.results = results,
		.indices = indices,
		.max = max_items,
	};
	const struct radix_tree_node *leaf;

	if (!root->rnode)
		return 0;
	while (g.more && g.nr < g.max &&
	       g.index <= height_to_maxindex[root->height]) {
		leaf = radix_find_leaf(root, &g);
		if (leaf)
			radix_collect(leaf, &g);
	}
	return g.nr;
}

void radix_tree_destroy(struct radix_tree_root *root)
{
	if (root->rnode)
		radix_free_node(root->rnode, root->height);
	radix_tree_init(root);
}

bool radix_tree_check(const struct radix_tree_root *root)
{
	const struct radix_tree_node *top = root->rnode;
	unsigned long items = 0;
	unsigned int i;

	if (!top)
		return root->height == 0 && root->nr_items == 0;
	if (root->height == 0 || root->height > RADIX_TREE_MAX_HEIGHT)
		return false;
	if (root->height > 1 && top->count == 1 && top->slots[0])
		return false;
	for (i = radix_top_slots(root->height); i < RADIX_TREE_MAP_SIZE; i++)
		if (top->slots[i])
			return false;
	if (!radix_check_node(top, root->height, &items))
		return false;
	return items == root->nr_items;
}
