package store

import (
	"errors"
	"fmt"
)

// Error codes. Callers branch on the code and show the message: the message of
// an EINVALID or ENOTFOUND error is meant for the person who caused it.
const (
	ENOTFOUND = "not_found"
	EINVALID  = "invalid"
	ECONFLICT = "conflict"
	EINTERNAL = "internal"
)

// Error is an error a caller can act on: a code to branch on and a message to show.
type Error struct {
	Code    string
	Message string
}

// Error returns the message, so that an *Error reads well wherever it is printed.
func (e *Error) Error() string {
	return e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: "" for nil, EINTERNAL unless err wraps an *Error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err that is safe to show to a person:
// internal errors may carry SQL and paths, so they are replaced by a generic text.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
