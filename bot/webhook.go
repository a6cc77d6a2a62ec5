package bot

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// In webhook mode Telegram posts each update to a public HTTPS URL (a
// reverse proxy forwards it to WebhookHandler). The handler checks the
// secret Telegram was given, stores the update and only then answers 200:
// an update Telegram counts as delivered is in the database. The update
// loop handles the stored updates in order, as polling does, and marks
// each handled; after a crash it starts again from the rows.

// Webhook is where Telegram posts updates, and the secret it sends with each.
type Webhook struct {
	// URL is the public HTTPS URL Telegram posts to.
	URL string
	// Secret is sent by Telegram in X-Telegram-Bot-Api-Secret-Token with
	// every update; a request without it is refused (see WebhookSecret).
	Secret string
}

// SecretHeader is the header in which Telegram sends the webhook's secret.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// stateWebhookSecret keeps the generated secret across restarts.
const stateWebhookSecret = "webhook.secret"

// webhookCheckEvery is how often Telegram is asked how the webhook fares:
// it reports the errors it met posting to it, and the call keeps
// LastContact fresh while no update comes.
const webhookCheckEvery = time.Minute

// maxUpdateBody bounds an update's body; Telegram's are a few kilobytes.
const maxUpdateBody = 1 << 20

// validSecret is what Telegram accepts as a secret_token.
var validSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// WebhookSecret returns the webhook's secret: given, when the operator
// chose one, else the one generated and stored at the first start, else a
// new random one, stored for the next start.
func WebhookSecret(ctx context.Context, db *store.DB, given string) (string, error) {
	if given != "" {
		if !validSecret.MatchString(given) {
			return "", store.Errorf(store.EINVALID, "the webhook secret may hold only A-Z, a-z, 0-9, _ and -, 1 to 256 of them")
		}
		return given, nil
	}
	if s, ok, err := db.State(ctx, stateWebhookSecret); err != nil || ok {
		return s, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	s := base64.RawURLEncoding.EncodeToString(raw[:])
	return s, db.SetState(ctx, stateWebhookSecret, s)
}

// setWebhook tells Telegram where to post updates and with what secret.
// secret_token is newer than the library, hence the raw parameters.
func (b *Bot) setWebhook(ctx context.Context) error {
	_, err := b.api.MakeRequest(ctx, "setWebhook", tgbotapi.Params{
		"url":          b.cfg.Webhook.URL,
		"secret_token": b.cfg.Webhook.Secret,
	})
	if err == nil {
		b.log.Info("webhook set", "url", b.cfg.Webhook.URL)
	}
	return err
}

// WebhookHandler receives Telegram's webhook calls: a POST with the right
// secret and an update is stored, then answered 200; a wrong or missing
// secret is answered 401 and nothing is stored.
func (b *Bot) WebhookHandler() http.Handler {
	secret := []byte(b.cfg.Webhook.Secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get(SecretHeader))
		if len(secret) == 0 || subtle.ConstantTimeCompare(got, secret) != 1 {
			b.counters.webhook[hookRejected].Add(1)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBody))
		var head struct {
			UpdateID int64 `json:"update_id"`
		}
		if err == nil {
			err = json.Unmarshal(body, &head)
		}
		if err != nil || head.UpdateID <= 0 {
			b.counters.webhook[hookInvalid].Add(1)
			http.Error(w, "not an update", http.StatusBadRequest)
			return
		}
		fresh, err := b.db.SaveUpdate(r.Context(), head.UpdateID, body)
		if err != nil {
			// Telegram tries again later: nothing is lost.
			b.log.Error("store webhook update", "update", head.UpdateID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		if fresh {
			b.counters.webhook[hookAccepted].Add(1)
			select {
			case b.stored <- struct{}{}:
			default:
			}
		} else {
			b.counters.webhook[hookRepeated].Add(1)
		}
		w.WriteHeader(http.StatusOK)
	})
}

// runWebhook handles the stored updates until ctx ends, in batches like
// polling's; hctx bounds the handling of a batch already begun.
func (b *Bot) runWebhook(ctx, hctx context.Context) error {
	go b.watchWebhook(ctx)
	backoff := newBackoff()
	for ctx.Err() == nil {
		stored, err := b.db.UnhandledUpdates(hctx, 100)
		if err != nil {
			b.log.Error("read stored updates", "err", err)
			if sleep(ctx, backoff.next()) != nil {
				break
			}
			continue
		}
		backoff.reset()
		if len(stored) == 0 {
			select {
			case <-b.stored:
			case <-ctx.Done():
			}
			continue
		}
		if err := b.handleStored(hctx, stored); err != nil {
			return err
		}
	}
	b.log.Info("update loop stopped")
	return nil
}

// handleStored handles a batch of stored updates and marks those handled.
func (b *Bot) handleStored(ctx context.Context, stored []store.StoredUpdate) error {
	updates := make([]tgbotapi.Update, 0, len(stored))
	ids := make([]int64, 0, len(stored))
	var unreadable []int64
	for _, s := range stored {
		var u tgbotapi.Update
		if err := json.Unmarshal(s.Body, &u); err != nil {
			// Stored because it had an update_id; nothing else can be done with it.
			b.log.Warn("unreadable webhook update dropped", "update", s.ID, "err", err)
			unreadable = append(unreadable, s.ID)
			continue
		}
		updates = append(updates, u)
		ids = append(ids, s.ID)
	}
	var handled []int64
	if len(updates) > 0 {
		for i, ok := range b.handleUpdates(ctx, updates) {
			if ok {
				handled = append(handled, ids[i])
			}
		}
	}
	// Recorded even when a stop cut the batch short: what was handled stays handled.
	return b.db.MarkUpdatesHandled(context.WithoutCancel(ctx), append(handled, unreadable...))
}

// watchWebhook asks Telegram every minute how delivery to the webhook
// fares, and logs each new error Telegram reports.
func (b *Bot) watchWebhook(ctx context.Context) {
	var lastError int64
	for {
		resp, err := b.api.MakeRequest(ctx, "getWebhookInfo", nil)
		if err == nil {
			var info tgbotapi.WebhookInfo
			if json.Unmarshal(resp.Result, &info) == nil {
				switch {
				case info.URL != b.cfg.Webhook.URL:
					b.log.Error("Telegram no longer posts to this webhook: another process set another URL or deleted it",
						"ours", b.cfg.Webhook.URL, "telegram", info.URL)
				case int64(info.LastErrorDate) > lastError:
					lastError = int64(info.LastErrorDate)
					b.log.Warn("Telegram could not post to the webhook", "error", info.LastErrorMessage,
						"at", time.Unix(lastError, 0), "pending", info.PendingUpdateCount)
				}
			}
		} else if ctx.Err() == nil {
			b.log.Warn("getWebhookInfo failed", "err", err)
		}
		if sleep(ctx, webhookCheckEvery) != nil {
			return
		}
	}
}
