package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// Defaults of a Fetcher.
const (
	DefaultTimeout      = 20 * time.Second
	DefaultMaxBytes     = 5 << 20
	DefaultMaxRedirects = 5
	DefaultUserAgent    = "LoaPhuong/1.0 (news relay of a ward's Telegram bot; +https://github.com/loaphuong/loaphuong)"
)

// Options configure a Fetcher; the zero value takes every default.
type Options struct {
	Timeout      time.Duration // one request, body included (default 20s)
	MaxBytes     int64         // the largest body read (default 5 MB)
	MaxRedirects int           // redirects followed (default 5)
	UserAgent    string
	// MaxIdlePerHost is how many idle connections to one host are kept for
	// the next poll (default 16): sources often share a site.
	MaxIdlePerHost int
	// AllowPrivate lets sources live on loopback, private and link-local
	// addresses: a ward's intranet, or a test server. Off, a URL typed by an
	// official cannot make the bot read this machine or its network.
	AllowPrivate bool
}

// Fetcher reads sources over HTTP within limits. It is safe for concurrent use.
type Fetcher struct {
	client   *http.Client
	timeout  time.Duration
	maxBytes int64
	agent    string
}

// dialer connects to sources. Unless private addresses are allowed, it
// checks the address it is about to connect to, after DNS: a name that
// resolves to 127.0.0.1 is refused as surely as the number itself.
func dialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip, err := netip.ParseAddr(host); err == nil && !public(ip) {
				return &Error{Reason: ReasonPrivate, Err: fmt.Errorf("%s", host)}
			}
			return nil
		}
	}
	return d
}

// public says whether ip is an address on the Internet.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip)) // carrier-grade NAT
}

// NewFetcher returns a Fetcher with its own connection pool.
func NewFetcher(o Options) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.MaxIdlePerHost <= 0 {
		o.MaxIdlePerHost = 16
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer(o.AllowPrivate).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   o.MaxIdlePerHost,
		IdleConnTimeout:       90 * time.Second,
	}
	maxRedirects := o.MaxRedirects
	return &Fetcher{
		client: &http.Client{
			Transport: transport,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) > maxRedirects {
					return &Error{Reason: ReasonRedirects, Err: fmt.Errorf("more than %d", maxRedirects)}
				}
				if s := req.URL.Scheme; s != "http" && s != "https" {
					return &Error{Reason: ReasonScheme, Err: fmt.Errorf("redirect to %s:", s)}
				}
				return nil
			},
		},
		timeout:  o.Timeout,
		maxBytes: o.MaxBytes,
		agent:    o.UserAgent,
	}
}

// Request is what to fetch.
type Request struct {
	URL      string
	Kind     store.SourceKind // "": whatever the answer is
	Selector string           // SourceHTML: the article links (default DefaultSelector)
	// ETag and LastModified make the request conditional: an unchanged
	// source answers 304 Not Modified, with no body.
	ETag, LastModified string
}

// Result is what a source showed.
type Result struct {
	NotModified bool // 304: nothing changed since the validators
	// ETag and LastModified are the validators of this answer, for the next request.
	ETag, LastModified string
	URL                string           // what was read: for Probe, maybe a feed the page announced
	Kind               store.SourceKind // what it turned out to be
	Selector           string           // SourceHTML: the selector used
	Name               string           // the feed's or page's title
	// Items are in the source's order, usually the newest first.
	Items []store.Item
}

// Fetch fetches and reads a source. It fails with an *Error, or with
// ctx's error when ctx ends.
func (f *Fetcher) Fetch(ctx context.Context, r Request) (*Result, error) {
	u, err := url.Parse(strings.TrimSpace(r.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Reason: ReasonScheme, Err: fmt.Errorf("%q", r.URL)}
	}
	body, resp, err := f.get(ctx, u, r)
	if err != nil {
		return nil, err
	}
	res := &Result{URL: u.String(), Kind: r.Kind, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if resp.StatusCode == http.StatusNotModified {
		res.NotModified = true
		return res, nil
	}
	contentType := resp.Header.Get("Content-Type")
	if res.Kind == "" {
		res.Kind = store.SourceHTML
		if isFeed(body) {
			res.Kind = store.SourceRSS
		}
	}
	if res.Kind == store.SourceRSS {
		if res.Name, res.Items, err = parseFeed(body, contentType, resp.Request.URL); err != nil {
			return nil, err
		}
		return res, nil
	}
	p, err := parsePage(body, contentType, resp.Request.URL)
	if err != nil {
		return nil, err
	}
	return res, res.readPage(p, r.Selector)
}

// readPage fills a result with a page's title and the articles a selector
// (or DefaultSelector) finds on it.
func (res *Result) readPage(p *page, selector string) error {
	res.Kind = store.SourceHTML
	res.Selector = strings.TrimSpace(selector)
	if res.Selector == "" {
		res.Selector = DefaultSelector
	}
	res.Name = p.title()
	var err error
	res.Items, err = p.items(res.Selector)
	return err
}

// Probe reads a URL an official wants to watch and says what it is: a
// feed; or an HTML page that announces a feed (read instead, unless a
// selector is given); or an HTML page read with the selector, or with
// DefaultSelector.
func (f *Fetcher) Probe(ctx context.Context, rawURL, selector string) (*Result, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Reason: ReasonScheme, Err: fmt.Errorf("%q", rawURL)}
	}
	if strings.TrimSpace(selector) != "" {
		if err := CheckSelector(selector); err != nil {
			return nil, err
		}
	}
	body, resp, err := f.get(ctx, u, Request{})
	if err != nil {
		return nil, err
	}
	res := &Result{URL: u.String(), ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	contentType := resp.Header.Get("Content-Type")
	if isFeed(body) {
		res.Kind = store.SourceRSS
		if res.Name, res.Items, err = parseFeed(body, contentType, resp.Request.URL); err != nil {
			return nil, err
		}
		return res, nil
	}
	p, err := parsePage(body, contentType, resp.Request.URL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(selector) == "" {
		if feed := p.feedLink(); feed != nil {
			return f.Fetch(ctx, Request{URL: feed.String(), Kind: store.SourceRSS})
		}
	}
	if err := res.readPage(p, selector); err != nil {
		return nil, err
	}
	return res, nil
}

// get makes the request and reads the body of a 200 answer, within the
// limits; a 304 has no body.
func (f *Fetcher) get(ctx context.Context, u *url.URL, r Request) ([]byte, *http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, &Error{Reason: ReasonScheme, Err: err}
	}
	req.Header.Set("User-Agent", f.agent)
	switch r.Kind {
	case store.SourceRSS:
		req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")
	case store.SourceHTML:
		req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.8")
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, f.fail(ctx, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil, resp, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can be reused
		return nil, nil, &Error{Reason: ReasonStatus, Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	case resp.ContentLength > f.maxBytes:
		return nil, nil, &Error{Reason: ReasonTooLarge, Err: fmt.Errorf("%d bytes, the limit is %d", resp.ContentLength, f.maxBytes)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, nil, f.fail(ctx, err)
	}
	if int64(len(body)) > f.maxBytes {
		return nil, nil, &Error{Reason: ReasonTooLarge, Err: fmt.Errorf("more than %d bytes", f.maxBytes)}
	}
	return body, resp, nil
}

// fail classifies an error of the request or of reading the body. The
// end of the caller's context is returned as it is: it is not the source's fault.
func (f *Fetcher) fail(ctx context.Context, err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.DeadlineExceeded) {
		return cause
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &Error{Reason: ReasonTimeout, Err: fmt.Errorf("no complete answer within %v", f.timeout)}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is known to the caller
	}
	return &Error{Reason: ReasonNetwork, Err: err}
}

// retryAfter reads a Retry-After header given in seconds (dates are rare
// and ignored).
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(min(n, 24*3600)) * time.Second
}
