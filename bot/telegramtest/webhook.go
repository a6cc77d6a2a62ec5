package telegramtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// While a webhook is set, the server posts each queued update to it, one at a time in
// order, as JSON with the X-Telegram-Bot-Api-Secret-Token header the bot chose. An
// answer 200 confirms the update (Confirmed); anything else is remembered as the
// webhook's last error (getWebhookInfo) and the update is posted again after a pause,
// as Telegram does.

// webhookState is the delivery side of the webhook; upMu guards secret and lastErr.
type webhookState struct {
	secret      string
	lastErrDate int64
	lastErr     string
	delivered   int
	wake        chan struct{}
	startOnce   sync.Once
}

// secretPattern is what Telegram accepts as a secret_token.
var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// Webhook retry pauses, doubling from the first to the last.
const (
	webhookRetryFirst = 50 * time.Millisecond
	webhookRetryMax   = 2 * time.Second
)

// setWebhook sets (or, with an empty url, removes) the webhook; while one is set
// getUpdates answers 409 and queued updates are posted to it.
func (s *Server) setWebhook(c *call) answer {
	url := c.p.Get("url")
	if url != "" && !strings.HasPrefix(url, "https://") {
		return failure(http.StatusBadRequest, descWebhookHTTPS)
	}
	secret := c.p.Get("secret_token")
	if secret != "" && !secretPattern.MatchString(secret) {
		return failure(http.StatusBadRequest, descWebhookSecret)
	}
	s.upMu.Lock()
	had := s.webhookURL != ""
	s.webhookURL, s.hook.secret = url, secret
	s.hook.lastErrDate, s.hook.lastErr = 0, ""
	if c.boolParam("drop_pending_updates") {
		s.queue = nil
	}
	s.upMu.Unlock()
	if url != "" {
		s.hook.startOnce.Do(func() { go s.deliverWebhook() })
		s.pokeWebhook()
	}
	switch {
	case url != "":
		return okTrueWithDescription("Webhook was set")
	case had:
		return okTrueWithDescription("Webhook was deleted")
	}
	return okTrueWithDescription("Webhook is already deleted")
}

// deleteWebhook removes the webhook, optionally dropping the queued updates.
func (s *Server) deleteWebhook(c *call) answer {
	s.upMu.Lock()
	had := s.webhookURL != ""
	s.webhookURL, s.hook.secret = "", ""
	if c.boolParam("drop_pending_updates") {
		s.queue = nil
	}
	s.upMu.Unlock()
	if had {
		return okTrueWithDescription("Webhook was deleted")
	}
	return okTrueWithDescription("Webhook is already deleted")
}

// getWebhookInfo reports the webhook, the number of queued updates and the last error
// met posting to it.
func (s *Server) getWebhookInfo(*call) answer {
	s.upMu.Lock()
	url, n, errDate, errMsg := s.webhookURL, len(s.queue), s.hook.lastErrDate, s.hook.lastErr
	s.upMu.Unlock()
	b := append([]byte(`{"url":`), appendString(nil, url)...)
	b = append(b, `,"has_custom_certificate":false,"pending_update_count":`...)
	b = appendInt(b, int64(n))
	if errDate != 0 {
		b = append(b, `,"last_error_date":`...)
		b = appendInt(b, errDate)
		b = append(b, `,"last_error_message":`...)
		b = appendString(b, errMsg)
	}
	return okResult(append(b, '}'))
}

// pokeWebhook tells the deliverer there may be something to post.
func (s *Server) pokeWebhook() {
	select {
	case s.hook.wake <- struct{}{}:
	default:
	}
}

// WebhookDelivered is the number of updates the webhook accepted (answered 200).
func (s *Server) WebhookDelivered() int {
	s.upMu.Lock()
	defer s.upMu.Unlock()
	return s.hook.delivered
}

// deliverWebhook posts queued updates to the webhook until the server closes.
func (s *Server) deliverWebhook() {
	pause := webhookRetryFirst
	for {
		s.upMu.Lock()
		url, secret := s.webhookURL, s.hook.secret
		var next *queuedUpdate
		if url != "" && len(s.queue) > 0 {
			u := s.queue[0]
			next = &u
		}
		s.upMu.Unlock()
		if next == nil {
			select {
			case <-s.hook.wake:
				continue
			case <-s.closed:
				return
			}
		}
		err := s.postUpdate(url, secret, next.body)
		s.upMu.Lock()
		if err == nil {
			if len(s.queue) > 0 && s.queue[0].id == next.id {
				s.queue = s.queue[1:]
			}
			s.confirmed = max(s.confirmed, next.id)
			s.hook.delivered++
		} else if s.webhookURL == url {
			s.hook.lastErrDate, s.hook.lastErr = time.Now().Unix(), err.Error()
		}
		s.upMu.Unlock()
		s.notify()
		if err == nil {
			pause = webhookRetryFirst
			continue
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-s.hook.wake: // a new webhook, or a new update: try again at once
		case <-s.closed:
			t.Stop()
			return
		}
		t.Stop()
		pause = min(2*pause, webhookRetryMax)
	}
}

// postUpdate posts one update; an error says why it was not accepted, in the words of
// getWebhookInfo's last_error_message.
func (s *Server) postUpdate(url, secret string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := s.opts.WebhookClient.Do(req)
	if err != nil {
		return fmt.Errorf("Connection refused")
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("Wrong response from the webhook: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}
