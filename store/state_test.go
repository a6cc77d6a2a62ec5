package store_test

import (
	"context"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestState(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if v, ok, err := db.State(ctx, "offset"); err != nil || ok || v != "" {
		t.Errorf("State of a missing key = %q, %v, %v; want \"\", false, nil", v, ok, err)
	}
	for _, tt := range []struct{ key, value string }{
		{"offset", "100"},
		{"offset", "101"}, // replaces
		{"username", "loaphuong_bot"},
		{"note", "Kỷ niệm 50 năm 30/4"},
		{"empty", ""},
	} {
		if err := db.SetState(ctx, tt.key, tt.value); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := db.State(ctx, tt.key); err != nil || !ok || v != tt.value {
			t.Errorf("State(%q) = %q, %v, %v; want %q", tt.key, v, ok, err, tt.value)
		}
	}
	if v, _, _ := db.State(ctx, "offset"); v != "101" {
		t.Errorf("offset %q after another key was set, want 101", v)
	}
	if err := db.SetState(ctx, "", "x"); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("SetState with an empty key: %v, want %s", err, store.EINVALID)
	}
}
