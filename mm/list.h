/* SPDX-License-Identifier: MIT */
/* list.h - intrusive circular doubly-linked lists, the kernel's list_head. */
#ifndef MM_LIST_H
#define MM_LIST_H

#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)

static inline void INIT_LIST_HEAD(struct list_head *h) { h->next = h; h->prev = h; }
#define LIST_HEAD(name) struct list_head name = { &(name), &(name) }
static inline int list_empty(const struct list_head *h) { return h->next == h; }

static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
/* Insert after head (stack order). */
static inline void list_add(struct list_head *n, struct list_head *head) { __list_add(n, head, head->next); }
/* Insert before head (queue order). */
static inline void list_add_tail(struct list_head *n, struct list_head *head) { __list_add(n, head->prev, head); }
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = NULL;
}
#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)
/* As list_for_each, where the body may delete pos. */
#define list_for_each_safe(pos, n, head) \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)
/* Move e to just after head (the head end of an LRU list). */
static inline void list_move(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add(e, head);
}
static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add_tail(e, head);
}

/* Move every entry of list to the front of head, in order; list is left empty. */
static inline void list_splice(struct list_head *list, struct list_head *head)
{
	if (list_empty(list))
		return;
	list->prev->next = head->next;
	head->next->prev = list->prev;
	list->next->prev = head;
	head->next = list->next;
	INIT_LIST_HEAD(list);
}

/* Move every entry of list to the tail of head, in order; list is left empty. */
static inline void list_splice_tail(struct list_head *list, struct list_head *head)
{
	if (list_empty(list))
		return;
	list->next->prev = head->prev;
	head->prev->next = list->next;
	list->prev->next = head;
	head->prev = list->prev;
	INIT_LIST_HEAD(list);
}

#endif
