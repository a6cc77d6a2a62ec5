package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache prepares each query once and reuses it, inside transactions
// too. database/sql re-prepares a statement on each connection as needed.
type stmtCache struct {
	db *sql.DB
	m  sync.Map // query -> *sql.Stmt
	// off is set for a pool of one connection (":memory:"): preparing a
	// statement on the pool while a transaction holds that connection would
	// wait forever.
	off bool
}

func newStmtCache(db *sql.DB, off bool) *stmtCache { return &stmtCache{db: db, off: off} }

// get returns the prepared statement for query.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.m.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := c.m.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
}

// in returns a querier that runs cached statements inside tx.
func (c *stmtCache) in(tx *sql.Tx) querier { return cachedQuerier{c: c, tx: tx} }

// reads returns a querier that runs cached statements on the pool.
func (c *stmtCache) reads() querier { return cachedQuerier{c: c} }

// cachedQuerier runs queries as cached statements, in a transaction when
// tx is set.
type cachedQuerier struct {
	c  *stmtCache
	tx *sql.Tx
}

func (q cachedQuerier) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s, err := q.c.get(ctx, query)
	if err != nil || q.tx == nil {
		return s, err
	}
	return q.tx.StmtContext(ctx, s), nil
}

// raw is where queries run when the cache is off.
func (q cachedQuerier) raw() querier {
	if q.tx != nil {
		return q.tx
	}
	return q.c.db
}

func (q cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if q.c.off {
		return q.raw().ExecContext(ctx, query, args...)
	}
	s, err := q.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if q.c.off {
		return q.raw().QueryContext(ctx, query, args...)
	}
	s, err := q.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if q.c.off {
		return q.raw().QueryRowContext(ctx, query, args...)
	}
	s, err := q.stmt(ctx, query)
	if err != nil {
		// A *sql.Row cannot be made with an error outside database/sql, so
		// let the unprepared query report it.
		return q.raw().QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}
