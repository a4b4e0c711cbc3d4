/*
 * lib/itree.c - the interval tree behind mapping->i_mmap.
 *
 * libbsd's red-black code calls RB_AUGMENT(x) on some of the nodes whose
 * children change, but not all: on insert only the new node's parent, on
 * a simple removal only the old parent, and never a node above them.  So
 * each update here ends by recomputing subtree_last from the lowest node
 * whose subtree changed up to the root (itree_propagate).  That is enough
 * because a rotation inside libbsd recomputes both rotated nodes from
 * their children, so a stale value can only sit on that path.  A new node
 * starts with subtree_last = last, which also covers the empty tree, where
 * libbsd calls no hook at all.
 *
 * The searches are those of Linux's interval_tree_generic.h: walk left
 * while the left subtree reaches the query's start, stop at the first
 * node that starts after the query's last.
 *
 * Models: include/linux/interval_tree_generic.h and mm/interval_tree.c
 * (3.7); 2.6 kept this index in lib/prio_tree.c.
 */
#include "vm.h"
#include "lib/itree.h"

static void itree_augment(struct itree_node *node);

/* The hook that libbsd's rotations and removals call (see above). */
#undef RB_AUGMENT
#define RB_AUGMENT(x) itree_augment(x)

/* Order by start, then by address: equal starts are allowed. */
static int itree_cmp(const struct itree_node *a, const struct itree_node *b)
{
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a != b)
		return (uintptr_t)a < (uintptr_t)b ? -1 : 1;
	return 0;
}

RB_PROTOTYPE(itree_rb, itree_node, rb, itree_cmp)
RB_GENERATE(itree_rb, itree_node, rb, itree_cmp)

/* max(last, the children's subtree_last): I2 for one node. */
static uint64_t itree_compute_last(const struct itree_node *node)
{
	const struct itree_node *left = RB_LEFT(node, rb);
	const struct itree_node *right = RB_RIGHT(node, rb);
	uint64_t max = node->last;

	if (left && left->subtree_last > max)
		max = left->subtree_last;
	if (right && right->subtree_last > max)
		max = right->subtree_last;
	return max;
}

static void itree_augment(struct itree_node *node)
{
	node->subtree_last = itree_compute_last(node);
}

/* Recompute subtree_last from @node (may be NULL) up to the root. */
static void itree_propagate(struct itree_node *node)
{
	for (; node; node = RB_PARENT(node, rb))
		itree_augment(node);
}

/*
 * itree_removal_point - the lowest node whose subtree RB_REMOVE() of
 * @node will change: @node's parent, or, if @node has two children, the
 * old parent of its successor (the successor itself when that parent is
 * @node, since the successor then takes @node's place).
 */
static struct itree_node *itree_removal_point(struct itree_node *node)
{
	struct itree_node *next;

	if (!RB_LEFT(node, rb) || !RB_RIGHT(node, rb))
		return RB_PARENT(node, rb);
	next = RB_RIGHT(node, rb);
	while (RB_LEFT(next, rb))
		next = RB_LEFT(next, rb);
	return RB_PARENT(next, rb) == node ? next : RB_PARENT(next, rb);
}

/*
 * itree_subtree_search - the first node of @node's subtree that overlaps
 * [@start, @last].
 *
 * @node->subtree_last must be >= @start.  Return: the node, or NULL when
 * no node from here on in order can overlap.
 */
static struct itree_node *itree_subtree_search(struct itree_node *node,
					       uint64_t start, uint64_t last)
{
	struct itree_node *left;

	for (;;) {
		left = RB_LEFT(node, rb);
		if (left && left->subtree_last >= start) {
			node = left;
			continue;
		}
		if (node->start > last)
			return NULL;
		if (node->last >= start)
			return node;
		node = RB_RIGHT(node, rb);
		if (!node || node->subtree_last < start)
			return NULL;
	}
}

void itree_init(struct itree_root *root)
{
	RB_INIT(&root->head);
	root->count = 0;
}

void itree_insert(struct itree_root *root, struct itree_node *node)
{
	struct itree_node *dup;

	VM_BUG_ON(node->start > node->last);
	node->subtree_last = node->last;
	dup = RB_INSERT(itree_rb, &root->head, node);
	VM_BUG_ON(dup != NULL);
	itree_propagate(node);
	root->count++;
}

void itree_remove(struct itree_root *root, struct itree_node *node)
{
	struct itree_node *lowest = itree_removal_point(node);

	VM_BUG_ON(root->count == 0);
	RB_REMOVE(itree_rb, &root->head, node);
	itree_propagate(lowest);
	root->count--;
}

struct itree_node *itree_iter_first(struct itree_root *root, uint64_t start,
				    uint64_t last)
{
	struct itree_node *node = RB_ROOT(&root->head);

	if (!node || node->subtree_last < start)
		return NULL;
	return itree_subtree_search(node, start, last);
}

struct itree_node *itree_iter_next(struct itree_node *node, uint64_t start,
				   uint64_t last)
{
	struct itree_node *right = RB_RIGHT(node, rb), *prev;

	for (;;) {
		if (right && right->subtree_last >= start)
			return itree_subtree_search(right, start, last);
		/* Climb to the first ancestor we reach from its left. */
		do {
			prev = node;
			node = RB_PARENT(node, rb);
			if (!node)
				return NULL;
		} while (RB_RIGHT(node, rb) == prev);
		if (node->start > last)
			return NULL;
		if (node->last >= start)
			return node;
		right = RB_RIGHT(node, rb);
	}
}

/* What itree_check_node() carries through the in-order walk. */
struct itree_walk {
	const struct itree_node *prev; /* last node met in order */
	unsigned long count;
};

static bool itree_is_red(const struct itree_node *node)
{
	return node && RB_COLOR(node, rb) == RB_RED;
}

/* I1, I2 and the red rule of I4 for one node. */
static bool itree_node_ok(const struct itree_node *node)
{
	if (node->start > node->last)
		return false;
	if (node->subtree_last != itree_compute_last(node))
		return false;
	return !itree_is_red(node) || (!itree_is_red(RB_LEFT(node, rb)) &&
				       !itree_is_red(RB_RIGHT(node, rb)));
}

/*
 * itree_check_node - check the subtree under @node, whose parent is
 * @parent.
 *
 * Recurses as deep as the tree is high.  Return: the subtree's black
 * height (a NULL leaf counts 1), or -1 if a rule is broken.
 */
static int itree_check_node(const struct itree_node *node,
			    const struct itree_node *parent,
			    struct itree_walk *w)
{
	int left, right;

	if (!node)
		return 1;
	if (RB_PARENT(node, rb) != parent || !itree_node_ok(node))
		return -1;
	left = itree_check_node(RB_LEFT(node, rb), node, w);
	if (left < 0)
		return -1;
	if (w->prev && itree_cmp(w->prev, node) >= 0)
		return -1;
	w->prev = node;
	w->count++;
	right = itree_check_node(RB_RIGHT(node, rb), node, w);
	if (right != left)
		return -1;
	return left + (RB_COLOR(node, rb) == RB_BLACK);
}

bool itree_check(const struct itree_root *root)
{
	const struct itree_node *top = RB_ROOT(&root->head);
	struct itree_walk w = {NULL, 0};

	if (itree_is_red(top))
		return false;
	if (itree_check_node(top, NULL, &w) < 0)
		return false;
	return w.count == root->count;
}
