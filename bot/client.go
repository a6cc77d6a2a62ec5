package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// API is the part of the Telegram Bot API the bot calls. Every call takes a
// context so that shutdown can abort a long poll at once.
type API interface {
	GetMe(ctx context.Context) (tgbotapi.User, error)
	GetUpdates(ctx context.Context, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error)
	Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error)
	Request(ctx context.Context, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error)
	GetChatMember(ctx context.Context, cfg tgbotapi.GetChatMemberConfig) (tgbotapi.ChatMember, error)
	// MakeRequest calls a method with raw parameters, for the fields the
	// library (v5.5.1) lacks, such as allow_paid_broadcast.
	MakeRequest(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error)
}

// Client is the go-telegram-bot-api client with two things added: calls take a
// context, and no error it returns contains the bot token. The library's own
// errors embed the request URL, which is where the token lives.
type Client struct {
	api   tgbotapi.BotAPI
	http  *http.Client
	token string
}

// NewClient returns a client for the Bot API at apiURL (for example
// https://api.telegram.org). It makes no request.
func NewClient(token, apiURL string, hc *http.Client) *Client {
	if hc == nil {
		// The long poll holds a request for up to its timeout, so the client
		// timeout must be longer than that; per-call contexts bound the rest.
		hc = &http.Client{Timeout: 90 * time.Second}
	}
	c := &Client{http: hc, token: token}
	c.api = tgbotapi.BotAPI{Token: token, Buffer: 100}
	c.api.SetAPIEndpoint(strings.TrimRight(apiURL, "/") + "/bot%s/%s")
	return c
}

// ctxDoer sends every request with a fixed context.
type ctxDoer struct {
	ctx context.Context
	hc  *http.Client
}

// Do sends req bound to the doer's context.
func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	return d.hc.Do(req.WithContext(d.ctx))
}

// with returns a shallow copy of the library client bound to ctx.
func (c *Client) with(ctx context.Context) *tgbotapi.BotAPI {
	api := c.api
	api.Client = ctxDoer{ctx: ctx, hc: c.http}
	return &api
}

// GetMe returns the bot's own user.
func (c *Client) GetMe(ctx context.Context) (tgbotapi.User, error) {
	u, err := c.with(ctx).GetMe()
	return u, c.clean("getMe", err)
}

// GetUpdates long-polls for updates.
func (c *Client) GetUpdates(ctx context.Context, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error) {
	u, err := c.with(ctx).GetUpdates(cfg)
	return u, c.clean("getUpdates", err)
}

// Send sends a message-like request and returns the message Telegram made.
func (c *Client) Send(ctx context.Context, m tgbotapi.Chattable) (tgbotapi.Message, error) {
	msg, err := c.with(ctx).Send(m)
	return msg, c.clean("send", err)
}

// Request calls any method and returns the raw response.
func (c *Client) Request(ctx context.Context, m tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	resp, err := c.with(ctx).Request(m)
	return resp, c.clean("request", err)
}

// GetChatMember returns a user's membership of a chat.
func (c *Client) GetChatMember(ctx context.Context, cfg tgbotapi.GetChatMemberConfig) (tgbotapi.ChatMember, error) {
	m, err := c.with(ctx).GetChatMember(cfg)
	return m, c.clean("getChatMember", err)
}

// MakeRequest calls a method with raw parameters and returns the raw response.
func (c *Client) MakeRequest(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	resp, err := c.with(ctx).MakeRequest(method, params)
	return resp, c.clean(method, err)
}

// clean returns err without the token in it. Telegram's own answers
// (*tgbotapi.Error) are kept as they are: they never contain the token.
func (c *Client) clean(op string, err error) error {
	if err == nil {
		return nil
	}
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) {
		return tgErr
	}
	inner := err
	var uerr *url.Error
	if errors.As(err, &uerr) {
		inner = uerr.Err // the part without the URL
	}
	msg := fmt.Sprintf("telegram %s: %v", op, inner)
	return &transportError{msg: Redact(msg, c.token), err: inner}
}

// transportError is a failure to reach Telegram, with the token removed.
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

// Redact replaces every occurrence of token in s.
func Redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "[token]")
}
