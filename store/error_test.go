package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestErrorCodeAndMessage(t *testing.T) {
	for _, tt := range []struct {
		name        string
		err         error
		wantCode    string
		wantMessage string
	}{
		{"nil", nil, "", ""},
		{"store error", store.Errorf(store.ENOTFOUND, "area %q not found", "x"), store.ENOTFOUND, `area "x" not found`},
		{"wrapped", fmt.Errorf("import: %w", store.Errorf(store.EINVALID, "bad")), store.EINVALID, "bad"},
		{"other", errors.New("disk I/O error at /var/lib/x.db"), store.EINTERNAL, "Internal error."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q", got, tt.wantCode)
			}
			if got := store.ErrorMessage(tt.err); got != tt.wantMessage {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.wantMessage)
			}
		})
	}
	if got := store.Errorf(store.ECONFLICT, "x %d", 1).Error(); got != "x 1" {
		t.Errorf("Error() = %q, want the message", got)
	}
}
