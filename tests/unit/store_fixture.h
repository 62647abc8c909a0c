/*
 * store_fixture.h - the fixtures of the store's test programs (test_store.c,
 * test_store_queries.c, test_store_schema.c): a fresh database in a
 * temporary directory as a cmocka setup and teardown.  A failure fails the
 * running test.
 */
#ifndef PHIEU_STORE_FIXTURE_H
#define PHIEU_STORE_FIXTURE_H

/* A fresh database in a temporary directory: *state is its store. */
int fixture_setup(void **state);
/* Close the store (*state) and remove its database. */
int fixture_teardown(void **state);
/* Remove a database's files and its temporary directory. */
void fixture_remove_db(const char *path);

#endif
