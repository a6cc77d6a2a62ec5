package feed

import (
	"errors"
	"fmt"
	"strings"
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
	ReasonPrivate   Reason = "private"   // the address is on this machine or a private network
)

// phrases start the text of each reason's errors; ReasonOfText reads them
// back from a failure stored as text (store.Source.LastError).
var phrases = []struct {
	reason Reason
	phrase string
}{
	{ReasonNetwork, "cannot reach the site"},
	{ReasonTimeout, "the site answered too slowly"},
	{ReasonStatus, "the site answered HTTP "},
	{ReasonTooLarge, "the answer is too large"},
	{ReasonRedirects, "too many redirects"},
	{ReasonScheme, "only http and https URLs can be read"},
	{ReasonParse, "neither a feed nor a readable page"},
	{ReasonNoItems, "the selector finds no link on the page"},
	{ReasonSelector, "the CSS selector is not valid"},
	{ReasonPrivate, "the address is on this machine or a private network"},
}

// Error is a failed fetch: why, and what the site said.
type Error struct {
	Reason     Reason
	Status     int           // ReasonStatus: the HTTP status
	RetryAfter time.Duration // a 429 or 503's Retry-After, if any
	Err        error         // the underlying error, if any
}

// Error describes the failure in English, for logs and the command line.
func (e *Error) Error() string {
	s := string(e.Reason)
	for _, p := range phrases {
		if p.reason == e.Reason {
			s = p.phrase
		}
	}
	if e.Reason == ReasonStatus {
		s += fmt.Sprint(e.Status)
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

// ReasonOfText returns the reason of a fetch error from its text, as
// stored after a failed poll, or "" when it is not a fetch error's.
func ReasonOfText(text string) Reason {
	for _, p := range phrases {
		if strings.HasPrefix(text, p.phrase) {
			return p.reason
		}
	}
	return ""
}
