package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// part is one message of a broadcast: a long text goes out as several.
type part struct {
	photo string // a file_id: the part is a photo with text as its caption
	text  string
}

// parts cuts a broadcast into the messages Telegram accepts: a photo takes
// the first 1024 characters as its caption, texts 4096 at a time.
func parts(b store.Broadcast) []part {
	text := b.Text
	var out []part
	if b.Photo != "" {
		caption := split(text, maxCaption)
		out = append(out, part{photo: b.Photo, text: caption[0]})
		text = ""
		if len(caption) > 1 {
			text = strings.TrimLeft(b.Text[len(caption[0]):], " \n")
		}
		if text == "" {
			return out
		}
	}
	for _, t := range split(text, maxText) {
		out = append(out, part{text: t})
	}
	return out
}

// send sends the jobs the pacer hands over until there are no more.
func (d *dispatcher) send(ctx context.Context) {
	for j := range d.work {
		a, ok := d.job(j.bid)
		if !ok {
			continue
		}
		d.deliver(ctx, a, j)
	}
}

// deliver sends one job and reports its outcome, or sets it aside to try
// again, as the class of Telegram's answer says (DESIGN §3).
func (d *dispatcher) deliver(ctx context.Context, msgs []part, j job) {
	// A send already begun finishes even when the dispatcher is stopping:
	// its outcome must be recorded, or the next run sends it again.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	err := d.sendParts(sctx, ctx, msgs, &j)
	class, retryAfter, migrateTo := classify(err)
	out := store.Delivery{BroadcastID: j.bid, ChatID: j.chat, MessageID: j.msgID}
	d.b.counters.deliveries[outcomeOf(class)].Add(1)
	switch class {
	case failNone, failNotModified:
		out.State = store.DeliverySent
	case failRetryAfter:
		d.b.log.Warn("telegram asks to slow down", "retry_after", retryAfter)
		d.pauseAll(retryAfter)
		d.wait(j, time.Now())
		return
	case failMigrated:
		if err := d.b.db.MigrateChat(sctx, j.chat, migrateTo); err != nil {
			out.State, out.Reason = store.DeliveryFailed, "migrate: "+err.Error()
			break
		}
		d.b.log.Info("group moved to a supergroup", "from", j.chat, "to", migrateTo)
		// The move took the row along, unless the supergroup had its own
		// delivery of this broadcast: then the old row stays, skipped, and
		// the supergroup's own row is sent (or was) by its own job.
		if _, err := d.b.db.DeliveryOf(sctx, j.bid, j.chat); err == nil {
			out.State, out.Reason = store.DeliverySkipped, "chat migrated"
			break
		}
		// A supergroup's id is below its group's, so the cursor has passed
		// it: this job is the only one for the moved row.
		j.chat = migrateTo
		d.wait(j, time.Now())
		return
	case failBlocked, failChatGone:
		out.State, out.Reason = store.DeliveryBlocked, reason(err)
	case failBadRequest:
		out.State, out.Reason = store.DeliveryFailed, reason(err)
	default: // transient, or Telegram refusing the token: the row stays pending
		j.attempts++
		out.State, out.Reason = store.DeliveryPending, reason(err)
		wait := retryDelay(j.attempts)
		if class == failFatal {
			d.b.log.Error("telegram refused the bot while broadcasting (check the token)", "err", err)
			d.pauseAll(wait)
		}
		d.wait(j, time.Now().Add(wait))
	}
	d.results <- out
}

// outcomeOf is the outcome a class of answer counts as in Metrics.Deliveries.
func outcomeOf(class failure) int {
	switch class {
	case failNone, failNotModified:
		return outSent
	case failRetryAfter:
		return outRateLimited
	case failMigrated:
		return outMigrated
	case failBlocked, failChatGone:
		return outBlocked
	case failBadRequest:
		return outFailed
	}
	return outRetry
}

// retryDelay is the wait before a delivery's next attempt: 1s doubling, at
// most 5 minutes.
func retryDelay(attempts int) time.Duration {
	d := time.Second << min(attempts-1, 9)
	return min(d, 5*time.Minute)
}

// reason is what Telegram said, to keep with a delivery.
func reason(err error) string {
	var tg *tgbotapi.Error
	if errors.As(err, &tg) {
		return tg.Message
	}
	return err.Error()
}

// sendParts sends the parts of a message not sent yet, pacing the later
// ones like any other message to the chat. stop ends the waits between
// parts, not a send under way.
func (d *dispatcher) sendParts(ctx, stop context.Context, msgs []part, j *job) error {
	for j.part < len(msgs) {
		slot := j.slot
		if j.part > 0 {
			var err error
			if slot, err = d.paceNext(stop, j.chat); err != nil {
				return err
			}
		}
		id, err := d.sendOne(ctx, j.chat, msgs[j.part])
		d.answered(slot)
		if err != nil {
			return err
		}
		if j.part == 0 {
			j.msgID = id
		}
		j.part++
	}
	return nil
}

// paceNext waits until another message may go to chat, and returns its
// slot in the overall ceiling.
func (d *dispatcher) paceNext(ctx context.Context, chat int64) (uint64, error) {
	for {
		wait := d.pace.reserve(chat, time.Now())
		if wait <= 0 {
			slot, err := d.hold(ctx)
			d.pace.sent(chat, time.Now())
			return slot, err
		}
		if err := sleep(ctx, wait); err != nil {
			return 0, err
		}
	}
}

// sendOne sends one message with raw parameters: the library predates
// allow_paid_broadcast and link_preview_options.
func (d *dispatcher) sendOne(ctx context.Context, chat int64, p part) (int, error) {
	params := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chat, 10),
		"parse_mode": tgbotapi.ModeHTML,
	}
	method := "sendMessage"
	if p.photo != "" {
		method = "sendPhoto"
		params["photo"] = p.photo
		params.AddNonEmpty("caption", p.text)
	} else {
		params["text"] = p.text
		params["link_preview_options"] = `{"is_disabled":true}`
	}
	if d.b.cfg.PaidBroadcast {
		params["allow_paid_broadcast"] = "true"
	}
	resp, err := d.b.api.MakeRequest(ctx, method, params)
	if err != nil {
		return 0, err
	}
	var m struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(resp.Result, &m); err != nil {
		// Sent all the same: Telegram said ok. Only the id is lost.
		d.b.log.Warn("unreadable sendMessage result", "err", err)
	}
	return m.MessageID, nil
}
