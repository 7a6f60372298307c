// sql-pool-exhaustion: database/sql over a tiny in-file fake driver with
// SetMaxOpenConns(2). One code path forgets rows.Close(), another never
// commits/rolls back its transaction; both connections are now pinned and
// every later query waits in database/sql.(*DB).conn forever.
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"io"
	"os"
	"runtime"
	"time"
)

// ---- fake driver ----

type fakeDriver struct{}

func (fakeDriver) Open(name string) (driver.Conn, error) { return &fakeConn{}, nil }

type fakeConn struct{}

func (c *fakeConn) Prepare(query string) (driver.Stmt, error) { return &fakeStmt{q: query}, nil }
func (c *fakeConn) Close() error                              { return nil }
func (c *fakeConn) Begin() (driver.Tx, error)                 { return fakeTx{}, nil }

type fakeTx struct{}

func (fakeTx) Commit() error   { return nil }
func (fakeTx) Rollback() error { return nil }

type fakeStmt struct{ q string }

func (s *fakeStmt) Close() error  { return nil }
func (s *fakeStmt) NumInput() int { return -1 }
func (s *fakeStmt) Exec(args []driver.Value) (driver.Result, error) {
	return driver.RowsAffected(1), nil
}
func (s *fakeStmt) Query(args []driver.Value) (driver.Rows, error) {
	return &fakeRows{n: 3}, nil
}

type fakeRows struct{ i, n int }

func (r *fakeRows) Columns() []string { return []string{"id", "name"} }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if r.i >= r.n {
		return io.EOF
	}
	dest[0] = int64(r.i)
	dest[1] = fmt.Sprintf("user%d", r.i)
	r.i++
	return nil
}

// ---- application ----

type UserRepo struct{ db *sql.DB }

// FirstActive returns the first active user. BUG: rows is never closed, so the
// connection is never returned to the pool.
func (r *UserRepo) FirstActive(ctx context.Context) (string, error) {
	rows, err := r.db.QueryContext(ctx, "SELECT id, name FROM users WHERE active")
	if err != nil {
		return "", err
	}
	var id int
	var name string
	if rows.Next() {
		if err := rows.Scan(&id, &name); err != nil {
			return "", err
		}
	}
	return name, nil
}

// Rename starts a transaction and returns early on validation failure without
// Rollback. BUG: the tx (and its connection) is leaked.
func (r *UserRepo) Rename(ctx context.Context, id int, name string) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("empty name")
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET name=? WHERE id=?", name, id); err != nil {
		return err
	}
	return tx.Commit()
}

func (r *UserRepo) FindUser(ctx context.Context, id int) (string, error) {
	var name string
	err := r.db.QueryRowContext(ctx, "SELECT name FROM users WHERE id=?", id).Scan(&name)
	return name, err
}

type ProfileService struct{ repo *UserRepo }

func (s *ProfileService) handleProfile(id int) {
	// context.Background: no deadline, waits for a connection forever.
	_, _ = s.repo.FindUser(context.Background(), id)
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	sql.Register("fakedb", fakeDriver{})
	db, err := sql.Open("fakedb", "app")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(2)
	repo := &UserRepo{db: db}
	ctx := context.Background()
	if _, err := repo.FirstActive(ctx); err != nil {
		panic(err)
	}
	if err := repo.Rename(ctx, 7, ""); err == nil {
		panic("expected validation error")
	}
	svc := &ProfileService{repo: repo}
	for i := 0; i < 20; i++ {
		go svc.handleProfile(i)
	}
	waitGoroutines(22)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
