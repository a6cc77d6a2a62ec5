package feed

import (
	"errors"
	"fmt"
	"time"
)

// Reason is why a fetch failed, for people: the bot explains each one.
type Reason string

// The reasons a fetch fails.
const (
	ReasonNetwork   Reason = "network"   // the site could not be reached
	ReasonTimeout   Reason = "timeout"   // it answered too slowly
	ReasonStatus    Reason = "status"    // it answered with an HTTP error
	ReasonTooLarge  Reason = "too_large" // the answer is bigger than the size limit
	ReasonRedirects Reason = "redirects" // too many redirects
	ReasonScheme    Reason = "scheme"    // a URL, or a redirect, that is not http or https
	ReasonParse     Reason = "parse"     // the answer is neither a feed nor a readable page
	ReasonNoItems   Reason = "no_items"  // the page has no link the selector finds
	ReasonSelector  Reason = "selector"  // the CSS selector is not valid
)

// Error is a failed fetch: why, and what the site said.
type Error struct {
	Reason     Reason
	Status     int           // ReasonStatus: the HTTP status
	RetryAfter time.Duration // a 429 or 503's Retry-After, if any
	Err        error         // the underlying error, if any
}

// Error describes the failure in English, for logs and the command line.
func (e *Error) Error() string {
	var s string
	switch e.Reason {
	case ReasonNetwork:
		s = "cannot reach the site"
	case ReasonTimeout:
		s = "the site answered too slowly"
	case ReasonStatus:
		s = fmt.Sprintf("the site answered HTTP %d", e.Status)
	case ReasonTooLarge:
		s = "the answer is too large"
	case ReasonRedirects:
		s = "too many redirects"
	case ReasonScheme:
		s = "only http and https URLs can be read"
	case ReasonParse:
		s = "neither a feed nor a readable page"
	case ReasonNoItems:
		s = "the selector finds no link on the page"
	case ReasonSelector:
		s = "the CSS selector is not valid"
	default:
		s = string(e.Reason)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ReasonOf returns the reason of a fetch error, or "" for another error.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
